"""The one place database connections are made.

Every connection in Auralis comes from this module: :func:`connect` for the store (with
its pragmas), :func:`open_file` and :func:`open_memory` for backups and checks. So the
database driver and connection-wide policy (encryption, journal mode, foreign keys, busy
timeout) live here only, and so do the driver's exception classes that the rest of the
store catches. A connection belongs to the thread that opened it (the driver's default
check).

The driver is SQLCipher (``sqlcipher3``, SQLite with AES-256 page encryption). A
:class:`DatabaseKey` opens an encrypted file; ``None`` means an unencrypted one, which
only the user's explicit choice (or a database from before encryption) leads to.
"""

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlcipher3 import dbapi2 as driver
from sqlite_utils import Database

from core.store.errors import StoreError, WrongKeyError

BUSY_TIMEOUT_MS = 5000
PLAINTEXT_HEADER = b"SQLite format 3\x00"

if TYPE_CHECKING:  # sqlcipher3 ships no type hints; its API is the standard library's
    Connection = sqlite3.Connection
    Error = sqlite3.Error
    DatabaseError = sqlite3.DatabaseError
    IntegrityError = sqlite3.IntegrityError
    OperationalError = sqlite3.OperationalError
else:
    Connection = driver.Connection
    Error = driver.Error
    DatabaseError = driver.DatabaseError
    IntegrityError = driver.IntegrityError
    OperationalError = driver.OperationalError


@dataclass(frozen=True, repr=False)
class DatabaseKey:
    """The secret that opens an encrypted database: a passphrase (SQLCipher derives the
    AES key from it with PBKDF2-HMAC-SHA512, 256,000 rounds, about 80 ms) or a random
    256-bit key kept in the system keyring (used as is). Never printed: its repr hides it."""

    secret: str
    raw: bool = False

    @classmethod
    def passphrase(cls, text: str) -> "DatabaseKey":
        if not text:
            raise ValueError("The passphrase is empty.")
        if "\x00" in text:
            raise ValueError("The passphrase contains a NUL character.")
        return cls(text)

    @classmethod
    def random(cls) -> "DatabaseKey":
        return cls(secrets.token_hex(32), raw=True)

    @classmethod
    def from_raw_hex(cls, text: str) -> "DatabaseKey":
        if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
            raise ValueError("A raw database key is 64 lower-case hexadecimal digits.")
        return cls(text, raw=True)

    def pragma_value(self) -> str:
        """The value for ``PRAGMA key``/``rekey`` of a raw key. A passphrase has none
        here: SQLCipher would read one written like ``x'<hex>'`` as a raw key, so a
        passphrase is always derived first (:func:`key_text`)."""
        if not self.raw:
            raise ValueError("A passphrase is keyed through key_text(), never as it is.")
        return _sql_text(f"x'{self.secret}'")

    def __repr__(self) -> str:
        return "DatabaseKey(<hidden>)"


class FileState(Enum):
    MISSING = "missing"  # no file, or an empty one: a new database
    PLAINTEXT = "plaintext"  # an unencrypted SQLite database
    ENCRYPTED = "encrypted"  # anything else: SQLCipher pages (or not a database at all)


def _header(path: Path) -> bytes:
    """The file's first 16 bytes (fewer for a shorter file; none for a missing one):
    SQLite's magic string, or an encrypted file's salt."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(PLAINTEXT_HEADER))
    except (FileNotFoundError, NotADirectoryError):
        return b""
    except OSError as exc:
        raise StoreError(f"Cannot read the database {path}: {exc.strerror}.") from exc


def _state_of(header: bytes) -> FileState:
    if not header:
        return FileState.MISSING
    return FileState.PLAINTEXT if header == PLAINTEXT_HEADER else FileState.ENCRYPTED


def file_state(path: Path) -> FileState:
    """What is at ``path``, judged by its first 16 bytes (only read)."""
    return _state_of(_header(path))


# SQLCipher 4's key derivation, done here once per passphrase and file (its salt is
# the file's first 16 bytes) instead of on every connection: opening the store checks
# the key, the integrity and then opens it, and each would cost ~100 ms of PBKDF2.
KDF_ROUNDS = 256_000
SALT_BYTES = 16
_derived_keys: dict[tuple[str, bytes], str] = {}  # in this process's memory only
_checked_files: dict[tuple[str, bytes], bool] = {}  # see _keyed_as_typed


def _file_salt(path: Path | None) -> bytes | None:
    if path is None:
        return None
    salt = _header(path)  # SALT_BYTES long, like SQLite's magic string
    if _state_of(salt) is not FileState.ENCRYPTED:
        return None
    return salt if len(salt) == SALT_BYTES else None


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _derive(passphrase: str, salt: bytes) -> str:
    """SQLCipher 4's key for ``passphrase`` and a file's ``salt``, as SQLCipher's raw-key
    text with the salt (``x'<key><salt>'``): never read as anything but a raw key."""
    derived = _derived_keys.get((passphrase, salt))
    if derived is None:
        secret = passphrase.encode("utf-8")
        key = hashlib.pbkdf2_hmac("sha512", secret, salt, KDF_ROUNDS, 32).hex()
        derived = f"x'{key}{salt.hex()}'"
        _derived_keys[(passphrase, salt)] = derived
    return derived


def _may_have_been_raw(passphrase: str) -> bool:
    # Before issue 21 a passphrase went to SQLCipher as it was typed, and SQLCipher reads
    # key text of the form x'<64 or 96 hex digits>' as a raw key (and salt).
    body = passphrase.encode("utf-8")[2:]
    return passphrase[:2].lower() == "x'" and len(body) in (65, 97)


def _opens(path: Path, text: str) -> bool:
    """Whether the key text ``text`` reads the existing file at ``path`` (only reads)."""
    try:
        conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    except Error:
        return False
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {_sql_text(text)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Error:
        return False
    finally:
        conn.close()


def _keyed_as_typed(passphrase: str, salt: bytes, path: Path) -> bool:
    """Whether the file at ``path`` was keyed with ``passphrase`` read as a raw key (by
    Auralis before issue 21) rather than with the key derived from it."""
    if not _may_have_been_raw(passphrase):
        return False
    known = _checked_files.get((passphrase, salt))
    if known is None:
        if _opens(path, _derive(passphrase, salt)):
            known = False
        elif _opens(path, passphrase):
            known = True
        else:
            return False  # a wrong passphrase (or an unreadable file): ask again next time
        _checked_files[(passphrase, salt)] = known
    return known


def key_text(key: DatabaseKey, path: Path | None) -> str:
    """The key text SQLCipher is given for ``key`` and the file at ``path`` (None: an
    in-memory database). A raw key as it is; a passphrase derived here with the file's
    salt (a new salt for a new file) and given as a raw key with that salt, so that no
    passphrase is ever read as SQLCipher's raw-key syntax. A file keyed before issue 21
    with a passphrase that SQLCipher took as a raw key still opens the way it was keyed
    (changing the passphrase re-keys it the new way)."""
    if key.raw:
        return f"x'{key.secret}'"
    salt = _file_salt(path)
    if salt is None:  # a new file (or memory): a new salt, which SQLCipher writes
        return _derive(key.secret, secrets.token_bytes(SALT_BYTES))
    if path is not None and _keyed_as_typed(key.secret, salt, path):
        return key.secret
    return _derive(key.secret, salt)


def rekey_value(conn: Connection, key: DatabaseKey) -> str:
    """The value for ``PRAGMA rekey`` of the open, encrypted database ``conn``. The file
    keeps its salt, so a passphrase is derived with it (a raw key as it is)."""
    if key.raw:
        return key.pragma_value()
    salt = bytes.fromhex(conn.execute("PRAGMA cipher_salt").fetchone()[0])
    for known in [each for each in _checked_files if each[1] == salt]:
        del _checked_files[known]  # the file is keyed the new way from now on
    derived = _derive(key.secret, salt)
    return _sql_text(derived[: -2 * SALT_BYTES - 1] + "'")  # the key alone: the salt stays


def _apply_key(conn: Connection, key: DatabaseKey | None, path: Path | None = None) -> None:
    # SQLCipher writes its own errors (a failed HMAC on a wrong key) to stderr unless told
    # not to; the caller reports them as exceptions instead.
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        # SQLCipher then locks the memory it allocates (out of swap, where the process
        # may lock that much) and zeroes it when freed: keys and decrypted pages. One
        # switch for the whole process, about 8% slower; it cannot be turned off again.
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute(f"PRAGMA key = {_sql_text(key_text(key, path))}")


def open_file(path: Path, *, key: DatabaseKey | None, read_only: bool = False) -> Connection:
    """A connection to the file at ``path`` (created if missing, unless read-only), keyed
    with ``key`` (``None``: unencrypted); no other pragmas. Raises the driver's ``Error``.
    The key is checked by the first statement that reads the file."""
    if read_only:
        conn: Connection = driver.connect(f"file:{path}?mode=ro", uri=True)
    else:
        conn = driver.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        _apply_key(conn, key, path)
    except Error:
        conn.close()
        raise
    return conn


def open_memory(*, key: DatabaseKey | None) -> Connection:
    """A private in-memory database (staging a restore). SQLite's backup API copies only
    between databases with the same key, so the staging copy carries the live one's."""
    conn: Connection = driver.connect(":memory:")
    _apply_key(conn, key)
    return conn


def key_for_file(path: Path, key: DatabaseKey | None) -> DatabaseKey | None:
    """The key to read an existing file with: none for an unencrypted file (a backup
    from before encryption), else ``key``."""
    return None if file_state(path) is FileState.PLAINTEXT else key


def unreadable_error(path: Path, key: DatabaseKey | None, exc: Exception) -> StoreError:
    """The error for a file the driver refused to read: a wrong key when the file looks
    like encrypted pages (whole pages long), else not a database at all."""
    state = file_state(path)
    if state is FileState.PLAINTEXT and key is None:
        pass  # an unencrypted file that is damaged: reported below
    elif state is FileState.ENCRYPTED and key is None:
        return WrongKeyError(
            f"The database {path} is encrypted and no passphrase was given. Nothing was changed."
        )
    elif state is FileState.ENCRYPTED and _whole_pages(path):
        return WrongKeyError(
            f"Wrong passphrase for the database {path}. Nothing was changed; try again."
        )
    return StoreError(
        f"The file {path} is not a usable Auralis database ({exc}). "
        "It has not been changed; check the path, or run `auralis db check`."
    )


def read_error(path: Path, key: DatabaseKey | None) -> DatabaseError | None:
    """SQLite's error reading the existing file at ``path`` with ``key``, or None when it
    reads. Only reads."""
    try:
        conn = open_file(path, key=key, read_only=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except DatabaseError as exc:
        return exc
    return None


def key_problem(path: Path, key: DatabaseKey | None) -> StoreError | None:
    """Why ``key`` does not open the existing file at ``path`` (``WrongKeyError``, or a
    ``StoreError`` for a file that is not a database), or None when it does. Only reads."""
    exc = read_error(path, key)
    return None if exc is None else unreadable_error(path, key, exc)


def _whole_pages(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size > 0 and size % 1024 == 0


def connect(path: Path, *, key: DatabaseKey | None) -> Database:
    """Open (or create) the database at ``path`` with Auralis' pragmas.

    A new file is encrypted when ``key`` is given. An existing unencrypted file opens
    only with ``key=None``; an encrypted one only with its key (``WrongKeyError``
    otherwise, the file untouched).

    WAL lets readers work while one writer commits; ``synchronous=FULL`` makes every
    acknowledged commit survive a crash or power loss, which clinical records need
    more than the last bit of write speed.
    """
    state = file_state(path)
    if state is FileState.PLAINTEXT and key is not None:
        raise StoreError(
            f"The database {path} is not encrypted. Open it without a passphrase "
            "(--no-encryption), or encrypt it with `auralis db encrypt`."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = open_file(path, key=key)
    except (OSError, Error) as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}.") from exc
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise unreadable_error(path, key, exc) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except DatabaseError as exc:
        conn.close()
        raise unreadable_error(path, key, exc) from exc
    return Database(conn)


def is_encrypted(db: Database) -> bool:
    """Whether the open database's pages are encrypted (SQLCipher lists its codec's
    settings only for a keyed database)."""
    return bool(db.execute("PRAGMA cipher_settings").fetchall())
