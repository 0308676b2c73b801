"""The row operations every repository repeats, and the one translation of a failed
write (a full disk, an I/O error) into a ``StoreWriteError`` for the user."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from core.store.connection import OperationalError
from core.store.errors import NotFoundError, StoreWriteError


@contextmanager
def writing(what: str) -> Iterator[None]:
    """Turn the driver's error for a failed write inside the block into a
    ``StoreWriteError`` that says what was not saved and what to do. The driver's message
    names the condition ("database or disk is full"), never the data."""
    try:
        yield
    except OperationalError as exc:
        if "full" in str(exc):
            advice = "The disk is full: free some space, then try again."
        else:  # a write refused by the system: most often a full disk or a size limit
            advice = (
                "The disk may be full: free some space, then try again; if it keeps "
                "failing, run `auralis db check`."
            )
        raise StoreWriteError(
            f"{what} could not be saved ({exc}); what was saved before is intact. {advice}"
        ) from None


def row_by_id(db: Database, table: str, row_id: int, entity: str) -> dict[str, Any]:
    """The row of ``table`` with this id, or ``NotFoundError`` naming ``entity``."""
    rows = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [row_id]))
    if not rows:
        raise NotFoundError(entity, row_id)
    return rows[0]


def insert(db: Database, sql: str, params: Any) -> int:
    """Run one INSERT in its own transaction (a savepoint inside an open one); return
    the new row's id."""
    with writing("The change"), db.atomic():
        cursor = db.execute(sql, params)
    assert cursor.lastrowid is not None
    return cursor.lastrowid
