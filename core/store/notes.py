"""Note versions: every AI draft and every edit of a session's note is kept.

A session's current note is its newest version. Versions are never updated or deleted;
restoring an old text means saving it again as a new version.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.fts import fts_query
from core.store.rows import insert, row_by_id, writing
from core.store.sessions import get_session


@dataclass(frozen=True)
class NoteVersion:
    id: int
    session_id: int
    template: str
    content: str
    sections: dict[str, str] | None
    is_ai_generated: bool
    edited_from_ai: bool
    engine: str | None
    model_name: str | None
    generated_at: str | None
    inference_time_s: float | None
    created_at: str
    parent_version_id: int | None

    @property
    def provenance(self) -> str:
        """Who wrote this text, as a reviewer reads it."""
        if self.is_ai_generated:  # the rules' draft is not an AI's, with or without a model
            return "rule draft" if self.engine == "rules" else "AI draft"
        if not self.edited_from_ai:
            return "written by a clinician"
        return "edited from a rule draft" if self.engine == "rules" else "edited from an AI draft"


@dataclass(frozen=True)
class CurrentNote:
    """A session's newest version with the metadata a reviewer needs."""

    version: NoteVersion
    version_count: int
    last_edited_at: str | None  # when a person last saved it; None for an untouched AI draft

    @property
    def is_ai_generated(self) -> bool:
        return self.version.is_ai_generated

    @property
    def edited_from_ai(self) -> bool:
        return self.version.edited_from_ai

    @property
    def generated_at(self) -> str | None:
        return self.version.generated_at


@dataclass(frozen=True)
class NoteSearchHit:
    session_id: int
    patient_id: int
    version_id: int  # the newest version of the session that matches


def _version(row: dict[str, Any]) -> NoteVersion:
    sections_json = row["sections_json"]
    return NoteVersion(
        id=row["id"],
        session_id=row["session_id"],
        template=row["template"],
        content=row["content"],
        sections=json.loads(sections_json) if sections_json else None,
        is_ai_generated=bool(row["is_ai_generated"]),
        edited_from_ai=bool(row["edited_from_ai"]),
        engine=row["engine"],
        model_name=row["model_name"],
        generated_at=row["generated_at"],
        inference_time_s=row["inference_time_s"],
        created_at=row["created_at"],
        parent_version_id=row["parent_version_id"],
    )


def _newest_row(db: Database, session_id: int) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT * FROM note_versions WHERE session_id = ? ORDER BY id DESC LIMIT 1",
            [session_id],
        )
    )
    return rows[0] if rows else None


def save_note_version(
    db: Database,
    session_id: int,
    content: str,
    *,
    template: str,
    is_ai_generated: bool,
    edited_from_ai: bool = False,
    sections: dict[str, str] | None = None,
    engine: str | None = None,
    model_name: str | None = None,
    generated_at: str | None = None,
    inference_time_s: float | None = None,
) -> NoteVersion:
    """Append a version to the session's note and return it.

    Its parent is the session's newest version at the time of saving, read in the same
    transaction. ``generated_at`` defaults to now for AI versions and, for a person's
    edit, to the generation time of the draft it descends from; an edit of a draft keeps
    the draft's ``engine`` and ``model_name`` (who drafted the text it changed).
    """
    get_session(db, session_id)
    with writing("The note"), db.atomic():
        parent = _newest_row(db, session_id)
        if generated_at is None:
            generated_at = utc_now() if is_ai_generated else (parent or {}).get("generated_at")
        if edited_from_ai and not is_ai_generated and engine is None and parent:
            # a person's edit of a draft remembers what drafted it (rules or which model)
            engine, model_name = parent["engine"], parent["model_name"]
        version_id = insert(
            db,
            """INSERT INTO note_versions (session_id, template, content, sections_json,
                   is_ai_generated, edited_from_ai, engine, model_name, generated_at,
                   inference_time_s, created_at, parent_version_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                session_id,
                template,
                content,
                json.dumps(sections, ensure_ascii=False) if sections is not None else None,
                int(is_ai_generated),
                int(edited_from_ai),
                engine,
                model_name,
                generated_at,
                inference_time_s,
                utc_now(),
                parent["id"] if parent else None,
            ],
        )
    return get_note_version(db, version_id)


def get_note_version(db: Database, version_id: int) -> NoteVersion:
    """One version by id, or ``NotFoundError``."""
    return _version(row_by_id(db, "note_versions", version_id, "note version"))


def current_note(db: Database, session_id: int) -> CurrentNote | None:
    """The session's newest version with its review metadata, or None without a note."""
    get_session(db, session_id)
    row = _newest_row(db, session_id)
    if row is None:
        return None
    version = _version(row)
    count = db.execute(
        "SELECT COUNT(*) FROM note_versions WHERE session_id = ?", [session_id]
    ).fetchone()[0]
    last_edited_at = None if version.is_ai_generated else version.created_at
    return CurrentNote(version=version, version_count=count, last_edited_at=last_edited_at)


def note_history(db: Database, session_id: int) -> list[NoteVersion]:
    """Every version of the session's note, oldest first."""
    get_session(db, session_id)
    rows = db.query("SELECT * FROM note_versions WHERE session_id = ? ORDER BY id", [session_id])
    return [_version(row) for row in rows]


def search_notes(db: Database, query: str, *, limit: int = 100) -> list[NoteSearchHit]:
    """Sessions whose note (any version) contains every word of ``query``, newest first."""
    sql = """
        SELECT n.session_id, s.patient_id, MAX(n.id) AS version_id
        FROM note_versions n JOIN sessions s ON s.id = n.session_id
        WHERE n.rowid IN (
            SELECT rowid FROM note_versions_fts WHERE note_versions_fts MATCH :match)
        GROUP BY n.session_id
        ORDER BY version_id DESC
        LIMIT :limit
    """
    rows = db.query(sql, {"match": fts_query(query), "limit": limit})
    return [NoteSearchHit(**row) for row in rows]
