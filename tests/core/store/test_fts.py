"""The full-text index follows the tables through inserts, updates and deletes."""

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from core.store.fts import fts_query
from core.store.notes import save_note_version
from core.store.patients import create_patient
from core.store.sessions import add_session, search_sessions


def _fts_rowids(db: Database, table: str, word: str) -> list[int]:
    rows = db.execute(
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", [fts_query(word)]
    ).fetchall()
    return [row[0] for row in rows]


def test_triggers_keep_the_index_in_sync(fresh_db: Database) -> None:
    patient = create_patient(fresh_db, "Ada")
    session = add_session(fresh_db, patient.id, "we spoke about gardening")
    assert _fts_rowids(fresh_db, "sessions", "gardening") == [session.id]

    with fresh_db.atomic():
        fresh_db.execute(
            "UPDATE sessions SET transcript = 'we spoke about cycling' WHERE id = ?", [session.id]
        )
    assert _fts_rowids(fresh_db, "sessions", "gardening") == []
    assert _fts_rowids(fresh_db, "sessions", "cycling") == [session.id]

    version = save_note_version(
        fresh_db, session.id, "cycling helps mood", template="t", is_ai_generated=True
    )
    assert _fts_rowids(fresh_db, "note_versions", "mood") == [version.id]

    with fresh_db.atomic():
        fresh_db.execute("DELETE FROM note_versions WHERE id = ?", [version.id])
        fresh_db.execute("DELETE FROM sessions WHERE id = ?", [session.id])
    assert _fts_rowids(fresh_db, "sessions", "cycling") == []
    assert _fts_rowids(fresh_db, "note_versions", "mood") == []


def test_words_match_by_prefix_and_all_must_match(fresh_db: Database) -> None:
    patient = create_patient(fresh_db, "Ada")
    session = add_session(fresh_db, patient.id, "Client: I have been sleeping poorly")
    assert [s.id for s in search_sessions(fresh_db, "sleep poor")] == [session.id]
    assert search_sessions(fresh_db, "sleep well") == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_user_input_is_a_valid_query(query: str) -> None:
    # Real SQLite on a throwaway database: the query must never be an FTS syntax error.
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        conn.execute("INSERT INTO t VALUES ('some words here')")
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [fts_query(query)]).fetchall()
    finally:
        conn.close()
