"""What a session keeps of its audio: the times of its transcript's lines (when the
transcript came from a recording) and, where the clinic keeps recordings, the recording
itself, compressed, in the encrypted database like the rest of the record."""

from dataclasses import dataclass

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.sessions import get_session


@dataclass(frozen=True)
class Recording:
    session_id: int
    format: str  # the container, e.g. "ogg" (Opus inside)
    seconds: float
    audio: bytes
    created_at: str


def save_line_times(db: Database, session_id: int, times: list[tuple[float, float]]) -> None:
    """The start and end (seconds) of each transcript line, in order from line 1."""
    get_session(db, session_id)
    with db.atomic():
        db.execute("DELETE FROM session_line_times WHERE session_id = ?", [session_id])
        db.conn.executemany(
            "INSERT INTO session_line_times (session_id, line, start_s, end_s) VALUES (?,?,?,?)",
            [(session_id, n, start, end) for n, (start, end) in enumerate(times, start=1)],
        )


def line_times(db: Database, session_id: int) -> dict[int, tuple[float, float]]:
    """Line number (from 1) to its start and end; empty when the session has none."""
    rows = db.execute(
        "SELECT line, start_s, end_s FROM session_line_times WHERE session_id = ? ORDER BY line",
        [session_id],
    ).fetchall()
    return {line: (start, end) for line, start, end in rows}


def save_recording(
    db: Database, session_id: int, audio: bytes, *, format: str, seconds: float
) -> None:
    get_session(db, session_id)
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO session_recordings (session_id, format, seconds, audio, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            [session_id, format, seconds, audio, utc_now()],
        )


def get_recording(db: Database, session_id: int) -> Recording | None:
    row = db.execute(
        "SELECT session_id, format, seconds, audio, created_at FROM session_recordings "
        "WHERE session_id = ?",
        [session_id],
    ).fetchone()
    return Recording(*row) if row is not None else None


def recording_seconds(db: Database, session_id: int) -> float | None:
    """How long the session's kept recording is, without reading it; None: none kept."""
    row = db.execute(
        "SELECT seconds FROM session_recordings WHERE session_id = ?", [session_id]
    ).fetchone()
    return float(row[0]) if row is not None else None
