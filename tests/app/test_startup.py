import os
import time
from pathlib import Path

import pytest
from conftest import TEST_KEY

from app.paths import AppPaths
from app.settings import Settings
from app.startup import open_database
from core.store.backup import list_backups
from core.store.errors import CorruptDatabaseError


def _open_and_close(paths: AppPaths, settings: Settings) -> None:
    open_database(paths, settings, TEST_KEY).close()


def test_automatic_backups_follow_the_interval(tmp_path: Path) -> None:
    paths, settings = AppPaths.resolve(tmp_path), Settings()
    _open_and_close(paths, settings)
    assert list_backups(paths.backup_dir) == []  # a brand-new database: nothing to keep yet
    _open_and_close(paths, settings)
    first = list_backups(paths.backup_dir)
    assert len(first) == 1
    _open_and_close(paths, settings)
    assert list_backups(paths.backup_dir) == first  # the newest is recent enough

    day_old = time.time() - 25 * 3600
    os.utime(first[0], (day_old, day_old))
    _open_and_close(paths, settings)
    assert len(list_backups(paths.backup_dir)) == 2


def test_automatic_backups_can_be_turned_off(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    settings = Settings()
    settings.backup.interval_hours = 0
    for _ in range(3):
        _open_and_close(paths, settings)
    assert list_backups(paths.backup_dir) == []


def test_a_damaged_database_is_not_opened(tmp_path: Path) -> None:
    paths, settings = AppPaths.resolve(tmp_path), Settings()
    _open_and_close(paths, settings)
    paths.database.write_bytes(b"SQLite format 3\x00" + os.urandom(20000))
    damaged = paths.database.read_bytes()
    with pytest.raises(CorruptDatabaseError):
        open_database(paths, settings, TEST_KEY)
    assert paths.database.read_bytes() == damaged
