"""Fault cycles around the database as a whole, shared by ``tests/faults`` and
``bench/faults.py``: a restore beside an open window, a restore killed at every file
operation, an open on a full disk. Real processes on real files, like ``harness``; each
returns the problems it found (an empty list when nothing was lost or misreported).
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness

from core.store.backup import list_backups

# A stand-in for the window: it takes the window's single-instance lock and holds a
# store connection, as ui.launch does, and adds a patient for each line it reads.
WINDOW = textwrap.dedent(
    """
    import os, sys
    from app.paths import AppPaths
    from core.store import open_store
    from core.store.connection import DatabaseKey
    from core.store.patients import create_patient
    from ui.instance_lock import acquire_instance_lock
    paths = AppPaths.resolve(None)
    lock = acquire_instance_lock(paths.data_dir)
    db = open_store(paths.database, key=DatabaseKey.passphrase(os.environ["AURALIS_DB_KEY"]))
    print("held" if lock else "refused", flush=True)
    for line in sys.stdin:
        create_patient(db, line.strip())
        print("written", flush=True)
    """
)

# ``python -c KILL_AT_NTH_FILE_OPERATION N ARGS``: main.py ARGS, SIGKILLed right after
# its N-th rename, link or unlink of a file named after the database in AURALIS_HOME.
KILL_AT_NTH_FILE_OPERATION = textwrap.dedent(
    """
    import os, signal, sys

    nth = int(sys.argv[1])
    home = os.environ["AURALIS_HOME"]
    seen = 0


    def counted(name):
        original = getattr(os, name)

        def operation(*args, **kwargs):
            global seen
            result = original(*args, **kwargs)
            if any(str(arg).startswith(home) and "auralis.db" in str(arg) for arg in args):
                seen += 1
                if seen == nth:
                    os.kill(os.getpid(), signal.SIGKILL)
            return result

        setattr(os, name, operation)


    for name in ("replace", "rename", "link", "unlink"):
        counted(name)
    from main import main

    sys.exit(main(sys.argv[2:]))
    """
)

MAX_CRASH_POINTS = 30
AFTER_RESTORE = "Edited after the restore"


def patient_names(home: harness.FaultHome) -> list[str] | str:
    """The patients as ``patients list`` shows them (sorted), or why it refused."""
    listed = home.cli("patients", "list", "--json")
    if listed.returncode != 0:
        return f"refused: {harness.error_lines(listed.stderr)[:1]}"
    return sorted(patient["display_name"] for patient in json.loads(listed.stdout))


@dataclass
class RestoreBesideWindowOutcome:
    problems: list[str]
    refused: bool  # the restore was refused (naming the window's process)


def restore_beside_open_window(home: harness.FaultHome) -> RestoreBesideWindowOutcome:
    """``db restore --yes`` while a window holds the data folder, then the window saves an
    edit (acknowledged): the edit must be in the database afterwards."""
    problems = []
    if home.cli("db", "backup").returncode != 0:
        return RestoreBesideWindowOutcome(["db backup failed"], False)
    newest = list_backups(home.paths.backup_dir)[0]
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=home.env,
        cwd=harness.REPO_ROOT,
    )
    assert window.stdin is not None and window.stdout is not None
    try:
        if window.stdout.readline().strip() != "held":
            return RestoreBesideWindowOutcome(["the window did not get the lock"], False)
        restore = home.cli("db", "restore", str(newest), "--yes")
        window.stdin.write(AFTER_RESTORE + "\n")
        window.stdin.flush()
        if window.stdout.readline().strip() != "written":
            problems.append("the window's edit was not acknowledged")
    finally:
        window.stdin.close()
        window.wait(timeout=harness.PROCESS_TIMEOUT_S)
        window.stdout.close()
    names = patient_names(home)
    if AFTER_RESTORE not in names:
        problems.append("an edit acknowledged after the restore was lost")
    refused = restore.returncode != 0
    if refused and f"process {window.pid}" not in restore.stderr:
        problems.append("the refusal does not name the window's process")
    return RestoreBesideWindowOutcome(problems, refused)


@dataclass
class RestoreCrashOutcome:
    problems: list[str]
    crash_points: int  # file operations at which a restore was killed


def restore_crash_cycles(template: harness.FaultHome, workdir: Path) -> RestoreCrashOutcome:
    """Kill ``db restore`` of ``template``'s oldest backup right after each of its file
    operations in turn (on a fresh copy of ``template``'s home each time): the next
    command finds the database as it was or as a finished restore leaves it, never
    missing, empty or refused, and the replaced file is kept once the backup is in."""
    before = patient_names(template)
    backup = list_backups(template.paths.backup_dir)[-1]
    relative = backup.relative_to(template.env["AURALIS_HOME"])
    problems: list[str] = []
    after_kill: dict[int, list[str] | str] = {}
    for nth in range(1, MAX_CRASH_POINTS):
        folder = workdir / f"crash-{nth}"
        shutil.copytree(template.env["AURALIS_HOME"], folder)
        home = harness.FaultHome({**template.env, "AURALIS_HOME": str(folder)})
        argv = ["db", "restore", str(folder / relative), "--yes"]
        run = home.python("-c", KILL_AT_NTH_FILE_OPERATION, str(nth), *argv)
        names = patient_names(home)
        if run.returncode == -9:
            kept = list(home.paths.data_dir.glob("auralis.db.replaced-*"))
            if names != before and not kept:
                problems.append(f"killed at file operation {nth}: the replaced file is gone")
            after_kill[nth] = names
            continue
        if run.returncode != 0 or names == before:
            problems.append(f"the restore did not finish: {harness.error_lines(run.stderr)[:1]}")
        for point, seen in after_kill.items():
            if seen not in (before, names):
                problems.append(f"killed at file operation {point}, the next start saw {seen}")
        return RestoreCrashOutcome(problems, nth - 1)
    return RestoreCrashOutcome([*problems, "the restore never finished"], MAX_CRASH_POINTS)


def full_disk_open(home: harness.FaultHome) -> list[str]:
    """``db check`` on a healthy database with a full disk (no room for the 32 KB index
    beside it): refused as unreadable now, never as damaged with a backup to restore;
    the file untouched; and with room again the check passes."""
    problems = []
    database = home.paths.database
    before = harness.sha256(database)
    checked = home.cli("db", "check", preexec_fn=harness.limit_file_size(20_000))
    message = " ".join(harness.error_lines(checked.stderr))
    if checked.returncode == 0:
        problems.append("db check passed with no room for its index")
    if "failed its integrity check" in message or "db restore" in message:
        problems.append("a healthy database on a full disk was reported damaged")
    if "cannot be read right now" not in message:
        problems.append("the message does not say the database cannot be read right now")
    if harness.sha256(database) != before:
        problems.append("the database was changed")
    if home.cli("db", "check").returncode != 0:
        problems.append("db check failed with room again")
    return problems


@contextlib.contextmanager
def read_only_view(folder: Path, scratch: Path) -> Iterator[Path | None]:
    """``folder`` as a read-only folder (None where this machine cannot make one). Its own
    mode is taken away for a normal user; root ignores modes, so for root it is a
    read-only bind mount at ``scratch`` (where the kernel allows mounting)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    scratch.mkdir(parents=True, exist_ok=True)

    def mount(*args: str) -> bool:
        done = subprocess.run(["mount", *args], capture_output=True, check=False)
        return done.returncode == 0

    if not shutil.which("mount") or not mount("--bind", str(folder), str(scratch)):
        yield None
        return
    try:
        yield scratch if mount("-o", "remount,ro,bind", str(scratch)) else None
    finally:
        subprocess.run(["umount", str(scratch)], capture_output=True, check=False)
