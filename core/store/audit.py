"""The audit trail: who did what to which record, when. Ids only, never patient text."""

import getpass
from dataclasses import dataclass

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.rows import insert


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: str | None


def current_actor() -> str:
    """The operating-system user name, or ``"unknown"`` when it cannot be read."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def record(
    db: Database,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    detail: str | None = None,
    actor: str | None = None,
) -> int:
    """Append an audit entry. ``detail`` is for ids, counts and names of settings:
    callers must never put transcript, note or patient-name text in it."""
    return insert(
        db,
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [utc_now(), actor or current_actor(), action, entity, entity_id, detail],
    )


def list_entries(db: Database, *, limit: int = 1000) -> list[AuditEntry]:
    """The newest audit entries, newest first."""
    rows = db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit])
    return [AuditEntry(**row) for row in rows]
