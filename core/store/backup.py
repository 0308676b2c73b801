"""Online backups, integrity checks and restore.

Backups are whole-database copies made with SQLite's online backup API while the app
runs, written to ``auralis-<UTC time>.db`` in the backup folder and rotated. A backup is
written under a temporary name and renamed only after it passes ``quick_check``, so a
backup file that exists is complete. Restore never deletes the file it replaces.
"""

import contextlib
import hashlib
import hmac
import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.files import fsync_folder
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
    key_text,
    open_file,
    open_memory,
    read_error,
    unreadable_error,
)
from core.store.encryption import export_into, write_copy
from core.store.errors import (
    CorruptDatabaseError,
    DatabaseUnavailableError,
    StoreError,
    WrongKeyError,
)
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
        fsync_folder(backup_dir)
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


# SQLite's messages for failures of the moment, not of the file (its result codes
# CANTOPEN, READONLY, FULL, IOERR, BUSY, LOCKED, PERM, NOMEM; sqlcipher3's exceptions do
# not carry the codes).
_UNAVAILABLE = (
    "unable to open database file",
    "readonly database",
    "disk is full",
    "disk i/o error",
    "database is locked",
    "table is locked",
    "access permission denied",
    "out of memory",
)

# SQLCipher 4's page layout: each page ends with its IV and an HMAC-SHA512 over the
# encrypted bytes, the IV and the page number; the HMAC key is derived from the page key.
CIPHER_PAGE = 4096
CIPHER_IV = 16
CIPHER_HMAC = 64
CIPHER_SALT = 16
PAGES_TO_PROVE = 8  # the first pages, any of which may prove a key


def _unavailable(path: Path, exc: Exception) -> DatabaseUnavailableError | None:
    text = str(exc)
    if any(message in text.lower() for message in _UNAVAILABLE):
        return DatabaseUnavailableError(path, text)
    return None


def _integrity(path: Path, key: DatabaseKey | None) -> list[str]:
    """``integrity_problems``, except that a file that cannot be read right now raises
    ``DatabaseUnavailableError`` instead of counting as a problem."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        conn = open_file(path, key=key_for_file(path, key), read_only=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except DatabaseError as exc:
        unavailable = _unavailable(path, exc)
        if unavailable is not None:
            raise unavailable from exc
        return [str(exc)]
    messages = [row[0] for row in rows]
    return [] if messages == ["ok"] else messages


def integrity_problems(path: Path, *, key: DatabaseKey | None) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for the file (empty when it is sound).

    The file is only read, with ``key`` when it is encrypted. A file that is not a
    database at all, that ``key`` does not open, or that cannot be read now, is one problem.
    """
    try:
        return _integrity(path, key)
    except DatabaseUnavailableError as exc:
        return [str(exc)]


def newest_good_backup(backup_dir: Path, *, key: DatabaseKey | None) -> Path | None:
    """The newest backup that ``key`` opens and that passes the integrity check, or None."""
    for candidate in list_backups(backup_dir):
        if not integrity_problems(candidate, key=key):
            return candidate
    return None


def _read_problem(path: Path, key: DatabaseKey | None) -> StoreError | None:
    """Why ``key`` does not read the existing file: ``DatabaseUnavailableError`` (it cannot
    be read now), ``WrongKeyError``, or a ``StoreError`` for a file that is not a
    database; None when it reads. Only reads."""
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise DatabaseUnavailableError(path, exc.strerror or type(exc).__name__) from exc
    error = read_error(path, key)
    if error is None:
        return None
    return _unavailable(path, error) or unreadable_error(path, key, error)


def key_proven_by_pages(path: Path, key: DatabaseKey) -> bool:
    """Whether ``key`` is the encrypted file's key, proven by the HMAC of one of its
    first pages (so damaged pages are told apart from a wrong passphrase, as long as the
    salt at the start of the file is intact). Only reads."""
    text = key_text(key, path)
    if not text.lower().startswith("x'"):
        return False
    try:
        page_key = bytes.fromhex(text[2:66])
        with path.open("rb") as handle:
            pages = handle.read(CIPHER_PAGE * PAGES_TO_PROVE)
    except (OSError, ValueError):
        return False
    hmac_salt = bytes(byte ^ 0x3A for byte in pages[:CIPHER_SALT])
    hmac_key = hashlib.pbkdf2_hmac("sha512", page_key, hmac_salt, 2, 32)
    signed = CIPHER_PAGE - CIPHER_HMAC  # the encrypted bytes and the IV
    for index in range(len(pages) // CIPHER_PAGE):
        page = pages[index * CIPHER_PAGE : (index + 1) * CIPHER_PAGE]
        start = CIPHER_SALT if index == 0 else 0  # the first page's salt is not signed
        number = (index + 1).to_bytes(4, "little")
        digest = hmac.new(hmac_key, page[start:signed] + number, hashlib.sha512).digest()
        if hmac.compare_digest(digest, page[signed:]):
            return True
    return False


def verify_database(path: Path, backup_dir: Path, *, key: DatabaseKey | None) -> None:
    """Check that ``key`` opens the existing database and that it passes the integrity
    check. A missing file is fine: it will be created.

    Raises ``DatabaseUnavailableError`` when the file cannot be read right now (a full
    disk, permissions, a read-only folder): not damage, and no backup is proposed.
    ``WrongKeyError`` for a wrong passphrase (saying so when it opens the backups: a
    passphrase change may have been interrupted before it re-keyed them). And
    ``CorruptDatabaseError`` (naming the newest good backup) for a damaged file, including
    one that does not open with a passphrase proven right by its pages' HMACs.
    """
    finish_restore(path)
    if file_state(path) is FileState.MISSING:
        return
    problem = _read_problem(path, key)
    newest: Path | None
    if isinstance(problem, DatabaseUnavailableError):
        raise problem
    if isinstance(problem, WrongKeyError):
        if key is None or not key_proven_by_pages(path, key):
            raise _wrong_key(problem, path, backup_dir, key)
        problems = ["its pages do not open with the passphrase that signed them"]
        newest = newest_good_backup(backup_dir, key=key)
    elif problem is not None:
        problems = [str(problem)]
        newest = newest_good_backup(backup_dir, key=key)
    else:
        problems = _integrity(path, key)
        newest = newest_good_backup(backup_dir, key=key) if problems else None
    if problems:
        log_event(logger, "store.integrity_failed", level=logging.ERROR, problems=len(problems))
        raise CorruptDatabaseError(path, problems, newest)


def _wrong_key(
    problem: WrongKeyError, path: Path, backup_dir: Path, key: DatabaseKey | None
) -> WrongKeyError:
    """The wrong-passphrase error, saying when that passphrase opens a backup: the
    database is then most likely under a newer passphrase, not damaged."""
    opened = _backup_opened_by(backup_dir, key)
    if opened is None:
        return problem
    return WrongKeyError(
        f"This passphrase does not open the database {path}, though it opens the backup "
        f"{opened.name}: the passphrase was most likely changed since that backup (a "
        "change that was interrupted re-encrypts the backups last). Use the new "
        "passphrase. Nothing was changed."
    )


def _backup_opened_by(backup_dir: Path, key: DatabaseKey | None) -> Path | None:
    """The newest good encrypted backup that ``key`` opens."""
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
