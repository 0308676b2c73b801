"""The one place database connections are made.

Every connection in Auralis comes from :func:`connect`, so connection-wide policy
(journal mode, foreign keys, busy timeout, and later encryption) lives here only.
A connection belongs to the thread that opened it (sqlite3's default check).
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from core.store.errors import StoreError

BUSY_TIMEOUT_MS = 5000


def connect(path: Path) -> Database:
    """Open (or create) the SQLite database at ``path`` with Auralis' pragmas.

    WAL lets readers work while one writer commits; ``synchronous=FULL`` makes every
    acknowledged commit survive a crash or power loss, which clinical records need
    more than the last bit of write speed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}.") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"The file {path} is not a usable Auralis database ({exc}). "
            "It has not been changed; check the path, or run `auralis db check`."
        ) from exc
    return Database(conn)
