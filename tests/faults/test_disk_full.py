"""A full disk (a file-size limit on the subprocess: writes past it fail with EFBIG, as
on a full disk) during a note save and during ``db backup``: one clear error line, no
traceback, the previous version and the older backups intact, and it works again once
there is space."""

import harness
import pytest
from conftest import TEST_PASSPHRASE


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, harness.DiskFullOutcome]:
    """Each full-disk run once, on one database of a few megabytes."""
    workdir = tmp_path_factory.mktemp("disk-full")
    home = harness.FaultHome(harness.subprocess_env(workdir / "home", TEST_PASSPHRASE))
    ledger = harness.setup(home)
    harness.grow(home, ledger, 1500)
    return {
        "note save": harness.disk_full_note_save(home, ledger, workdir),
        "autosave": harness.disk_full_autosave(home, ledger, workdir),
        "backup": harness.disk_full_backup(home, ledger),
    }


def test_a_full_disk_during_a_note_save_loses_nothing(
    runs: dict[str, harness.DiskFullOutcome],
) -> None:
    assert runs["note save"].problems == []


def test_a_full_disk_during_a_backup_keeps_the_older_backups(
    runs: dict[str, harness.DiskFullOutcome],
) -> None:
    outcome = runs["backup"]
    assert outcome.problems == []
    assert "The backup to" in outcome.message and "free some disk space" in outcome.message


def test_a_full_disk_during_a_note_save_is_reported_as_such(
    runs: dict[str, harness.DiskFullOutcome],
) -> None:
    message = runs["note save"].message
    assert "unexpected" not in message and "free some space" in message


def test_the_window_autosave_on_a_full_disk_raises_a_store_error(
    runs: dict[str, harness.DiskFullOutcome],
) -> None:
    # StoreWriteError: the window catches it, keeps the text and tries again
    assert runs["autosave"].problems == []
    assert runs["autosave"].message == "refused StoreWriteError"


def test_the_autosave_on_a_full_disk_loses_nothing(
    runs: dict[str, harness.DiskFullOutcome],
) -> None:
    """Whatever the exception, the previous versions are intact and the file is sound."""
    outcome = runs["autosave"]
    assert [p for p in outcome.problems if not p.startswith("autosave on a full disk")] == []
