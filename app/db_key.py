"""Where the database's passphrase comes from.

In order: ``--no-encryption`` (the user's explicit choice: no key), ``--db-key-file FILE``
(the first line of the file), the ``AURALIS_DB_KEY`` environment variable (for scripts
and tests), a random key in the system keyring (when the user chose that at the first
start), and otherwise the person at the screen or terminal, asked by the caller. The
passphrase is never written to the settings, the logs or an error message.

The same choice says how the window's lock is opened: with the database's passphrase,
or, for a key from the keyring, with the passphrase whose hash is stored beside it.
"""

import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.keyring_store import load_key
from core.passphrase import PassphraseVerifier
from core.store.connection import DatabaseKey, FileState, file_state
from core.store.errors import StoreError

# The key's types, for the front ends (which do not import the store itself).
__all__ = [
    "KEY_ENV",
    "AskForKey",
    "DatabaseKey",
    "FileState",
    "KeyChoice",
    "KeyOptions",
    "NoPassphraseGiven",
    "choose_key",
    "file_state",
    "given_key",
    "read_key_file",
    "throwaway_key",
]

KEY_ENV = "AURALIS_DB_KEY"
MAX_KEY_FILE_BYTES = 4096

# Asked when no other source gives a key: (the database's state) -> the choice, or None
# when the person declined. MISSING means a new database: ask for a new passphrase, twice.
AskForKey = Callable[[FileState], "KeyChoice | None"]


class NoPassphraseGiven(StoreError):
    """The person asked for the passphrase declined to give one."""


@dataclass(frozen=True)
class KeyOptions:
    """The command-line options about the key (the window and the CLI share them)."""

    key_file: Path | None = None
    no_encryption: bool = False


@dataclass(frozen=True)
class KeyChoice:
    key: DatabaseKey | None
    # "key file", "environment", "asked", "keyring", "unencrypted file", "no encryption"
    source: str
    unlock: PassphraseVerifier | None = None  # for a key that is not a passphrase

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def can_unlock(self) -> bool:
        """Whether a typed passphrase can open the window's lock (not for an unencrypted
        database: there is no passphrase then)."""
        return self.unlock is not None or (self.key is not None and not self.key.raw)

    def unlocks(self, typed: str) -> bool:
        """Whether ``typed`` is the passphrase that opens the window's lock."""
        if self.unlock is not None:
            return self.unlock.matches(typed)
        if self.key is None or self.key.raw:
            return False
        return hmac.compare_digest(typed.encode("utf-8"), self.key.secret.encode("utf-8"))


def throwaway_key(_state: FileState) -> KeyChoice:
    """An ``AskForKey`` for a temporary database (screenshots, the smoke test): a random
    passphrase, so that the window's lock works there too."""
    return KeyChoice(DatabaseKey.passphrase(secrets.token_urlsafe(24)), "throwaway")


def read_key_file(path: Path) -> DatabaseKey:
    """The passphrase in the first line of ``path`` (its line ending removed)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise StoreError(f"Cannot read the key file {path}: {exc.strerror}.") from exc
    if len(data) > MAX_KEY_FILE_BYTES:
        raise StoreError(f"The key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes.")
    try:
        first_line = data.decode("utf-8").splitlines()[0] if data else ""
    except UnicodeDecodeError:
        raise StoreError(f"The key file {path} is not UTF-8 text.") from None
    try:
        return DatabaseKey.passphrase(first_line)
    except ValueError as exc:
        raise StoreError(f"The key file {path} holds no usable passphrase: {exc}") from None


def given_key(
    options: KeyOptions, environ: Mapping[str, str] = os.environ
) -> tuple[DatabaseKey | None, str]:
    """The key from the key file or the environment, and which it was (or None, "")."""
    if options.key_file is not None:
        return read_key_file(options.key_file), "key file"
    text = environ.get(KEY_ENV)
    if text:
        try:
            return DatabaseKey.passphrase(text), "environment"
        except ValueError as exc:
            raise StoreError(f"{KEY_ENV} holds no usable passphrase: {exc}") from None
    return None, ""


def choose_key(
    database: Path,
    options: KeyOptions,
    ask: AskForKey | None,
    environ: Mapping[str, str] = os.environ,
) -> KeyChoice:
    """The key to open (or create) ``database`` with.

    An existing unencrypted database opens without one (the window and ``db encrypt``
    offer to encrypt it). ``ask`` is called only when no option gives a key; without it
    (no terminal) the error says how to give one.
    """
    state = file_state(database)
    if state is FileState.PLAINTEXT:
        return KeyChoice(None, "no encryption" if options.no_encryption else "unencrypted file")
    if options.no_encryption:
        if state is FileState.ENCRYPTED:
            raise StoreError(
                f"The database {database} is encrypted; --no-encryption cannot open it. "
                "Give its passphrase instead."
            )
        return KeyChoice(None, "no encryption")
    key, source = given_key(options, environ)
    if key is not None:
        return KeyChoice(key, source)
    if state is FileState.ENCRYPTED:
        stored = load_key(database)
        if stored is not None:
            return KeyChoice(stored.key, "keyring", stored.unlock)
    if ask is not None:
        asked = ask(state)
        if asked is not None:
            return asked
        raise NoPassphraseGiven("No passphrase was given; the database was not opened.")
    what = "is encrypted" if state is FileState.ENCRYPTED else "will be encrypted"
    raise StoreError(
        f"The database {database} {what}: give its passphrase with {KEY_ENV} or "
        "--db-key-file FILE, or run the command in a terminal to be asked. To keep a new "
        "database unencrypted instead, use --no-encryption."
    )
