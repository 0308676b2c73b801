"""The database as a whole: backups, the integrity check, restores (in place and of the
file), each on a connection of its own, reporting progress, recorded in the trail."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_KEY
from sqlite_utils import Database

from app.paths import AppPaths
from app.usecases.database import (
    back_up,
    backups,
    check,
    restore_file,
    restore_in_place,
    store_connection,
    store_facts,
)
from app.usecases.errors import CorruptDatabaseError, StoreError
from app.usecases.patients import add_patient, find_patients
from core.store import audit

Steps = list[tuple[str, float | None]]


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[AppPaths]:
    paths = AppPaths.resolve(tmp_path / "home")
    with store_connection(paths, TEST_KEY) as db:
        add_patient(db, "In the backup")
    yield paths


def _names(db: Database) -> list[str]:
    return [p.display_name for p in find_patients(db)]


def test_a_backup_is_written_recorded_and_reports_progress(paths: AppPaths) -> None:
    steps: Steps = []
    path = back_up(paths, TEST_KEY, keep=3, progress=lambda s, f: steps.append((s, f)))
    assert backups(paths) == [path]
    assert steps and steps[-1] == ("Backing up", 1.0)
    with store_connection(paths, TEST_KEY) as db:
        assert audit.list_entries(db, limit=1)[0].action == "backup"
        facts = store_facts(db)
    assert facts.encrypted and facts.migrations_applied and not facts.migrations_pending
    report = check(paths, TEST_KEY)
    assert report.encrypted and report.backups == [path] and report.bytes > 0


def test_a_restore_in_place_keeps_what_it_replaced(paths: AppPaths) -> None:
    backup = back_up(paths, TEST_KEY, keep=5)
    with store_connection(paths, TEST_KEY) as db:
        add_patient(db, "Written after the backup")
    steps: Steps = []
    safety = restore_in_place(
        paths, TEST_KEY, backup, keep=5, progress=lambda s, f: steps.append((s, f))
    )
    with store_connection(paths, TEST_KEY) as db:
        assert _names(db) == ["In the backup"]
        assert audit.list_entries(db, limit=1)[0].action == "restore"
    with store_connection(paths, TEST_KEY) as db:
        restore_in_place(paths, TEST_KEY, safety, keep=5)  # and back again
        assert _names(db) == ["In the backup", "Written after the backup"]
    assert steps[0] == ("Checking the backup", None) and steps[-1] == ("Restoring", 1.0)


def test_a_restore_of_the_file_keeps_the_replaced_one_aside(paths: AppPaths) -> None:
    backup = back_up(paths, TEST_KEY, keep=5)
    with store_connection(paths, TEST_KEY) as db:
        add_patient(db, "Written after the backup")
    moved = restore_file(paths, TEST_KEY, backup)
    assert moved is not None and moved.exists()
    with store_connection(paths, TEST_KEY) as db:
        assert _names(db) == ["In the backup"]
        assert audit.list_entries(db, limit=1)[0].action == "restore"


def test_a_damaged_database_and_a_bad_backup_are_told(paths: AppPaths, tmp_path: Path) -> None:
    not_a_backup = tmp_path / "auralis-x.db"
    not_a_backup.write_bytes(b"no database" * 100)
    with pytest.raises(StoreError, match="not usable"):
        restore_in_place(paths, TEST_KEY, not_a_backup, keep=5)
    good = back_up(paths, TEST_KEY, keep=5)
    with paths.database.open("r+b") as handle:  # a damaged page in the middle
        handle.seek(8192)
        handle.write(b"\xff" * 4096)
    with pytest.raises(CorruptDatabaseError) as caught:
        check(paths, TEST_KEY)
    assert caught.value.newest_backup == good
    with pytest.raises(StoreError, match="no database"):
        check(AppPaths.resolve(tmp_path / "empty"), TEST_KEY)
