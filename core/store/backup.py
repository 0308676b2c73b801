"""Online backups, integrity checks and restore.

Backups are whole-database copies made with SQLite's online backup API while the app
runs, written to ``auralis-<UTC time>.db`` in the backup folder and rotated. A backup is
written under a temporary name and renamed only after it passes ``quick_check``, so a
backup file that exists is complete. Restore never deletes the file it replaces.
"""

import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.logs import log_event
from core.store.connection import (
    Connection,
    DatabaseError,
    DatabaseKey,
    Error,
    FileState,
    file_state,
    key_for_file,
    key_problem,
    open_file,
    open_memory,
)
from core.store.encryption import export_into, write_copy
from core.store.errors import CorruptDatabaseError, StoreError, WrongKeyError
from core.store.migrations import migrate
from core.store.restore_journal import (
    begin_swap,
    finish_restore,
    replaced_path,
    staging_path,
    swap,
)

logger = logging.getLogger(__name__)

BACKUP_PREFIX = "auralis-"
BACKUP_SUFFIX = ".db"
# Pages copied per step of SQLite's backup API (4 MB): between steps the copy reports
# how far it is, and the source stays readable and writable by other connections.
PAGES_PER_STEP = 1024

# How far a copy is, from 0.0 to 1.0; called on the thread that copies.
CopyProgress = Callable[[float], None]


def _copy_pages(source: Connection, dest: Connection, progress: CopyProgress | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None and total > 0:
            progress((total - remaining) / total)

    source.backup(dest, pages=PAGES_PER_STEP, progress=step)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_partial(path: Path) -> None:
    # Cleanup after a failure must not replace the real error with its own.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def list_backups(backup_dir: Path) -> list[Path]:
    """Complete backup files, newest first (their names sort by time)."""
    if not backup_dir.is_dir():
        return []
    files = [
        path
        for path in backup_dir.iterdir()
        if path.name.startswith(BACKUP_PREFIX) and path.name.endswith(BACKUP_SUFFIX)
    ]
    return sorted(files, key=lambda path: path.name, reverse=True)


def backup_database(
    db: Database,
    backup_dir: Path,
    *,
    keep: int,
    key: DatabaseKey | None,
    progress: CopyProgress | None = None,
) -> Path:
    """Copy the open database to a new backup file and keep only the newest ``keep``.
    The copy is encrypted with ``key``, the open database's own key (SQLite's backup
    API copies pages only between databases with the same key).

    Raises ``StoreError`` when the copy cannot be written (a full disk, for example);
    the database and the older backups are untouched then.
    """
    started = datetime.now(UTC)
    final = backup_dir / f"{BACKUP_PREFIX}{_stamp()}{BACKUP_SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        dest = open_file(partial, key=key)
        try:
            _copy_pages(db.conn, dest, progress)
            # A standalone file: no -wal or -shm companions to lose when it is copied.
            dest.execute("PRAGMA journal_mode = DELETE")
            verdict = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
        if verdict != "ok":
            raise StoreError("the copy did not pass SQLite's quick_check")
        os.replace(partial, final)
        _fsync_dir(backup_dir)
    except (OSError, Error, StoreError) as exc:
        _remove_partial(partial)
        raise StoreError(
            f"The backup to {backup_dir} failed: {exc}. The database itself is unchanged; "
            "free some disk space or choose another data folder, then try again."
        ) from exc
    removed = 0
    for old in list_backups(backup_dir)[max(keep, 1) :]:
        with contextlib.suppress(OSError):  # the new backup exists; rotation can wait
            old.unlink(missing_ok=True)
            removed += 1
    log_event(
        logger,
        "store.backup",
        bytes=final.stat().st_size,
        ms=round((datetime.now(UTC) - started).total_seconds() * 1000, 1),
        rotated_out=removed,
    )
    return final


def integrity_problems(path: Path, *, key: DatabaseKey | None) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for the file (empty when it is sound).

    The file is only read, with ``key`` when it is encrypted. A file that is not a
    database at all, or that ``key`` does not open, is one problem.
    """
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        conn = open_file(path, key=key_for_file(path, key), read_only=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except DatabaseError as exc:
        return [str(exc)]
    messages = [row[0] for row in rows]
    return [] if messages == ["ok"] else messages


def newest_good_backup(backup_dir: Path, *, key: DatabaseKey | None) -> Path | None:
    """The newest backup that ``key`` opens and that passes the integrity check, or None."""
    for candidate in list_backups(backup_dir):
        if not integrity_problems(candidate, key=key):
            return candidate
    return None


def verify_database(path: Path, backup_dir: Path, *, key: DatabaseKey | None) -> None:
    """Check that ``key`` opens the existing database and that it passes the integrity
    check. A missing file is fine: it will be created.

    Raises ``WrongKeyError`` for a wrong passphrase, and ``CorruptDatabaseError`` (naming
    the newest good backup) for a damaged file, including one whose first page no longer
    opens with a passphrase that does open the backups.
    """
    finish_restore(path)
    if file_state(path) is FileState.MISSING:
        return
    problem = key_problem(path, key)
    newest: Path | None
    if isinstance(problem, WrongKeyError):
        newest = _backup_opened_by(backup_dir, key)
        if newest is None:
            raise problem
        problems = ["its first page does not open with the passphrase that opens the backups"]
    elif problem is not None:
        problems = [str(problem)]
        newest = newest_good_backup(backup_dir, key=key)
    else:
        problems = integrity_problems(path, key=key)
        newest = newest_good_backup(backup_dir, key=key) if problems else None
    if problems:
        log_event(logger, "store.integrity_failed", level=logging.ERROR, problems=len(problems))
        raise CorruptDatabaseError(path, problems, newest)


def _backup_opened_by(backup_dir: Path, key: DatabaseKey | None) -> Path | None:
    """The newest good encrypted backup that ``key`` opens: proof that the key is right."""
    if key is None:
        return None
    for candidate in list_backups(backup_dir):
        if file_state(candidate) is FileState.ENCRYPTED and not integrity_problems(
            candidate, key=key
        ):
            return candidate
    return None


def _refuse_unusable(backup: Path, key: DatabaseKey | None) -> None:
    problems = integrity_problems(backup, key=key)
    if problems:
        raise StoreError(f"The backup {backup} is not usable ({problems[0]}); choose another.")


def restore_backup(backup: Path, db_path: Path, *, key: DatabaseKey | None) -> Path | None:
    """Put a backup in place of the database; return where the old file was kept.

    No connection to ``db_path`` may be open. The backup is checked first; the current
    database and its ``-wal``/``-shm`` files are kept aside (``.replaced-<time>``),
    never deleted, so even a damaged file stays available for recovery. The swap is
    journaled (``core.store.restore_journal``): a crash in it is finished by the next
    opener, never leaving a missing or half-swapped database. The restored
    database is encrypted with ``key``: an unencrypted backup (from before encryption)
    is encrypted on the way.
    """
    _refuse_unusable(backup, key)
    if (
        key is not None
        and file_state(backup) is not FileState.ENCRYPTED
        and isinstance(key_problem(db_path, key), WrongKeyError)
    ):
        # Nothing proves this passphrase is the database's: an unencrypted backup opens
        # with any. Refused, or a mistyped passphrase would become the database's.
        raise WrongKeyError(f"Wrong passphrase for the database {db_path}. Nothing was changed.")
    finish_restore(db_path)  # an earlier restore's swap comes first
    stamp = _stamp()
    staging = staging_path(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if key_for_file(backup, key) == key:
            shutil.copyfile(backup, staging)
        else:
            write_copy(backup, None, staging, key)
        begin_swap(db_path, stamp)
    except (OSError, StoreError) as exc:
        _remove_partial(staging)
        raise StoreError(f"Restoring {backup} failed: {exc}. The database is unchanged.") from exc
    try:
        moved_to = swap(db_path, stamp)
    except OSError as exc:
        raise StoreError(
            f"Restoring {backup} stopped half-way: {exc}. Nothing is lost: the next start "
            "finishes it (the current database is kept beside it as "
            f"{replaced_path(db_path, stamp).name})."
        ) from exc
    log_event(logger, "store.restored", bytes=db_path.stat().st_size)
    return moved_to


def restore_into(
    db: Database,
    backup: Path,
    backup_dir: Path,
    *,
    keep: int,
    key: DatabaseKey | None,
    progress: CopyProgress | None = None,
) -> Path:
    """Replace the contents of the open database with a backup, keeping the connection
    (the window's views stay valid); return the backup made of the contents replaced.

    The chosen backup is checked and read into memory and brought up to this version's
    schema there first (a backup from a newer Auralis is refused before anything
    changes); then the current contents are backed up (rotation may now remove the
    chosen file: it is already in memory); then SQLite's backup API copies the memory
    copy over the database in one transaction. ``key`` is the open database's; the
    memory copy carries it (the backup API copies only between equal keys), whatever
    the backup file's own encryption.
    """
    _refuse_unusable(backup, key)
    size = backup.stat().st_size
    staged = open_memory(key=key)
    try:
        export_into(staged, backup, key_for_file(backup, key))
        migrate(Database(staged), backup)
        safety = backup_database(
            db, backup_dir, keep=keep, key=key, progress=lambda f: _half(progress, f, 0.0)
        )
        _copy_pages(staged, db.conn, lambda f: _half(progress, f, 0.5))
    except Error as exc:
        raise StoreError(f"Restoring {backup} failed: {exc}. The database is unchanged.") from exc
    finally:
        staged.close()
    log_event(logger, "store.restored_in_place", bytes=size)
    return safety


def _half(progress: CopyProgress | None, fraction: float, start: float) -> None:
    # A restore in place is two copies: the safety backup, then the restored pages.
    if progress is not None:
        progress(start + fraction / 2)
