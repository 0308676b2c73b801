"""Encrypting an unencrypted database and changing the passphrase, for the window and the
command line.

Changing the passphrase in the window first checks the current one (``typed_current``):
a wrong one is counted with the lock's wrong passphrases (``app.unlock_attempts``), waits
as they do, and changes nothing. For a passphrase-protected database the database and
every backup are re-encrypted with the new one (the backups through checked copies). For
a random key in the system keyring only the passphrase that unlocks the window changes:
the key stays. Like ``app.usecases.database``, these use a connection of their own, on
the thread they run on, and report progress there.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db_key import KeyChoice
from app.instance_lock import data_folder_held
from app.keyring_store import StoredKey, save_key
from app.paths import AppPaths
from app.unlock_attempts import UnlockAttempts
from app.usecases.database import Progress, store_connection
from app.usecases.transaction import record_event
from core.passphrase import PassphraseVerifier
from core.store.backup import list_backups
from core.store.connection import DatabaseKey
from core.store.encryption import (
    PlaintextCleanup,
    change_key,
    encrypt_database,
    rekey_backups,
    secure_plaintext_copies,
)
from core.store.errors import StoreError

__all__ = [
    "KeyChange",
    "WrongPassphraseError",
    "change_passphrase",
    "check_current_passphrase",
    "encrypt_existing",
    "record_encryption",
]

WRONG_CURRENT = "The current passphrase is wrong; nothing was changed. Type it again, or cancel."


class WrongPassphraseError(StoreError):
    pass


def _silent(_stage: str, _fraction: float | None) -> None:
    pass


@dataclass(frozen=True)
class KeyChange:
    choice: KeyChoice  # what the database opens (and the window unlocks) with now
    backups: int = 0  # backups re-encrypted
    left: list[Path] = field(default_factory=list)  # backups that still need the old one
    # encrypt_existing: what became of the unencrypted copies beside the database
    plaintext: PlaintextCleanup = field(default_factory=PlaintextCleanup)


def _rekey_backups(
    backups: list[Path], old: DatabaseKey | None, new: DatabaseKey, progress: Progress
) -> list[Path]:
    left = []
    for done, backup in enumerate(backups):
        progress("Re-encrypting the backups", done / len(backups))
        left += rekey_backups([backup], old, new)
    return left


def encrypt_existing(paths: AppPaths, key: DatabaseKey, progress: Progress = _silent) -> KeyChange:
    """Encrypt the unencrypted database (no connection to it may be open), then its
    backups and the copies a restore kept with ``key``; the unencrypted leftovers of
    interrupted copies are removed (``secure_plaintext_copies``; see ``plaintext``).
    Raises ``StoreError`` when the database itself could not be encrypted (it stays as
    it was); backups that could not be are listed in ``left``. Record it with
    ``record_encryption`` once the encrypted database is open. Refused
    (``DataFolderBusyError``) while another process holds the data folder."""
    with data_folder_held(paths.data_dir, "the encryption of the database"):
        backups = list_backups(paths.backup_dir)
        progress("Encrypting the database", None)
        encrypt_database(paths.database, key)
        left = _rekey_backups(backups, None, key, progress)
        progress("Encrypting the copies kept beside it", None)
        plaintext = secure_plaintext_copies(paths.database, paths.backup_dir, key)
    return KeyChange(KeyChoice(key, "asked"), len(backups) - len(left), left, plaintext)


def record_encryption(db: Database, change: KeyChange) -> None:
    """The audit entry of ``encrypt_existing``, in the now encrypted database."""
    record_event(db, "encrypt", "database", detail=f"backups={change.backups}")


def check_current_passphrase(current: KeyChoice, typed: str, attempts: UnlockAttempts) -> None:
    """Check the passphrase a person typed as the current one, counted as an unlock
    attempt: raises ``TooManyAttemptsError`` while attempts must wait and
    ``WrongPassphraseError`` (counted) when it is not the one that unlocks the window."""
    with attempts.attempt():
        if current.unlocks(typed):
            attempts.succeeded()
            return
        attempts.failed()
    raise WrongPassphraseError(WRONG_CURRENT)


def change_passphrase(
    paths: AppPaths,
    current: KeyChoice,
    new_passphrase: str,
    progress: Progress = _silent,
    *,
    typed_current: str | None = None,
    attempts: UnlockAttempts | None = None,
) -> KeyChange:
    """Make ``new_passphrase`` the one that opens the database (or, for a key kept in the
    keyring, the window's lock). With ``typed_current`` (and the ``attempts`` count) the
    current passphrase is checked first (``check_current_passphrase``). No other
    connection may write meanwhile: refused (``DataFolderBusyError``) while another
    process holds the data folder. Raises ``StoreError``; the old one works then."""
    if current.key is None:
        raise StoreError("The database is not encrypted; encrypt it first.")
    if typed_current is not None:
        if attempts is None:
            raise ValueError("checking the current passphrase needs the attempts' count")
        progress("Checking the current passphrase", None)
        check_current_passphrase(current, typed_current, attempts)
    with data_folder_held(paths.data_dir, "the change of the passphrase"):
        return _change_passphrase(paths, current, new_passphrase, progress)


def _change_passphrase(
    paths: AppPaths, current: KeyChoice, new_passphrase: str, progress: Progress
) -> KeyChange:
    assert current.key is not None
    if current.source == "keyring":
        stored = StoredKey(current.key, PassphraseVerifier.of(new_passphrase))
        save_key(paths.database, stored)
        with store_connection(paths, current.key) as db:
            record_event(db, "change_passphrase", "window")
        return KeyChange(KeyChoice(current.key, "keyring", stored.unlock))
    new = DatabaseKey.passphrase(new_passphrase)
    progress("Re-encrypting the database", None)
    with store_connection(paths, current.key) as db:
        change_key(db, new)
        backups = list_backups(paths.backup_dir)
        left = _rekey_backups(backups, current.key, new, progress)
        done = len(backups) - len(left)
        record_event(db, "change_passphrase", "database", detail=f"backups={done}")
    return KeyChange(KeyChoice(new, "asked"), done, left)
