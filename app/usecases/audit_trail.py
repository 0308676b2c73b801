"""The audit trail: read the newest entries, verify the hash chain, export it as CSV (the
export is itself audited), and the window's own events (lock, unlock, wrong passphrases).
Entries carry ids, counts and setting names, never patient text."""

from pathlib import Path

from sqlite_utils import Database

from app.usecases.transaction import record_event
from core.store import audit
from core.store.audit import AuditEntry, ChainReport
from core.store.errors import StoreError

__all__ = [
    "AuditEntry",
    "ChainReport",
    "export_audit",
    "list_audit",
    "record_window_event",
    "verify_audit",
]


def list_audit(db: Database, *, limit: int = 50) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first."""
    if limit < 1:
        raise StoreError("--limit must be at least 1.")
    return audit.list_entries(db, limit=limit)


def verify_audit(db: Database) -> ChainReport:
    """Walk the chain; the report names the first entry that does not fit, if any."""
    return audit.verify_chain(db)


def export_audit(db: Database, path: Path) -> int:
    """Write the whole trail, oldest first, to a CSV file; return how many entries."""
    try:
        count = audit.export_csv(db, path)
    except OSError as exc:
        raise StoreError(
            f"The audit trail could not be written to {path}: {exc.strerror}."
        ) from exc
    record_event(db, "export", "audit_log", detail=f"entries={count}")
    return count


def record_window_event(db: Database, action: str, *, failures: int | None = None) -> None:
    """The window was locked ("lock"), unlocked ("unlock") or a wrong passphrase was
    typed at its lock ("unlock_failed", with how many so far)."""
    detail = f"failures={failures}" if failures is not None else None
    record_event(db, action, "window", detail=detail)
