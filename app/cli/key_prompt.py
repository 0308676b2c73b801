"""Asking for the database passphrase at the terminal (never echoed)."""

import getpass
import sys

from app.db_key import DatabaseKey, FileState, KeyChoice
from app.usecases.errors import StoreError
from core.passphrase import passphrase_strength


def ask_new_passphrase(what: str = "New database passphrase") -> DatabaseKey:
    """A new passphrase, typed twice, with its strength shown; refused when too short."""
    first = getpass.getpass(f"{what}: ")
    strength = passphrase_strength(first)
    print(f"auralis: passphrase strength: {strength.label}. {strength.hint}", file=sys.stderr)
    if not strength.acceptable:
        raise StoreError(f"The passphrase is too short. {strength.hint}")
    if getpass.getpass("Type it again: ") != first:
        raise StoreError("The two passphrases differ; nothing was changed.")
    return DatabaseKey.passphrase(first)


def ask_on_terminal(state: FileState) -> KeyChoice | None:
    """The ``AskForKey`` of the command line: a new passphrase for a new database, else
    the database's passphrase. None when nothing was typed."""
    if state is FileState.MISSING:
        print("auralis: the new database will be encrypted.", file=sys.stderr)
        return KeyChoice(ask_new_passphrase(), "asked")
    text = getpass.getpass("Database passphrase: ")
    return KeyChoice(DatabaseKey.passphrase(text), "asked") if text else None


def terminal_can_ask() -> bool:
    return sys.stdin.isatty()
