import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO_ROOT, TEST_KEY
from sqlite_utils import Database

from core.store import open_store
from core.store.backup import (
    backup_database,
    integrity_problems,
    list_backups,
    newest_good_backup,
    restore_backup,
    restore_into,
    verify_database,
)
from core.store.connection import connect
from core.store.errors import CorruptDatabaseError, NewerDatabaseError, StoreError
from core.store.migrations import MIGRATION_NAMES, migrate
from core.store.patients import create_patient, list_patients


def _corrupt(path: Path) -> None:
    """Overwrite every page after the first with garbage, as a bad disk would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_a_complete_standalone_copy(fresh_db: Database, tmp_path: Path) -> None:
    create_patient(fresh_db, "Ada")
    backup = backup_database(fresh_db, tmp_path / "backups", keep=3, key=TEST_KEY)
    assert backup.exists()
    assert integrity_problems(backup, key=TEST_KEY) == []
    assert not Path(str(backup) + "-wal").exists()
    copy = open_store(backup, key=TEST_KEY)
    try:
        assert [p.display_name for p in list_patients(copy)] == ["Ada"]
    finally:
        copy.close()


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    writer = open_store(tmp_path / "live.db", key=TEST_KEY)
    reader = open_store(tmp_path / "live.db", key=TEST_KEY)
    try:
        create_patient(writer, "Before")
        with writer.atomic():
            writer.execute("INSERT INTO patients (display_name, created_at) VALUES ('Open', 'x')")
            backup = backup_database(reader, tmp_path / "backups", keep=3, key=TEST_KEY)
        copy = open_store(backup, key=TEST_KEY)
        try:
            # the uncommitted row is not in the copy; the committed one is
            assert [p.display_name for p in list_patients(copy)] == ["Before"]
        finally:
            copy.close()
    finally:
        writer.close()
        reader.close()


def test_rotation_keeps_the_newest(fresh_db: Database, tmp_path: Path) -> None:
    made = [backup_database(fresh_db, tmp_path / "b", keep=3, key=TEST_KEY) for _ in range(5)]
    assert list_backups(tmp_path / "b") == list(reversed(made[2:]))


def test_an_unusable_backup_folder_gives_a_clear_error(fresh_db: Database, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "b"
    not_a_folder.write_text("a file where the backup folder should be")
    with pytest.raises(StoreError, match=r"backup .* failed.*database itself is unchanged"):
        backup_database(fresh_db, not_a_folder, keep=5, key=TEST_KEY)


def test_backup_on_a_full_disk(tmp_path: Path) -> None:
    """A file-size limit makes the disk 'full' for a real process; the message is clear."""
    db_path = tmp_path / "big.db"
    db = open_store(db_path, key=TEST_KEY)
    with db.atomic():
        for i in range(300):
            db.execute(
                "INSERT INTO patients (display_name, created_at) VALUES (?, 'x')",
                ["x" * 1000 + str(i)],
            )
    earlier = backup_database(db, tmp_path / "b", keep=3, key=TEST_KEY)
    db.close()
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        from pathlib import Path
        from core.store import open_store
        from core.store.backup import backup_database
        from core.store.connection import DatabaseKey
        from core.store.errors import StoreError
        key = DatabaseKey.from_raw_hex({TEST_KEY.secret!r})
        db = open_store(Path({str(db_path)!r}), key=key)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
        try:
            backup_database(db, Path({str(tmp_path / "b")!r}), keep=3, key=key)
        except StoreError as exc:
            print(exc)
            sys.exit(3)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    assert "backup" in result.stdout and "database itself is unchanged" in result.stdout
    assert list_backups(tmp_path / "b") == [earlier]
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.endswith(".partial")]
    assert integrity_problems(earlier, key=TEST_KEY) == []
    assert integrity_problems(db_path, key=TEST_KEY) == []


def test_integrity_of_a_corrupt_file(tmp_path: Path) -> None:
    db = open_store(tmp_path / "a.db", key=TEST_KEY)
    with db.atomic():
        for i in range(500):
            db.execute("INSERT INTO patients (display_name, created_at) VALUES (?, 'x')", [f"p{i}"])
    db.close()
    assert integrity_problems(tmp_path / "a.db", key=TEST_KEY) == []
    _corrupt(tmp_path / "a.db")
    assert integrity_problems(tmp_path / "a.db", key=TEST_KEY) != []


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    assert integrity_problems(path, key=TEST_KEY)
    assert integrity_problems(tmp_path / "missing.db", key=TEST_KEY)


def test_verify_names_the_newest_good_backup_and_changes_nothing(tmp_path: Path) -> None:
    path, backups = tmp_path / "a.db", tmp_path / "backups"
    db = open_store(path, key=TEST_KEY)
    for i in range(300):
        create_patient(db, f"patient {i}")
    good = backup_database(db, backups, keep=5, key=TEST_KEY)
    bad = backup_database(db, backups, keep=5, key=TEST_KEY)
    db.close()
    _corrupt(bad)
    verify_database(path, backups, key=TEST_KEY)  # sound: no error
    _corrupt(path)
    before = _sha256(path)
    with pytest.raises(CorruptDatabaseError) as caught:
        verify_database(path, backups, key=TEST_KEY)
    assert caught.value.newest_backup == good
    assert str(good) in str(caught.value)
    assert "has not been changed" in str(caught.value)
    assert _sha256(path) == before
    assert newest_good_backup(tmp_path / "nowhere", key=TEST_KEY) is None


def test_restore_puts_the_backup_in_place_and_keeps_the_old_file(tmp_path: Path) -> None:
    path, backups = tmp_path / "a.db", tmp_path / "backups"
    db = open_store(path, key=TEST_KEY)
    create_patient(db, "Kept")
    backup = backup_database(db, backups, keep=5, key=TEST_KEY)
    create_patient(db, "Lost after restore")
    db.close()
    _corrupt(path)
    damaged = _sha256(path)

    moved = restore_backup(backup, path, key=TEST_KEY)
    assert moved is not None and _sha256(moved) == damaged
    db = open_store(path, key=TEST_KEY)
    try:
        assert [p.display_name for p in list_patients(db)] == ["Kept"]
    finally:
        db.close()


def test_restore_refuses_a_bad_backup(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    open_store(path, key=TEST_KEY).close()
    before = _sha256(path)
    bad = tmp_path / "auralis-bad.db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreError, match="not usable"):
        restore_backup(bad, path, key=TEST_KEY)
    assert _sha256(path) == before


def _names(db: Database) -> list[str]:
    return [p.display_name for p in list_patients(db)]


def test_restore_into_the_open_database_keeps_a_copy_of_what_it_replaced(
    tmp_path: Path,
) -> None:
    backups = tmp_path / "backups"
    db = open_store(tmp_path / "a.db", key=TEST_KEY)
    create_patient(db, "Kept")
    oldest = backup_database(db, backups, keep=1, key=TEST_KEY)
    create_patient(db, "Replaced")

    # keep=1: the copy of the current contents rotates the chosen backup out; the
    # restore still has it (it was read first).
    safety = restore_into(db, oldest, backups, keep=1, key=TEST_KEY)
    assert _names(db) == ["Kept"]  # the same connection sees the restored contents
    assert list_backups(backups) == [safety] and not oldest.exists()
    create_patient(db, "New")
    db.close()
    reopened = open_store(tmp_path / "a.db", key=TEST_KEY)
    try:
        assert _names(reopened) == ["Kept", "New"]
        assert integrity_problems(tmp_path / "a.db", key=TEST_KEY) == []
    finally:
        reopened.close()
    undo = open_store(safety, key=TEST_KEY)
    try:
        assert _names(undo) == ["Kept", "Replaced"]
    finally:
        undo.close()


def test_restore_into_migrates_a_backup_from_an_older_version(tmp_path: Path) -> None:
    old_path = tmp_path / "old.db"
    old = connect(old_path, key=TEST_KEY)
    migrate(old, old_path, stop_before=MIGRATION_NAMES[-1])
    old.close()
    db = open_store(tmp_path / "a.db", key=TEST_KEY)
    try:
        restore_into(db, old_path, tmp_path / "backups", keep=5, key=TEST_KEY)
        assert migrate(db, tmp_path / "a.db") == []  # already up to date
    finally:
        db.close()


def test_restore_into_refuses_bad_and_newer_backups_and_changes_nothing(
    tmp_path: Path,
) -> None:
    db = open_store(tmp_path / "a.db", key=TEST_KEY)
    create_patient(db, "Current")
    bad = tmp_path / "auralis-bad.db"
    bad.write_bytes(b"garbage" * 1000)
    newer_path = tmp_path / "newer.db"
    newer = open_store(newer_path, key=TEST_KEY)
    newer["_sqlite_migrations"].insert(
        {"migration_set": "auralis", "name": "m9999_from_the_future", "applied_at": "x"}
    )
    newer.close()
    try:
        with pytest.raises(StoreError, match="not usable"):
            restore_into(db, bad, tmp_path / "backups", keep=5, key=TEST_KEY)
        with pytest.raises(NewerDatabaseError):
            restore_into(db, newer_path, tmp_path / "backups", keep=5, key=TEST_KEY)
        assert _names(db) == ["Current"]
        assert list_backups(tmp_path / "backups") == []
    finally:
        db.close()
