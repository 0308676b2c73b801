"""The two row operations every repository repeats."""

from typing import Any

from sqlite_utils import Database

from core.store.errors import NotFoundError


def row_by_id(db: Database, table: str, row_id: int, entity: str) -> dict[str, Any]:
    """The row of ``table`` with this id, or ``NotFoundError`` naming ``entity``."""
    rows = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [row_id]))
    if not rows:
        raise NotFoundError(entity, row_id)
    return rows[0]


def insert(db: Database, sql: str, params: Any) -> int:
    """Run one INSERT in its own transaction (a savepoint inside an open one); return
    the new row's id."""
    with db.atomic():
        cursor = db.execute(sql, params)
    assert cursor.lastrowid is not None
    return cursor.lastrowid
