"""The SQLite store: one connection factory, versioned migrations, repositories."""

import logging
import time
from pathlib import Path

from sqlite_utils import Database

from core.logs import log_event
from core.store.connection import connect
from core.store.migrations import migrate

logger = logging.getLogger(__name__)

DB_FILENAME = "auralis.db"


def open_store(path: Path) -> Database:
    """Open the database at ``path``, creating it if needed, and bring its schema up to date.

    Raises ``StoreError`` (or its ``NewerDatabaseError`` subclass) with a message for the
    user; a database from a newer Auralis is left exactly as it was.
    """
    started = time.perf_counter()
    db = connect(path)
    try:
        applied = migrate(db, path)
    except BaseException:
        db.close()
        raise
    log_event(
        logger,
        "store.opened",
        migrations_applied=len(applied),
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return db
