"""The data folder's lock without Qt: the process that holds it (the window) may restore
or re-key in it; the lock names its holder; it is released for the next one."""

import os
from pathlib import Path

import pytest

from app.instance_lock import (
    acquire_instance_lock,
    data_folder_held,
    read_holder,
)


def test_the_window_holding_the_folder_may_restore_in_its_own_process(tmp_path: Path) -> None:
    window = acquire_instance_lock(tmp_path)
    assert window is not None
    try:
        holder = read_holder(tmp_path)
        assert holder is not None and holder.pid == os.getpid()
        assert holder.what == "the Auralis window"
        with data_folder_held(tmp_path, "a restore of the database"):
            assert read_holder(tmp_path) == holder  # the window's lock, not a second one
        assert (tmp_path / "auralis.lock").exists()  # still the window's
    finally:
        window.unlock()
    assert not (tmp_path / "auralis.lock").exists()
    with data_folder_held(tmp_path, "a restore of the database"):
        held = read_holder(tmp_path)
        assert held is not None and held.what == "a restore of the database"
    assert read_holder(tmp_path) is None


def test_a_lock_file_left_with_garbage_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / "auralis.lock").write_text("not a pid\n")  # no one holds its flock
    lock = acquire_instance_lock(tmp_path)
    assert lock is not None
    lock.unlock()


def test_the_lock_is_released_when_the_work_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError), data_folder_held(tmp_path, "a restore of the database"):
        raise ValueError("the work failed")
    assert read_holder(tmp_path) is None  # released when the work fails
