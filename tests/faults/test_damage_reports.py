"""A healthy database that cannot be read right now (a full disk, a read-only folder, a
passphrase change that was interrupted while re-encrypting the backups) is reported as
such: never as damaged, and never with advice to restore an older backup over it, which
would lose every write since that backup. A really damaged file is still reported as
damaged, naming the newest good backup."""

import os
from pathlib import Path

import harness
import pytest
import restore_faults
from conftest import TEST_KEY, CliRunner

from core.store import open_store
from core.store.backup import backup_database, verify_database
from core.store.connection import DatabaseKey
from core.store.encryption import change_key, rekey_backups
from core.store.errors import CorruptDatabaseError, StoreError, WrongKeyError
from core.store.patients import create_patient

NEW_KEY = DatabaseKey.passphrase("the new passphrase, long enough")


def _healthy(tmp_path: Path) -> tuple[Path, Path]:
    path, backups = tmp_path / "auralis.db", tmp_path / "backups"
    db = open_store(path, key=TEST_KEY)
    create_patient(db, "Before the backup")
    backup_database(db, backups, keep=3, key=TEST_KEY)
    create_patient(db, "After the backup")
    db.close()
    return path, backups


def _assert_no_restore_advice(message: str) -> None:
    assert "failed its integrity check" not in message
    assert "db restore" not in message and "newest good backup" not in message


def test_full_disk_open_is_not_reported_as_damaged(run_cli: CliRunner) -> None:
    home = harness.FaultHome(run_cli.env())
    harness.setup(home)
    assert home.cli("db", "backup").returncode == 0
    # Opening needs the 32 KB index file beside the database: a full disk refuses it
    # (every write past 20,000 bytes of a file fails, as ENOSPC would).
    assert restore_faults.full_disk_open(home) == []


def test_interrupted_passphrase_change_is_not_reported_as_damaged(tmp_path: Path) -> None:
    # The state a passphrase change leaves when it is killed after re-keying the database
    # and before re-keying the backups (it re-keys them last, one by one).
    path, backups = _healthy(tmp_path)
    db = open_store(path, key=TEST_KEY)
    change_key(db, NEW_KEY)
    db.close()
    with pytest.raises(StoreError) as raised:
        verify_database(path, backups, key=TEST_KEY)  # the old one, which opens the backups
    assert isinstance(raised.value, WrongKeyError)
    assert "new" in str(raised.value)
    _assert_no_restore_advice(str(raised.value))
    verify_database(path, backups, key=NEW_KEY)  # and the new one opens it
    assert rekey_backups(sorted(backups.iterdir()), TEST_KEY, NEW_KEY) == []


def test_a_damaged_first_page_is_still_reported_as_damaged(tmp_path: Path) -> None:
    path, backups = _healthy(tmp_path)
    with path.open("r+b") as handle:
        handle.seek(100)  # past the salt: the first page's encrypted bytes
        handle.write(os.urandom(200))
    with pytest.raises(CorruptDatabaseError) as raised:
        verify_database(path, backups, key=TEST_KEY)
    assert raised.value.newest_backup is not None


def test_read_only_folder_is_not_reported_as_damaged(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path, backups = _healthy(tmp_path / "data")
    with restore_faults.read_only_view(path.parent, tmp_path / "view") as view:
        if view is None:
            pytest.skip("this machine gives root no read-only folder (no bind mount)")
        with pytest.raises(StoreError) as raised:
            verify_database(view / path.name, view / backups.name, key=TEST_KEY)
    assert not isinstance(raised.value, (CorruptDatabaseError, WrongKeyError))
    _assert_no_restore_advice(str(raised.value))
    verify_database(path, backups, key=TEST_KEY)
