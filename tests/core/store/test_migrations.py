import hashlib
from pathlib import Path

import pytest
from conftest import TEST_KEY

from core.store import open_store
from core.store.connection import connect
from core.store.errors import NewerDatabaseError
from core.store.migrations import MIGRATION_NAMES, MIGRATIONS, migrate

REQUIRED_COLUMNS = {
    "patients": {"id", "display_name", "external_ref", "created_at", "archived"},
    "sessions": {
        "id",
        "patient_id",
        "session_number",
        "session_date",
        "transcript",
        "transcript_format",
        "private_notes",
        "created_at",
    },
    "note_versions": {
        "id",
        "session_id",
        "template",
        "content",
        "sections_json",
        "is_ai_generated",
        "edited_from_ai",
        "engine",
        "model_name",
        "generated_at",
        "created_at",
        "parent_version_id",
    },
    "or_cases": {"id", "surgery", "started_at", "ended_at", "label"},
    "or_segments": {"case_id", "t", "speaker", "text", "is_final"},
    "or_states": {"case_id", "t", "state_json", "source"},
    "audit_log": {
        "id",
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "detail",
        "prev_hash",
        "hash",
    },
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_from_empty_creates_every_table(tmp_path: Path) -> None:
    db = open_store(tmp_path / "new.db", key=TEST_KEY)
    try:
        for table, columns in REQUIRED_COLUMNS.items():
            assert columns <= set(db[table].columns_dict), table
        assert {"sessions_fts", "note_versions_fts"} <= set(db.table_names())
        assert [m.name for m in MIGRATIONS.applied(db)] == MIGRATION_NAMES
    finally:
        db.close()


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    open_store(tmp_path / "a.db", key=TEST_KEY).close()
    db = connect(tmp_path / "a.db", key=TEST_KEY)
    try:
        assert migrate(db, tmp_path / "a.db") == []
    finally:
        db.close()


@pytest.mark.parametrize("stop_before", MIGRATION_NAMES)
def test_from_each_older_version(tmp_path: Path, stop_before: str) -> None:
    path = tmp_path / "old.db"
    db = connect(path, key=TEST_KEY)
    applied = migrate(db, path, stop_before=stop_before)
    assert applied == MIGRATION_NAMES[: MIGRATION_NAMES.index(stop_before)]
    if "patients" in db.table_names():
        db.execute("INSERT INTO patients (display_name, created_at) VALUES ('Old Patient', 'x')")
        db.execute(
            "INSERT INTO sessions (patient_id, session_number, session_date, transcript, "
            "created_at) VALUES (1, 1, '2025-01-01', 'we talked about sleeping badly', 'x')"
        )
        db.conn.commit()
    db.close()

    db = open_store(path, key=TEST_KEY)
    try:
        assert [m.name for m in MIGRATIONS.applied(db)] == MIGRATION_NAMES
        if stop_before != MIGRATION_NAMES[0]:
            assert db.execute("SELECT display_name FROM patients").fetchone()[0] == "Old Patient"
            # rows written before the search index existed are indexed by the migration
            hits = db.execute(
                "SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH 'sleeping'"
            ).fetchall()
            assert hits == [(1,)]
    finally:
        db.close()


def test_a_database_from_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = open_store(path, key=TEST_KEY)
    db["_sqlite_migrations"].insert(
        {"migration_set": "auralis", "name": "m9999_from_the_future", "applied_at": "x"}
    )
    db.close()
    before = _sha256(path)

    with pytest.raises(NewerDatabaseError) as caught:
        open_store(path, key=TEST_KEY)
    assert "m9999_from_the_future" in str(caught.value)
    assert "newer version of Auralis" in str(caught.value)
    assert _sha256(path) == before
