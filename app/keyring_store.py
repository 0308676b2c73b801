"""The database key kept in the operating system's keyring, for installs where nobody
should type a passphrase at start-up (the OS login unlocks the keyring).

What is stored, under the service ``Auralis`` and the database's path: a random 256-bit
key and a salted hash of the passphrase that unlocks the window (the key is not a
passphrase, so the lock needs its own). Only real OS keyrings are used — Secret Service
or KWallet on Linux, the macOS Keychain, the Windows Credential Manager — or the backend
an administrator names in ``PYTHON_KEYRING_BACKEND``; never a plain file picked by
chance. Calls may block briefly on the keyring service: start-up and settings only.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.logs import log_event
from core.passphrase import PassphraseVerifier
from core.store.connection import DatabaseKey
from core.store.errors import StoreError

logger = logging.getLogger(__name__)

SERVICE = "Auralis"
OS_KEYRINGS = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


@dataclass(frozen=True)
class StoredKey:
    key: DatabaseKey
    unlock: PassphraseVerifier


def _entry(database: Path) -> str:
    return f"database-key:{database.resolve()}"


def _is_usable(backend: Any) -> bool:
    module = type(backend).__module__
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return not module.startswith("keyring.backends.fail")  # the administrator's choice
    inner = getattr(backend, "backends", None)  # the chainer: any real keyring in it
    if inner is not None:
        return any(_is_usable(each) for each in inner)
    return module.startswith(OS_KEYRINGS)


def _backend() -> Any | None:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # no keyring library or a broken configuration: none offered
        log_event(logger, "keyring.unavailable", level=logging.INFO)
        return None
    return backend if _is_usable(backend) else None


def keyring_name() -> str | None:
    """The name of the system keyring Auralis would use, or None when there is none."""
    backend = _backend()
    if backend is None:
        return None
    return str(getattr(backend, "name", type(backend).__name__))


def load_key(database: Path) -> StoredKey | None:
    """The key stored for ``database``, or None when there is no keyring or no entry.
    Raises ``StoreError`` when an entry exists but cannot be read or is damaged."""
    backend = _backend()
    if backend is None:
        return None
    try:
        text = backend.get_password(SERVICE, _entry(database))
    except Exception as exc:
        raise StoreError(
            f"The system keyring could not be read ({type(exc).__name__}). Unlock it (log "
            "in to the desktop), or give the database passphrase another way."
        ) from None
    if text is None:
        return None
    try:
        data = json.loads(text)
        return StoredKey(
            DatabaseKey.from_raw_hex(data["key"]), PassphraseVerifier.from_dict(data["unlock"])
        )
    except (ValueError, KeyError, TypeError):
        raise StoreError(
            "The database key in the system keyring is damaged; the database cannot be "
            "opened with it."
        ) from None


def save_key(database: Path, stored: StoredKey) -> None:
    """Store (or replace) the key for ``database``. Raises ``StoreError`` when it fails."""
    backend = _backend()
    if backend is None:
        raise StoreError("There is no system keyring on this computer.")
    value = json.dumps({"key": stored.key.secret, "unlock": stored.unlock.to_dict()})
    try:
        backend.set_password(SERVICE, _entry(database), value)
    except Exception as exc:
        raise StoreError(
            f"The key could not be stored in the system keyring ({type(exc).__name__})."
        ) from None
    log_event(logger, "keyring.key_stored")
