"""Encrypting an unencrypted database and changing the passphrase: the database and its
backups re-encrypted, on a connection of their own, recorded in the trail."""

from pathlib import Path

import pytest

from app.db_key import DatabaseKey, KeyChoice
from app.paths import AppPaths
from app.usecases.database import back_up, store_connection
from app.usecases.errors import StoreError, WrongKeyError
from app.usecases.keys import change_passphrase, encrypt_existing, record_encryption
from app.usecases.patients import add_patient, find_patients
from core.store import audit
from core.store.backup import integrity_problems

OLD = DatabaseKey.passphrase("the old passphrase, long enough")
NEW = "the new passphrase, longer still"


def test_changing_the_passphrase_re_encrypts_the_database_and_its_backups(
    tmp_path: Path,
) -> None:
    paths = AppPaths.resolve(tmp_path)
    with store_connection(paths, OLD) as db:
        add_patient(db, "Ada")
    backup = back_up(paths, OLD, keep=5)
    steps: list[tuple[str, float | None]] = []
    change = change_passphrase(
        paths, KeyChoice(OLD, "asked"), NEW, lambda s, f: steps.append((s, f))
    )
    new = DatabaseKey.passphrase(NEW)
    assert change.choice.key == new and change.backups == 1 and change.left == []
    with store_connection(paths, new) as db:
        assert [p.display_name for p in find_patients(db)] == ["Ada"]
        newest = audit.list_entries(db, limit=1)[0]
    assert (newest.action, newest.detail) == ("change_passphrase", "backups=1")
    assert integrity_problems(backup, key=new) == []
    with pytest.raises(WrongKeyError), store_connection(paths, OLD):
        pass
    assert [stage for stage, _ in steps] == [
        "Re-encrypting the database",
        "Re-encrypting the backups",
    ]


def test_an_unencrypted_database_is_encrypted_with_its_backups(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    with store_connection(paths, None) as db:
        add_patient(db, "Ada")
    back_up(paths, None, keep=5)
    change = encrypt_existing(paths, OLD)
    assert change.backups == 1 and change.left == []
    with store_connection(paths, OLD) as db:
        record_encryption(db, change)
        assert audit.list_entries(db, limit=1)[0].detail == "backups=1"
    with pytest.raises(StoreError, match="not encrypted"):
        change_passphrase(paths, KeyChoice(None, "unencrypted file"), NEW)
