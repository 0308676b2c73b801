"""Therapy sessions: import one (a transcript file or pasted text), list a patient's, open
one (audited) with the risks its transcript discloses."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from app.usecases.transaction import audited
from core.notes.risk import RiskFlag
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import ScreenReview
from core.notes.transcript import Transcript, parse_transcript, read_transcript_file
from core.store import sessions as store
from core.store.session_audio import line_times, save_line_times, save_recording
from core.store.sessions import Session, SessionSummary

__all__ = [
    "ImportedSession",
    "OpenedSession",
    "Session",
    "SessionSummary",
    "add_pasted_session",
    "add_transcript_session",
    "import_session",
    "list_sessions",
    "open_session",
    "read_session",
    "screen_review",
]

PASTED = "The pasted transcript"


@dataclass(frozen=True)
class ImportedSession:
    session: Session
    segments: int
    source_format: str  # "text", "vtt", "srt" or "json"


@dataclass(frozen=True)
class OpenedSession:
    session: Session
    risk_flags: list[RiskFlag]  # what the safety net finds in the transcript
    # line number (from 1) -> start and end in seconds, for a transcript that had times
    line_times: dict[int, tuple[float, float]] = field(default_factory=dict)


def _add(
    db: Database,
    patient_id: int,
    transcript: Transcript,
    session_date: date | None,
    recording: tuple[bytes, str, float] | None = None,
) -> ImportedSession:
    """The session, the times of its lines (when every segment has them) and the
    recording (audio, container, seconds), with their audit entries, in one transaction."""
    text = transcript.as_text()
    times = [(s.start, s.end) for s in transcript.segments]
    with audited(db, "The session") as tx:
        session = store.add_session(
            db,
            patient_id,
            text,
            transcript_format=transcript.source_format,
            session_date=session_date,
        )
        tx.record("create", "session", session.id, detail=f"chars={len(text)}")
        if times and all(start is not None and end is not None for start, end in times):
            save_line_times(db, session.id, times)  # type: ignore[arg-type]
        if recording is not None:
            audio, container, seconds = recording
            save_recording(db, session.id, audio, format=container, seconds=seconds)
            tx.record("create", "recording", session.id, detail=f"seconds={seconds:.0f}")
    return ImportedSession(session, len(transcript.segments), transcript.source_format)


def import_session(
    db: Database, patient_id: int, path: Path, *, session_date: date | None = None
) -> ImportedSession:
    """Add the patient's next session from a transcript file (text, WebVTT, SRT, JSON).
    A bad file raises ``TranscriptError`` saying what is wrong; nothing is stored then."""
    return _add(db, patient_id, read_transcript_file(path), session_date)


def add_transcript_session(
    db: Database,
    patient_id: int,
    transcript: Transcript,
    *,
    session_date: date | None = None,
    recording: tuple[bytes, str, float] | None = None,
) -> ImportedSession:
    """Add the patient's next session from a transcript already read (from audio), with
    its recording (audio, container, seconds) when it is kept."""
    return _add(db, patient_id, transcript, session_date, recording)


def add_pasted_session(
    db: Database, patient_id: int, text: str, *, session_date: date | None = None
) -> ImportedSession:
    """Add the patient's next session from pasted transcript text."""
    transcript = parse_transcript(text.encode("utf-8"), filename=PASTED)
    return _add(db, patient_id, transcript, session_date)


def list_sessions(
    db: Database, patient_id: int | None = None, *, limit: int | None = None
) -> list[SessionSummary]:
    """Sessions newest first, each with its note status (none, AI draft, edited)."""
    return store.list_sessions(db, patient_id, limit=limit)


def open_session(db: Database, session_id: int, risk_net: RiskNet | None = None) -> OpenedSession:
    """The session a clinician opens, with its transcript's risk flags from the lexicon
    (audited); ``screen_review`` adds the second screen's, which takes longer."""
    with audited(db, "The audit entry") as tx:
        session = store.get_session(db, session_id)
        tx.record("view", "session", session_id)
    flags = (risk_net or RiskNet()).detect(session.transcript)
    return OpenedSession(session, flags, line_times(db, session_id))


def line_times_of(db: Database, session_id: int) -> dict[int, tuple[float, float]]:
    """The times of a session's transcript lines (line from 1; empty without times)."""
    return line_times(db, session_id)


def read_session(db: Database, session_id: int, risk_net: RiskNet | None = None) -> OpenedSession:
    """A session shown again (after its note changed): not a new opening, not audited."""
    session = store.get_session(db, session_id)
    flags = (risk_net or RiskNet()).detect(session.transcript)
    return OpenedSession(session, flags, line_times(db, session_id))


def screen_review(risk_net: RiskNet, opened: OpenedSession) -> ScreenReview:
    """The second screen's reading of an opened session's transcript: its "possible risk,
    please review" flags and the listed phrases it reads as unlikely (nothing without a
    screen). Seconds for a long session, so the window runs it off its GUI thread. Uses
    no database."""
    return risk_net.review(opened.session.transcript, opened.risk_flags)
