"""The database as a whole: back up now, check it, restore a backup (in place of the
file, or into the open store while the window stays open), list the backups.

These may take long on a large database, so they never use the front end's connection:
each opens its own, on the thread it runs on (the window runs them off its GUI thread,
the command line on its own), and reports how far it is through ``progress(stage,
fraction)`` (fraction from 0 to 1, or None when unknown), called on that thread.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from app.instance_lock import data_folder_held
from app.paths import AppPaths
from app.startup import check_database
from app.usecases.transaction import record_event, record_restore
from core.store import open_store
from core.store.audit_anchor import expect_restore
from core.store.backup import (
    backup_database,
    list_backups,
    restore_backup,
    restore_into,
)
from core.store.connection import DatabaseKey, FileState, file_state, is_encrypted
from core.store.errors import StoreError
from core.store.migrations import MIGRATIONS

__all__ = [
    "DatabaseCheck",
    "Progress",
    "back_up",
    "backups",
    "check",
    "restore_file",
    "restore_in_place",
    "store_connection",
    "store_facts",
]

Progress = Callable[[str, float | None], None]


def _silent(_stage: str, _fraction: float | None) -> None:
    pass


def _stage(progress: Progress, stage: str) -> Callable[[float], None]:
    """A copy's fraction reported as ``stage``."""
    return lambda fraction: progress(stage, fraction)


@contextmanager
def store_connection(paths: AppPaths, key: DatabaseKey | None) -> Iterator[Database]:
    """A connection of the calling thread's own to the (migrated) database."""
    db = open_store(paths.database, key=key)
    try:
        yield db
    finally:
        db.close()


@dataclass(frozen=True)
class StoreFacts:
    encrypted: bool
    migrations_applied: int
    migrations_pending: int
    cipher_version: str  # SQLCipher's version


def store_facts(db: Database) -> StoreFacts:
    """How the open store is kept: encryption and schema (for the install's self-check)."""
    cipher = db.execute("PRAGMA cipher_version").fetchone()
    return StoreFacts(
        is_encrypted(db),
        len(MIGRATIONS.applied(db)),
        len(MIGRATIONS.pending(db)),
        str(cipher[0]) if cipher else "",
    )


@dataclass(frozen=True)
class DatabaseCheck:
    database: Path
    encrypted: bool
    bytes: int
    backups: list[Path]  # newest first


def backups(paths: AppPaths) -> list[Path]:
    """The complete backup files, newest first."""
    return list_backups(paths.backup_dir)


def back_up(
    paths: AppPaths, key: DatabaseKey | None, *, keep: int, progress: Progress = _silent
) -> Path:
    """Write a backup now with SQLite's online backup API (the database stays usable by
    others meanwhile), keep the newest ``keep``, and record it. ``StoreError`` when it
    cannot be written; the database and the older backups are untouched then."""
    with store_connection(paths, key) as db:
        step = _stage(progress, "Backing up")
        path = backup_database(db, paths.backup_dir, keep=keep, key=key, progress=step)
        record_event(db, "backup", "database")
    return path


def check(
    paths: AppPaths, key: DatabaseKey | None, *, progress: Progress = _silent
) -> DatabaseCheck:
    """SQLite's integrity check of the whole file (only reads). Raises ``WrongKeyError``
    for a wrong passphrase, ``CorruptDatabaseError`` naming the newest good backup."""
    database = paths.database
    if not database.exists():
        raise StoreError(f"There is no database at {database} yet.")
    progress("Checking the database", None)
    check_database(paths, key)
    return DatabaseCheck(
        database,
        file_state(database) is FileState.ENCRYPTED,
        database.stat().st_size,
        list_backups(paths.backup_dir),
    )


def restore_file(paths: AppPaths, key: DatabaseKey | None, backup: Path) -> Path | None:
    """Put a backup in place of the database file, which no connection may have open;
    the file it replaces is kept aside (returned). Recorded in the restored database.
    Refused (``DataFolderBusyError``, naming the holder) while another process, such as
    an open window, holds the data folder: it would go on writing to the replaced file."""
    with data_folder_held(paths.data_dir, "a restore of the database"):
        return _restore_file(paths, key, backup)


def _restore_file(paths: AppPaths, key: DatabaseKey | None, backup: Path) -> Path | None:
    expect_restore(paths.database, backup, key)
    moved = restore_backup(backup, paths.database, key=key)
    try:
        with store_connection(paths, key) as db:
            record_restore(db, backup)
    except StoreError as exc:
        kept = f" (the previous file is kept as {moved})" if moved else ""
        raise StoreError(
            f"The backup was restored{kept}, but the restore could not be written to the "
            f"audit trail: {exc}"
        ) from None
    return moved


def restore_in_place(
    paths: AppPaths,
    key: DatabaseKey | None,
    backup: Path,
    *,
    keep: int,
    progress: Progress = _silent,
) -> Path:
    """Replace the open database's contents with a backup's (after backing up the current
    contents: returned, so a person can go back). Other connections must not write
    meanwhile: the window suspends its own until this returns."""
    progress("Checking the backup", None)
    with (
        data_folder_held(paths.data_dir, "a restore of the database"),
        store_connection(paths, key) as db,
    ):
        step = _stage(progress, "Restoring")
        expect_restore(paths.database, backup, key)
        safety = restore_into(db, backup, paths.backup_dir, keep=keep, key=key, progress=step)
        record_restore(db, backup)
    return safety
