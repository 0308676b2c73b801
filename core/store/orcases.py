"""Operating-room cases: every transcript segment and every inferred state, with times.

Segments and states are committed as they arrive, one short transaction each, so a
crash loses nothing that was acknowledged.
"""

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.connection import IntegrityError
from core.store.errors import NotFoundError
from core.store.rows import insert, row_by_id


@dataclass(frozen=True)
class ORCase:
    id: int
    surgery: str
    started_at: str
    ended_at: str | None
    label: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a case, in time order: a segment or a state."""

    kind: Literal["segment", "state"]
    t: float
    speaker: str | None = None
    text: str | None = None
    is_final: bool | None = None
    state: dict[str, Any] | None = None
    source: str | None = None


def create_case(db: Database, surgery: str, *, label: str | None = None) -> ORCase:
    """Start a case for a surgery (by its name, e.g. ``"PCNL"``)."""
    case_id = insert(
        db,
        "INSERT INTO or_cases (surgery, started_at, label) VALUES (?, ?, ?)",
        [surgery, utc_now(), label],
    )
    return get_case(db, case_id)


def get_case(db: Database, case_id: int) -> ORCase:
    """The case with this id, or ``NotFoundError``."""
    return ORCase(**row_by_id(db, "or_cases", case_id, "operating-room case"))


def list_cases(db: Database) -> list[ORCase]:
    """All cases, newest first."""
    return [ORCase(**row) for row in db.query("SELECT * FROM or_cases ORDER BY id DESC")]


def end_case(db: Database, case_id: int) -> ORCase:
    """Mark a case as ended now (ending an ended case keeps its first end time)."""
    get_case(db, case_id)
    with db.atomic():
        db.execute(
            "UPDATE or_cases SET ended_at = COALESCE(ended_at, ?) WHERE id = ?",
            [utc_now(), case_id],
        )
    return get_case(db, case_id)


def reopen_case(db: Database, case_id: int) -> ORCase:
    """Clear a case's end time so that it can go on (resuming after a restart)."""
    get_case(db, case_id)
    with db.atomic():
        db.execute("UPDATE or_cases SET ended_at = NULL WHERE id = ?", [case_id])
    return get_case(db, case_id)


def _insert_for_case(db: Database, case_id: int, sql: str, params: list[Any]) -> int:
    # The foreign key is the check that the case exists: no extra query per segment.
    try:
        return insert(db, sql, params)
    except IntegrityError as exc:
        if "FOREIGN KEY" not in str(exc):
            raise
        raise NotFoundError("operating-room case", case_id) from None


def add_segment(
    db: Database, case_id: int, t: float, text: str, *, speaker: str = "", is_final: bool = True
) -> int:
    """Record a transcript segment at ``t`` seconds into the case; returns its row id."""
    return _insert_for_case(
        db,
        case_id,
        "INSERT INTO or_segments (case_id, t, speaker, text, is_final) VALUES (?, ?, ?, ?, ?)",
        [case_id, t, speaker, text, int(is_final)],
    )


def add_state(db: Database, case_id: int, t: float, state: dict[str, Any], source: str) -> int:
    """Record an inferred room state at ``t`` seconds; returns its row id."""
    return _insert_for_case(
        db,
        case_id,
        "INSERT INTO or_states (case_id, t, state_json, source) VALUES (?, ?, ?, ?)",
        [case_id, t, json.dumps(state, ensure_ascii=False), source],
    )


def case_segments(db: Database, case_id: int) -> list[tuple[float, str, str, bool]]:
    """A case's transcript segments in time order: (t, speaker, text, final)."""
    return [
        (e.t, e.speaker or "", e.text or "", bool(e.is_final))
        for e in case_timeline(db, case_id)
        if e.kind == "segment"
    ]


def case_timeline(db: Database, case_id: int) -> list[TimelineEntry]:
    """Segments and states of a case in time order; at equal times, in insertion order
    with a segment before the state it produced."""
    get_case(db, case_id)
    rows = db.query(
        """SELECT 'segment' AS kind, t, id, speaker, text, is_final, NULL AS state_json,
                  NULL AS source
           FROM or_segments WHERE case_id = :case_id
           UNION ALL
           SELECT 'state' AS kind, t, id, NULL, NULL, NULL, state_json, source
           FROM or_states WHERE case_id = :case_id
           ORDER BY t, kind, id""",
        {"case_id": case_id},
    )
    entries = []
    for row in rows:
        if row["kind"] == "segment":
            entries.append(
                TimelineEntry(
                    kind="segment",
                    t=row["t"],
                    speaker=row["speaker"],
                    text=row["text"],
                    is_final=bool(row["is_final"]),
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    kind="state",
                    t=row["t"],
                    state=json.loads(row["state_json"]),
                    source=row["source"],
                )
            )
    return entries
