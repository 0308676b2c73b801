"""One transaction for a change and its audit entry.

Every use case that changes records writes the change and the audit entry that describes
it in one transaction (``with audited(db, "The note") as tx: ...; tx.record(...)``): a
crash, a full disk or a kill leaves both or neither, never a change without its entry.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from core.store import audit
from core.store.rows import writing


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
def audited(db: Database, what: str) -> Iterator[AuditedChange]:
    """Run the block as one transaction that must record at least one audit entry.

    ``what`` names the change for the user ("The note") when a write fails: the driver's
    error becomes a ``StoreWriteError`` and nothing of the block is kept. The transaction
    takes the write lock at once (``BEGIN IMMEDIATE``), so its reads and writes see one
    state even with another process (the command line beside the window) writing. Inside
    an open transaction the block is a savepoint of it.
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
            yield change
            _check_recorded(change)
            db.execute("COMMIT")
        except BaseException:
            if _in_transaction(db):  # a failed COMMIT may leave it open
                db.execute("ROLLBACK")
            raise


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


def _check_recorded(change: AuditedChange) -> None:
    if change.entries == 0:
        raise RuntimeError("an audited change recorded no audit entry")


def _in_transaction(db: Database) -> bool:
    return bool(db.conn.in_transaction)
