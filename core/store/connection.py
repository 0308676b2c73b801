"""The one place database connections are made.

Every connection in Auralis comes from this module: :func:`connect` for the store (with
its pragmas), :func:`open_file` and :func:`open_memory` for backups and checks. So the
database driver and connection-wide policy (journal mode, foreign keys, busy timeout, and
later encryption) live here only, and so do the driver's exception classes that the rest
of the store catches. A connection belongs to the thread that opened it (the driver's
default check).
"""

import sqlite3 as driver
from pathlib import Path

from sqlite_utils import Database

from core.store.errors import StoreError

BUSY_TIMEOUT_MS = 5000

Connection = driver.Connection
Error = driver.Error
DatabaseError = driver.DatabaseError
IntegrityError = driver.IntegrityError


def open_file(path: Path, *, read_only: bool = False) -> Connection:
    """A plain connection to the file at ``path`` (created if missing, unless read-only);
    no pragmas. Raises the driver's ``Error``."""
    if read_only:
        return driver.connect(f"file:{path}?mode=ro", uri=True)
    return driver.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def open_memory() -> Connection:
    """A private in-memory database (staging a restore)."""
    return driver.connect(":memory:")


def connect(path: Path) -> Database:
    """Open (or create) the SQLite database at ``path`` with Auralis' pragmas.

    WAL lets readers work while one writer commits; ``synchronous=FULL`` makes every
    acknowledged commit survive a crash or power loss, which clinical records need
    more than the last bit of write speed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = open_file(path)
    except (OSError, Error) as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}.") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"The file {path} is not a usable Auralis database ({exc}). "
            "It has not been changed; check the path, or run `auralis db check`."
        ) from exc
    return Database(conn)
