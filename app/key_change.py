"""Encrypting an unencrypted database and changing the passphrase of an open one, for
the window and the command line.

For a passphrase-protected database the database and every backup are re-encrypted with
the new one (the backups through checked copies). For a random key in the system
keyring only the passphrase that unlocks the window changes: the key stays.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db_key import KeyChoice
from app.keyring_store import StoredKey, save_key
from app.paths import AppPaths
from core.passphrase import PassphraseVerifier
from core.store import audit
from core.store.backup import list_backups
from core.store.connection import DatabaseKey
from core.store.encryption import change_key, encrypt_database, rekey_backups
from core.store.errors import StoreError


@dataclass(frozen=True)
class KeyChange:
    choice: KeyChoice  # what the database opens (and the window unlocks) with now
    backups: int = 0  # backups re-encrypted
    left: list[Path] = field(default_factory=list)  # backups that still need the old one


def encrypt_existing(paths: AppPaths, key: DatabaseKey) -> KeyChange:
    """Encrypt the unencrypted database (no connection to it may be open) and then its
    backups with ``key``. Raises ``StoreError`` when the database itself could not be
    encrypted (it stays as it was); backups that could not be are listed in ``left``."""
    backups = list_backups(paths.backup_dir)
    encrypt_database(paths.database, key)
    left = rekey_backups(backups, None, key)
    return KeyChange(KeyChoice(key, "asked"), len(backups) - len(left), left)


def record_encryption(db: Database, change: KeyChange) -> None:
    """The audit entry for ``encrypt_existing``, once the encrypted database is open."""
    audit.record(db, "encrypt", "database", detail=f"backups={change.backups}")


def change_passphrase(
    db: Database, paths: AppPaths, current: KeyChoice, new_passphrase: str
) -> KeyChange:
    """Make ``new_passphrase`` the one that opens the database (or, for a key kept in
    the keyring, the window's lock). Raises ``StoreError``; the old one works then."""
    if current.key is None:
        raise StoreError("The database is not encrypted; encrypt it first.")
    if current.source == "keyring":
        stored = StoredKey(current.key, PassphraseVerifier.of(new_passphrase))
        save_key(paths.database, stored)
        audit.record(db, "change_passphrase", "window")
        return KeyChange(KeyChoice(current.key, "keyring", stored.unlock))
    new = DatabaseKey.passphrase(new_passphrase)
    change_key(db, new)
    backups = list_backups(paths.backup_dir)
    left = rekey_backups(backups, current.key, new)
    done = len(backups) - len(left)
    audit.record(db, "change_passphrase", "database", detail=f"backups={done}")
    return KeyChange(KeyChoice(new, "asked"), done, left)
