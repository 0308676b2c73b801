"""Moving a database between keys: encrypt an unencrypted one, change the passphrase, and
copy a backup into a database with another key.

Copies are made with SQLCipher's ``sqlcipher_export`` (every table, index, trigger and
virtual table, and the user version) into a new file that is checked before anything
replaces the original. Nothing here deletes a file that still holds the only copy of
the data.
"""

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from core.logs import log_event
from core.store.connection import (
    Connection,
    DatabaseKey,
    Error,
    FileState,
    file_state,
    key_for_file,
    key_text,
    open_file,
    rekey_value,
)
from core.store.errors import StoreError
from core.store.restore_journal import journal_path, staging_path

logger = logging.getLogger(__name__)


def export_into(target: Connection, source: Path, source_key: DatabaseKey | None) -> None:
    """Copy the whole database at ``source`` (opened with ``source_key``; only read) into
    ``target``'s main database, which must be empty; ``target`` keeps its own key."""
    target.execute(
        "ATTACH DATABASE ? AS source KEY ?",
        [f"file:{source}?mode=ro", _attach_key(source_key, source)],
    )
    try:
        target.execute("SELECT sqlcipher_export('main', 'source')").fetchall()
    finally:
        target.execute("DETACH DATABASE source")


def _attach_key(key: DatabaseKey | None, source: Path) -> str:
    # ATTACH ... KEY takes a bound value: the key text PRAGMA key gets (never a passphrase
    # as typed: SQLCipher would read one written x'<hex>' as a raw key), or an empty text
    # for an unencrypted file.
    return "" if key is None else key_text(key, source)


def _same_contents(first: Connection, second: Connection) -> bool:
    """Every table has the same rows (counted) and the schema is the same."""
    query = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    if first.execute(query).fetchall() != second.execute(query).fetchall():
        return False
    tables = [
        row[0]
        for row in first.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    for table in tables:
        count = f'SELECT count(*) FROM "{table}"'
        if first.execute(count).fetchone() != second.execute(count).fetchone():
            return False
    return True


def write_copy(
    source: Path, source_key: DatabaseKey | None, dest: Path, dest_key: DatabaseKey | None
) -> None:
    """Write the database at ``source`` to the new file ``dest`` with ``dest_key``, then
    check the copy (integrity, schema, row counts) against the source. ``dest`` exists
    only if the copy is complete and checked; the source is never changed."""
    partial = dest.with_name(dest.name + ".partial")
    try:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        target = open_file(partial, key=dest_key)
        try:
            export_into(target, source, source_key)
            target.execute("PRAGMA journal_mode = DELETE")
            verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
            original = open_file(source, key=source_key, read_only=True)
            try:
                same = _same_contents(original, target)
            finally:
                original.close()
        finally:
            target.close()
        if verdict != "ok" or not same:
            raise StoreError("the copy does not match the original")
        os.replace(partial, dest)
    except (OSError, Error, StoreError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StoreError(
            f"Copying {source} failed: {exc}. The original is unchanged; free some disk "
            "space if the disk is full, then try again."
        ) from exc


def encrypt_database(path: Path, key: DatabaseKey) -> None:
    """Encrypt the unencrypted database at ``path`` with ``key``.

    No connection to ``path`` may be open. The encrypted copy is written beside the
    original and checked against it (integrity, schema, row counts); only then does it
    replace the original in one rename, so at every moment one complete database exists.
    """
    if file_state(path) is not FileState.PLAINTEXT:
        raise StoreError(f"The database {path} is not an unencrypted database.")
    started = time.perf_counter()
    _checkpoint(path)
    encrypted = path.with_name(path.name + ".encrypting")
    write_copy(path, None, encrypted, key)
    try:
        os.replace(encrypted, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            encrypted.unlink(missing_ok=True)
        raise StoreError(f"Swapping in the encrypted copy of {path} failed: {exc}.") from exc
    for suffix in ("-wal", "-shm"):  # the old file's, emptied by the checkpoint
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    log_event(logger, "store.encrypted", ms=round((time.perf_counter() - started) * 1000, 1))


def _checkpoint(path: Path) -> None:
    # Fold an unencrypted database's WAL into the file so the copy and the swap see
    # every committed write.
    conn = open_file(path, key=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Error as exc:
        raise StoreError(f"The database {path} cannot be read: {exc}.") from exc
    finally:
        conn.close()


def change_key(db: Database, new_key: DatabaseKey) -> None:
    """Re-encrypt the open (encrypted) database with ``new_key`` in one transaction: a
    crash leaves it entirely under the old key or entirely under the new one."""
    started = time.perf_counter()
    try:
        db.execute(f"PRAGMA rekey = {rekey_value(db.conn, new_key)}")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Error as exc:
        raise StoreError(
            f"Changing the passphrase failed: {exc}. The old one still works."
        ) from exc
    log_event(logger, "store.rekeyed", ms=round((time.perf_counter() - started) * 1000, 1))


def rekey_backups(
    backups: list[Path], old_key: DatabaseKey | None, new_key: DatabaseKey
) -> list[Path]:
    """Re-encrypt backup files with ``new_key`` (each through a checked copy) so they open
    with the current passphrase; return the ones that could not be (left as they were)."""
    failed = []
    for backup in backups:
        replacement = backup.with_name(backup.name + ".rekeyed")
        try:
            write_copy(backup, key_for_file(backup, old_key), replacement, new_key)
            os.replace(replacement, backup)
        except (OSError, StoreError):
            failed.append(backup)
    return failed


# What an unencrypted SQLite file starts with: a database, or a write-ahead log.
_PLAINTEXT_MAGIC = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
# Copies cut short (a backup, a re-key, an encryption or a restore killed half-way): the
# complete file they were copied from exists elsewhere.
INCOMPLETE_SUFFIXES = (".partial", ".rekeyed", ".encrypting", ".restoring")
_SHRED_CHUNK = 1 << 20


@dataclass(frozen=True)
class PlaintextCleanup:
    """What ``secure_plaintext_copies`` did with the unencrypted copies it found."""

    encrypted: list[Path] = field(default_factory=list)  # kept copies, now encrypted
    removed: list[Path] = field(default_factory=list)  # leftovers overwritten and deleted
    left: list[Path] = field(default_factory=list)  # could not be encrypted: kept as they are


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except OSError:
        return b""


def _database_of_wal(wal: Path) -> Path | None:
    """The database a write-ahead log belongs to: ``<name>-wal``, or the name an older
    restore gave a kept file's log (``<db>-wal.replaced-<time>``)."""
    if wal.name.endswith("-wal"):
        return wal.with_name(wal.name[: -len("-wal")])
    if "-wal.replaced-" in wal.name:
        return wal.with_name(wal.name.replace("-wal.replaced-", ".replaced-"))
    return None


def shred(path: Path) -> None:
    """Overwrite the file with zeros, then delete it. On SSDs, copy-on-write and
    journaling file systems the old blocks may survive the overwrite: this removes the
    readable file, it does not guarantee that no trace is left on the disk."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        written = 0
        while written < size:
            chunk = min(_SHRED_CHUNK, size - written)
            handle.write(bytes(chunk))
            written += chunk
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _shred_into(path: Path, removed: list[Path], left: list[Path]) -> None:
    try:
        shred(path)
    except OSError:
        left.append(path)
    else:
        removed.append(path)


def _encrypt_kept_copy(path: Path, key: DatabaseKey) -> None:
    """Encrypt a kept copy (``<db>.replaced-<time>``) in place through a checked copy; its
    own ``-wal`` (read into the copy) is shredded and its ``-shm`` removed after."""
    encrypted = path.with_name(path.name + ".encrypting")
    write_copy(path, None, encrypted, key)
    os.replace(encrypted, path)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shred(wal)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)


def secure_plaintext_copies(db_path: Path, backup_dir: Path, key: DatabaseKey) -> PlaintextCleanup:
    """After ``encrypt_database`` (and the backups' re-encryption): no unencrypted copy
    of the records may stay beside the encrypted database unnoticed. The copies a restore
    kept (``<db>.replaced-*``) are encrypted with ``key`` and kept; copies cut short
    (``*.partial`` and the like) and write-ahead logs whose database was encrypted are
    overwritten and deleted; any other unencrypted copy (a backup or a kept file too
    damaged to copy) is kept as it is and listed in ``left``, for the caller to name."""
    near_db = [p for p in db_path.parent.glob(db_path.name + "*") if p != db_path]
    in_backups = list(backup_dir.iterdir()) if backup_dir.is_dir() else []
    files = sorted(p for p in near_db + in_backups if p.is_file())
    databases = [p for p in files if _magic(p) == _PLAINTEXT_MAGIC[0]]
    # A log's header is never encrypted: it is unencrypted when its database is.
    wal_magic = _PLAINTEXT_MAGIC[1:]
    logs = [p for p in files if _magic(p)[:4] in wal_magic and _database_of_wal(p) in databases]
    encrypted: list[Path] = []
    removed: list[Path] = []
    left: list[Path] = []
    pending_restore = journal_path(db_path).exists()  # its copy is not a leftover
    for path in databases:
        if pending_restore and path == staging_path(db_path):
            left.append(path)
        elif path.name.endswith(INCOMPLETE_SUFFIXES):
            _shred_into(path, removed, left)
        elif ".replaced-" in path.name:
            try:
                _encrypt_kept_copy(path, key)
                encrypted.append(path)
            except (OSError, StoreError):
                left.append(path)
        else:
            left.append(path)  # a backup that could not be re-encrypted: kept, named
    for path in logs:
        if path.exists():
            if _database_of_wal(path) in left:
                left.append(path)
            else:
                _shred_into(path, removed, left)
    log_event(
        logger,
        "store.plaintext_copies",
        encrypted=len(encrypted),
        removed=len(removed),
        left=len(left),
    )
    return PlaintextCleanup(encrypted, removed, left)
