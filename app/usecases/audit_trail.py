"""The audit trail: read the newest entries, verify it (the hash chain, the triggers that
keep it append-only, and its anchor outside the database), export it as CSV (the export
is itself audited), and the window's own events (lock, unlock, wrong passphrases).
Entries carry ids, counts and setting names, never patient text."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.usecases.transaction import record_event
from core.store import audit, audit_anchor
from core.store.audit import AuditEntry, ChainReport
from core.store.connection import OperationalError
from core.store.errors import StoreError

__all__ = [
    "AuditEntry",
    "AuditVerification",
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


@dataclass(frozen=True)
class AuditVerification:
    """What ``audit verify`` found. ``problems`` says, in plain words, everything that
    shows the trail was changed (empty: intact); ``notes`` what is sound but worth
    saying (a restore that rewound the trail, a change that was never committed)."""

    entries: int
    head: str  # the newest entry's hash
    first_broken: int | None  # the first entry the chain does not fit, or None
    reason: str  # why, for that entry
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_audit(db: Database) -> AuditVerification:
    """Walk the chain, check the append-only triggers and compare the trail with its
    anchor; a read only (nothing is written)."""
    chain = audit.verify_chain(db)
    problems = []
    if not chain.intact:
        problems.append(
            f"The audit trail's chain breaks at entry {chain.first_broken}: {chain.reason}. "
            "Entries before it check out."
        )
    problems += audit.trigger_problems(db)
    anchor = _check_anchor(db)
    problems += anchor.problems
    return AuditVerification(
        chain.entries, chain.head, chain.first_broken, chain.reason, problems, anchor.notes
    )


def _check_anchor(db: Database) -> audit_anchor.AnchorCheck:
    """Compare the trail with its anchor while holding the write lock, so no writer is
    between writing the anchor and committing (two such writes read midway could look
    like a rewound trail); without the lock (busy past the timeout, a read-only file)
    the same check is made as it stands."""
    if db.conn.in_transaction:
        return audit_anchor.check_anchor(db)
    try:
        db.execute("BEGIN IMMEDIATE")
    except OperationalError:
        return audit_anchor.check_anchor(db)
    try:
        return audit_anchor.check_anchor(db)
    finally:
        db.execute("COMMIT")


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
