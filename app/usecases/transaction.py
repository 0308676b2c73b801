"""One transaction for a change and its audit entry.

Every use case that changes records writes the change and the audit entry that describes
it in one transaction (``with audited(db, "The note") as tx: ...; tx.record(...)``): a
crash, a full disk or a kill leaves both or neither, never a change without its entry.
Before that transaction commits, the trail's new head is anchored outside the database
(``core.store.audit_anchor``, which explains the order), so a trail deleted or
rewritten as a whole, or an older copy put in place, is found by ``audit verify``.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from core.logs import log_event
from core.store import audit, audit_anchor
from core.store.connection import OperationalError
from core.store.errors import StoreWriteError
from core.store.rows import writing

logger = logging.getLogger(__name__)


class AuditedChange:
    """The audit side of an open change: ``record`` appends an entry in its transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.entries = 0

    def record(
        self, action: str, entity: str, entity_id: int | None = None, *, detail: str | None = None
    ) -> None:
        """Append an audit entry (ids, counts, setting names: never patient text)."""
        audit.record(self._db, action, entity, entity_id, detail=detail)
        self.entries += 1


@contextmanager
def audited(
    db: Database, what: str, *, restored_from: str | None = None
) -> Iterator[AuditedChange]:
    """Run the block as one transaction that must record at least one audit entry.

    ``what`` names the change for the user ("The note") when a write fails: the driver's
    error becomes a ``StoreWriteError`` and nothing of the block is kept. The transaction
    takes the write lock at once (``BEGIN IMMEDIATE``), so its reads and writes see one
    state even with another process (the command line beside the window) writing. Inside
    an open transaction the block is a savepoint of it (and the outer one anchors).
    ``restored_from`` names the backup the database was just restored from.
    """
    change = AuditedChange(db)
    with writing(what):
        if _in_transaction(db):
            with db.atomic():
                yield change
                _check_recorded(change)
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            started = audit.position(db)
            yield change
            _check_recorded(change)
            anchored = _anchor(db, what, started, restored_from)
            db.execute("COMMIT")
        except BaseException:
            if _in_transaction(db):  # a failed COMMIT may leave it open
                db.execute("ROLLBACK")
            raise
    if anchored is not None:
        _confirm_anchor(db, anchored, started)


def record_event(
    db: Database,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    detail: str | None = None,
) -> None:
    """Record something done that changed no record (a view, an export, a backup) in
    a transaction of its own."""
    with audited(db, "The audit entry") as tx:
        tx.record(action, entity, entity_id, detail=detail)


def record_restore(db: Database, backup: Path) -> None:
    """Record that the database was just restored from ``backup``, in the trail and in
    its anchor (which keeps the head the trail had before, so ``audit verify`` can say
    how many entries made after that backup are not in the restored database)."""
    with audited(db, "The audit entry", restored_from=backup.name) as tx:
        tx.record("restore", "database", detail=f"backup={backup.name}")


def _anchor(
    db: Database, what: str, started: audit.Position, restored_from: str | None
) -> audit.Position | None:
    try:
        return audit_anchor.advance(db, started, restored_from=restored_from)
    except OSError as exc:
        raise StoreWriteError(
            f"{what} could not be saved: the audit trail's anchor beside the database "
            f"could not be written ({exc.strerror}); what was saved before is intact. "
            "Free some space or fix the folder's permissions, then try again."
        ) from None


def _confirm_anchor(db: Database, anchored: audit.Position, started: audit.Position) -> None:
    """Confirm the committed change's anchor, under the write lock but never waiting
    for it: a writer holding it anchors on from this head anyway. The change is saved
    whatever happens here, so a failure is only logged (ids and error class only)."""
    (timeout,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN IMMEDIATE")
    except OperationalError:
        return  # busy
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    try:
        audit_anchor.confirm(db, anchored, started)
    except OSError as exc:
        log_event(
            logger, "audit.anchor_unconfirmed", entry=anchored.entry, error=type(exc).__name__
        )
    finally:
        db.execute("COMMIT")


def _check_recorded(change: AuditedChange) -> None:
    if change.entries == 0:
        raise RuntimeError("an audited change recorded no audit entry")


def _in_transaction(db: Database) -> bool:
    return bool(db.conn.in_transaction)
