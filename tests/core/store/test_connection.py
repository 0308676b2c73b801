from pathlib import Path

import pytest
from conftest import TEST_KEY

from core.store.connection import BUSY_TIMEOUT_MS, connect
from core.store.errors import StoreError


def test_pragmas_of_every_connection(tmp_path: Path) -> None:
    db = connect(tmp_path / "a.db", key=TEST_KEY)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        db.close()


def test_creates_missing_parent_folders(tmp_path: Path) -> None:
    db = connect(tmp_path / "deep" / "er" / "a.db", key=TEST_KEY)
    db.close()
    assert (tmp_path / "deep" / "er" / "a.db").exists()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are not SQLite pages. " * 200)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a usable Auralis database"):
        connect(path, key=TEST_KEY)
    assert path.read_bytes() == before


def test_a_path_that_cannot_be_created_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot open the database"):
        connect(blocker / "sub" / "a.db", key=TEST_KEY)
