"""Therapy sessions: a patient's numbered, dated sessions with their transcripts."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.errors import StoreError
from core.store.fts import fts_query
from core.store.patients import get_patient
from core.store.rows import insert, row_by_id


@dataclass(frozen=True)
class Session:
    id: int
    patient_id: int
    session_number: int
    session_date: str
    transcript: str
    transcript_format: str
    private_notes: str
    created_at: str


@dataclass(frozen=True)
class SessionSummary:
    """A session as a list shows it: no transcript, but its size and note status."""

    id: int
    patient_id: int
    session_number: int
    session_date: str
    transcript_chars: int
    note_status: str  # "none", "ai_draft" or "edited"


_NOTE_STATUS = {None: "none", 1: "ai_draft", 0: "edited"}


def _session(row: dict[str, Any]) -> Session:
    return Session(**{field: row[field] for field in Session.__dataclass_fields__})


def add_session(
    db: Database,
    patient_id: int,
    transcript: str,
    *,
    transcript_format: str = "text",
    session_date: date | None = None,
    private_notes: str = "",
) -> Session:
    """Add the patient's next session (numbered 1, 2, ...) with its transcript.

    The number is taken inside the insert's transaction, so two writers cannot get the
    same one (the UNIQUE constraint would refuse it anyway).
    """
    get_patient(db, patient_id)
    when = (session_date or date.today()).isoformat()
    session_id = insert(
        db,
        """INSERT INTO sessions (patient_id, session_number, session_date, transcript,
                   transcript_format, private_notes, created_at)
               VALUES (:patient_id,
                   (SELECT COALESCE(MAX(session_number), 0) + 1 FROM sessions
                    WHERE patient_id = :patient_id),
                   :session_date, :transcript, :transcript_format, :private_notes, :created_at)""",
        {
            "patient_id": patient_id,
            "session_date": when,
            "transcript": transcript,
            "transcript_format": transcript_format,
            "private_notes": private_notes,
            "created_at": utc_now(),
        },
    )
    return get_session(db, session_id)


def get_session(db: Database, session_id: int) -> Session:
    """The session with this id, transcript included, or ``NotFoundError``."""
    return _session(row_by_id(db, "sessions", session_id, "session"))


def _summaries(
    db: Database, where: str, params: dict[str, Any], limit: int | None
) -> list[SessionSummary]:
    if limit is not None and limit < 1:
        raise StoreError("limit must be at least 1.")
    sql = f"""
        SELECT s.id, s.patient_id, s.session_number, s.session_date, s.transcript_chars,
               (SELECT n.is_ai_generated FROM note_versions n
                 WHERE n.session_id = s.id ORDER BY n.id DESC LIMIT 1) AS newest_is_ai
        FROM sessions s {where}
        ORDER BY s.session_date DESC, s.session_number DESC, s.id DESC
        {"LIMIT :limit" if limit is not None else ""}
    """
    # Plain tuples from the cursor: building 10,000 dicts first costs more than the query.
    return [
        SessionSummary(id, patient_id, number, when, chars, _NOTE_STATUS[newest_is_ai])
        for id, patient_id, number, when, chars, newest_is_ai in db.execute(
            sql, {**params, "limit": limit}
        )
    ]


def list_sessions(
    db: Database, patient_id: int | None = None, *, limit: int | None = None
) -> list[SessionSummary]:
    """Sessions newest first (by date, then number), with each one's note status.

    The note status comes from the session's newest note version: none, an AI draft, or
    edited by a person.
    """
    if patient_id is None:
        return _summaries(db, "", {}, limit)
    return _summaries(db, "WHERE s.patient_id = :patient_id", {"patient_id": patient_id}, limit)


def search_sessions(db: Database, query: str, *, limit: int = 100) -> list[SessionSummary]:
    """Sessions whose transcript contains every word of ``query``, newest first."""
    where = "WHERE s.rowid IN (SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH :match)"
    return _summaries(db, where, {"match": fts_query(query)}, limit)


def set_private_notes(db: Database, session_id: int, private_notes: str) -> Session:
    """Replace the clinician's private notes of a session (never sent to any engine)."""
    get_session(db, session_id)
    with db.atomic():
        db.execute(
            "UPDATE sessions SET private_notes = ? WHERE id = ?", [private_notes, session_id]
        )
    return get_session(db, session_id)


def set_transcript(db: Database, session_id: int, transcript: str) -> Session:
    """Replace a session's transcript (its speakers relabelled: the lines stay)."""
    get_session(db, session_id)
    with db.atomic():
        db.execute("UPDATE sessions SET transcript = ? WHERE id = ?", [transcript, session_id])
    return get_session(db, session_id)
