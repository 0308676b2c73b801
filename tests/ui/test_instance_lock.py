"""One window per data folder: a second start is refused and names the first; a lock
left by a process that died is taken over."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO_ROOT, CliRunner

from app.paths import AppPaths
from ui.instance_lock import LOCK_NAME, acquire_instance_lock

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ui.instance_lock import acquire_instance_lock
    lock = acquire_instance_lock(Path(sys.argv[1]))
    print("held" if lock else "refused", flush=True)
    time.sleep(60)
    """
)


def _holder(data_dir: Path, repo: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _end(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()


def test_a_second_window_on_the_same_data_is_refused(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    data_dir = AppPaths.resolve(auralis_home).data_dir
    holder = _holder(data_dir, REPO_ROOT)
    try:
        second = run_cli(QT_QPA_PLATFORM="offscreen")
        assert second.returncode == 3
        assert "already open" in second.stderr and f"process {holder.pid}" in second.stderr
        assert not (data_dir / "auralis.db").exists()  # it never touched the database
        assert acquire_instance_lock(data_dir) is None
        elsewhere = acquire_instance_lock(auralis_home / "other")
        assert elsewhere is not None  # another data folder is another lock
        elsewhere.unlock()
    finally:
        _end(holder)


def test_the_lock_of_a_process_that_died_is_taken_over(auralis_home: Path) -> None:
    data_dir = AppPaths.resolve(auralis_home).data_dir
    holder = _holder(data_dir, REPO_ROOT)
    holder.send_signal(signal.SIGKILL)  # a crash: the lock file stays behind
    _end(holder)
    assert (data_dir / LOCK_NAME).exists()
    lock = acquire_instance_lock(data_dir)
    assert lock is not None
    lock.unlock()


HOLD_AS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.instance_lock import acquire_instance_lock
    lock = acquire_instance_lock(Path(sys.argv[1]), "a restore of the database")
    print("held" if lock else "refused", flush=True)
    time.sleep(60)
    """
)


def test_a_window_is_refused_while_a_restore_holds_the_folder(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    data_dir = AppPaths.resolve(auralis_home).data_dir
    data_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AS, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        window = run_cli(QT_QPA_PLATFORM="offscreen")
        assert window.returncode == 3
        assert f"a restore of the database (process {holder.pid}" in window.stderr
        # and the command line's restore sees it as well
        restore = run_cli("db", "restore", str(data_dir / "backups" / "any.db"), "--yes")
        assert restore.returncode != 0 and f"process {holder.pid}" in restore.stderr
    finally:
        _end(holder)
