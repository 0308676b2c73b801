"""The SQLite store: one connection factory, versioned migrations, repositories."""

import logging
import time
from pathlib import Path

from sqlite_utils import Database

from core.logs import log_event
from core.store.connection import DatabaseKey, connect
from core.store.migrations import migrate
from core.store.restore_journal import finish_restore

logger = logging.getLogger(__name__)

DB_FILENAME = "auralis.db"


def open_store(path: Path, *, key: DatabaseKey | None) -> Database:
    """Open the database at ``path``, creating it if needed (encrypted with ``key``, or
    unencrypted when it is ``None``), and bring its schema up to date.

    Raises ``StoreError`` with a message for the user (``WrongKeyError`` when ``key``
    does not open the existing file, ``NewerDatabaseError`` for a database from a newer
    Auralis); the file is left exactly as it was then.
    """
    started = time.perf_counter()
    finish_restore(path)  # a restore that a crash interrupted is finished first
    db = connect(path, key=key)
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
