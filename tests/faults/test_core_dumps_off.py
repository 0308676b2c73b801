"""Issue 21, item 7: a crash must not write the process's memory (patient text, the key
derived from the passphrase) to disk, and what Auralis writes is readable by its user
only.

Real processes through the real entry point (``main.py``), with the core-file limit
raised the way a shell's ``ulimit -c unlimited`` raises it: the command's handler (or
the window's smoke test) is replaced by a crash (``os.abort``) or by a report of the
process's own limits, after the entry point has done its start-up.
"""

import os
import stat
import sys
from pathlib import Path

import pytest
from conftest import CliRunner
from hardening_faults import (
    COMMAND_LINE,
    WINDOW,
    core_files_possible,
    crash_after_start,
    limits_after_start,
)

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="core files and prctl: Linux")
ENTRY_POINTS = pytest.mark.parametrize("args", [COMMAND_LINE, WINDOW], ids=["cli", "window"])


@linux_only
@ENTRY_POINTS
def test_a_crash_after_start_leaves_no_core_file(
    run_cli: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    if not core_files_possible():
        pytest.skip("this machine allows no core files at all")
    folder = tmp_path / "cwd"
    folder.mkdir()
    crash = crash_after_start(args, folder, run_cli.env())
    assert crash.aborted
    assert crash.left_behind == []


@linux_only
@ENTRY_POINTS
def test_after_start_no_core_file_and_no_memory_reading_by_other_processes(
    run_cli: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    state = limits_after_start(args, tmp_path, run_cli.env())
    assert state["core"] == [0, 0]
    assert state["dumpable"] == 0  # no ptrace, no /proc/<pid>/mem for the user's other processes
    assert isinstance(state["umask"], int) and state["umask"] & 0o077 == 0o077


def _loose_modes(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder)} {stat.filemode(path.lstat().st_mode)}"
        for path in [folder, *folder.rglob("*")]
        if not path.is_symlink() and path.lstat().st_mode & 0o077
    ]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_what_auralis_writes_is_readable_by_its_user_only(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    old_umask = os.umask(0o022)  # what a desktop session usually has
    try:
        added = run_cli("patients", "add", "Rosalind Pettigrew")
        assert added.returncode == 0, added.stderr
        assert run_cli("db", "backup").returncode == 0
    finally:
        os.umask(old_umask)
    folders = [auralis_home / name for name in ("data", "config", "logs", "cache")]
    assert (auralis_home / "data" / "backups").is_dir() and (auralis_home / "logs").is_dir()
    for folder in folders:
        if folder.exists():
            assert _loose_modes(folder) == [], folder


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_folders_left_readable_by_others_are_tightened(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    assert run_cli("patients", "add", "Rosalind Pettigrew").returncode == 0
    data = auralis_home / "data"
    os.chmod(data, 0o755)
    os.chmod(data / "auralis.db", 0o644)
    (auralis_home / "logs").chmod(0o777)
    listed = run_cli("patients", "list")
    assert listed.returncode == 0, listed.stderr
    assert _loose_modes(data) == []
    assert _loose_modes(auralis_home / "logs") == []


def test_sqlcipher_wipes_the_memory_it_frees_for_an_encrypted_database(tmp_path: Path) -> None:
    """Key material and decrypted pages live in SQLCipher's memory, not Python's: with
    its memory security on, SQLCipher locks that memory (no swap where the limit allows)
    and zeroes it when freed. Python's own strings cannot be wiped (see app.hardening)."""
    from core.store.connection import DatabaseKey, connect

    db = connect(tmp_path / "wiped.db", key=DatabaseKey.passphrase("a passphrase for this"))
    try:
        assert db.execute("PRAGMA cipher_memory_security").fetchone()[0] in (1, "1")
    finally:
        db.close()
