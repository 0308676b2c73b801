"""The database at rest: SQLCipher encryption, wrong keys, encrypting an old database,
changing the passphrase, and backups that keep the database's key."""

import os
import sqlite3
from pathlib import Path

import pytest
from conftest import TEST_KEY

from core.store import open_store
from core.store.backup import (
    backup_database,
    integrity_problems,
    list_backups,
    restore_backup,
    restore_into,
    verify_database,
)
from core.store.connection import DatabaseKey, FileState, file_state, is_encrypted
from core.store.encryption import change_key, encrypt_database, rekey_backups
from core.store.errors import CorruptDatabaseError, StoreError, WrongKeyError
from core.store.patients import create_patient, list_patients
from core.store.sessions import add_session, search_sessions

NAME = "Marguerite Quillfeather"  # a name that appears nowhere else in any file
PASSPHRASE = DatabaseKey.passphrase("it's a long passphrase")  # the quote is deliberate


def _make_database(path: Path, key: DatabaseKey | None) -> None:
    db = open_store(path, key=key)
    try:
        patient = create_patient(db, NAME)
        add_session(db, patient.id, "We talked about the lighthouse.")
    finally:
        db.close()


def _names(path: Path, key: DatabaseKey | None) -> list[str]:
    db = open_store(path, key=key)
    try:
        return [p.display_name for p in list_patients(db)]
    finally:
        db.close()


def _readable_by_plain_sqlite(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _files_mention_the_name(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.is_file() and NAME.encode() in p.read_bytes()]


def test_a_new_database_with_a_key_is_encrypted_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _make_database(path, PASSPHRASE)
    assert file_state(path) is FileState.ENCRYPTED
    assert not _readable_by_plain_sqlite(path)
    assert _files_mention_the_name(tmp_path) == []
    assert _names(path, PASSPHRASE) == [NAME]


def test_a_raw_key_works_and_is_never_shown() -> None:
    key = DatabaseKey.random()
    assert key.raw and len(key.secret) == 64
    assert key.secret not in repr(key) and key.secret not in str(key)
    assert "long passphrase" not in repr(PASSPHRASE)
    with pytest.raises(ValueError):
        DatabaseKey.passphrase("")
    with pytest.raises(ValueError):
        DatabaseKey.from_raw_hex("zz" * 32)


def test_a_wrong_passphrase_is_told_as_such_and_changes_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.db"
    _make_database(path, PASSPHRASE)
    before = path.read_bytes()
    with pytest.raises(WrongKeyError, match="Wrong passphrase"):
        open_store(path, key=DatabaseKey.passphrase("not it at all"))
    with pytest.raises(WrongKeyError, match="encrypted and no passphrase was given"):
        open_store(path, key=None)
    with pytest.raises(WrongKeyError, match="Wrong passphrase"):
        verify_database(path, tmp_path / "backups", key=DatabaseKey.passphrase("nope nope"))
    assert path.read_bytes() == before
    # SQLCipher's own complaint ("hmac check failed") stays off stderr
    assert capfd.readouterr().err == ""


def test_an_unencrypted_database_opens_only_without_a_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_database(path, None)
    assert file_state(path) is FileState.PLAINTEXT
    assert _files_mention_the_name(tmp_path) == ["old.db"]  # what encryption prevents
    with pytest.raises(StoreError, match=r"not encrypted.*db encrypt"):
        open_store(path, key=PASSPHRASE)
    assert _names(path, None) == [NAME]


def test_encrypting_an_old_database_keeps_everything_and_leaves_no_plain_copy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "auralis.db"
    path.parent.mkdir()
    _make_database(path, None)
    encrypt_database(path, PASSPHRASE)
    assert file_state(path) is FileState.ENCRYPTED
    assert _files_mention_the_name(tmp_path) == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["auralis.db"]
    db = open_store(path, key=PASSPHRASE)
    try:
        assert is_encrypted(db)
        assert [p.display_name for p in list_patients(db)] == [NAME]
        assert len(search_sessions(db, "lighthouse")) == 1  # the full-text index came along
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    with pytest.raises(StoreError, match="not an unencrypted database"):
        encrypt_database(path, PASSPHRASE)


def test_a_failed_encryption_leaves_the_original_in_place(tmp_path: Path) -> None:
    path = tmp_path / "auralis.db"
    _make_database(path, None)
    before = path.read_bytes()
    # a folder where the encrypted copy would go: the copy cannot be written
    (tmp_path / "auralis.db.encrypting.partial").mkdir()
    with pytest.raises(StoreError, match="original is unchanged"):
        encrypt_database(path, PASSPHRASE)
    assert path.read_bytes() == before
    assert _names(path, None) == [NAME]


def test_changing_the_passphrase_re_encrypts_the_database_and_its_backups(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.db"
    _make_database(path, PASSPHRASE)
    new = DatabaseKey.passphrase("another long passphrase")
    db = open_store(path, key=PASSPHRASE)
    backup = backup_database(db, tmp_path / "backups", keep=3, key=PASSPHRASE)
    change_key(db, new)
    db.close()
    assert rekey_backups([backup], PASSPHRASE, new) == []
    with pytest.raises(WrongKeyError):
        open_store(path, key=PASSPHRASE)
    assert _names(path, new) == [NAME]
    assert integrity_problems(backup, key=new) == []
    assert integrity_problems(backup, key=PASSPHRASE) != []


def test_backups_are_encrypted_with_the_database_key(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _make_database(path, TEST_KEY)
    db = open_store(path, key=TEST_KEY)
    try:
        backup = backup_database(db, tmp_path / "backups", keep=3, key=TEST_KEY)
    finally:
        db.close()
    assert file_state(backup) is FileState.ENCRYPTED
    assert _files_mention_the_name(tmp_path) == []
    assert _names(backup, TEST_KEY) == [NAME]


def test_an_unencrypted_backup_is_restored_encrypted(tmp_path: Path) -> None:
    old_backup = tmp_path / "backups" / "auralis-20250101-000000-000000.db"
    old_backup.parent.mkdir()
    _make_database(old_backup, None)  # from before the database was encrypted
    path = tmp_path / "auralis.db"
    db = open_store(path, key=PASSPHRASE)
    create_patient(db, "Someone else")
    db.close()

    restore_backup(old_backup, path, key=PASSPHRASE)
    assert file_state(path) is FileState.ENCRYPTED
    assert _names(path, PASSPHRASE) == [NAME]

    db = open_store(path, key=PASSPHRASE)
    try:
        create_patient(db, "Later")
        restore_into(db, old_backup, tmp_path / "backups", keep=5, key=PASSPHRASE)
        assert [p.display_name for p in list_patients(db)] == [NAME]
    finally:
        db.close()
    for backup in list_backups(tmp_path / "backups"):
        if backup != old_backup:
            assert file_state(backup) is FileState.ENCRYPTED


def test_a_mistyped_passphrase_cannot_become_the_database_key_through_a_restore(
    tmp_path: Path,
) -> None:
    old_backup = tmp_path / "old.db"
    _make_database(old_backup, None)
    path = tmp_path / "auralis.db"
    _make_database(path, PASSPHRASE)
    before = path.read_bytes()
    with pytest.raises(WrongKeyError):
        restore_backup(old_backup, path, key=DatabaseKey.passphrase("a typo passphrase"))
    assert path.read_bytes() == before


def test_a_damaged_first_page_is_told_apart_from_a_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "auralis.db"
    _make_database(path, PASSPHRASE)
    db = open_store(path, key=PASSPHRASE)
    backup = backup_database(db, tmp_path / "backups", keep=3, key=PASSPHRASE)
    db.close()
    with path.open("r+b") as handle:
        handle.seek(16)  # the salt stays: the other pages' HMACs prove the passphrase
        handle.write(os.urandom(4096 - 16))
    damaged = path.read_bytes()
    with pytest.raises(CorruptDatabaseError) as caught:
        verify_database(path, tmp_path / "backups", key=PASSPHRASE)
    assert caught.value.newest_backup == backup
    # a passphrase that opens nothing is a wrong passphrase
    with pytest.raises(WrongKeyError):
        verify_database(path, tmp_path / "backups", key=DatabaseKey.passphrase("wrong again"))
    assert path.read_bytes() == damaged
    with path.open("r+b") as handle:
        handle.write(os.urandom(16))  # the salt too: nothing proves the passphrase now
    # It opens the backup, as the old passphrase does after an interrupted change: told
    # so, never reported damaged with a backup to restore over the file.
    with pytest.raises(WrongKeyError, match=backup.name):
        verify_database(path, tmp_path / "backups", key=PASSPHRASE)
