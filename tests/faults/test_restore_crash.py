"""``auralis db restore`` killed (SIGKILL) between any two of its file operations: the
next start finds either the database as it was or the restored backup, complete, never
a missing or empty database that opens without complaint; and the file replaced is kept.

The command line runs in a real process whose ``os`` file operations in the data folder
are counted; at the N-th, right after it, the process kills itself with SIGKILL. N runs
from 1 until a restore completes without reaching it, so every crash point is tried.
"""

import json
import shutil
from pathlib import Path

import harness
from conftest import CliRunner

KILL_AT_NTH_FILE_OPERATION = """
import os, signal, sys
from pathlib import Path

nth = int(sys.argv[1])
data_dir = os.environ["AURALIS_HOME"]
seen = 0


def counted(name):
    original = getattr(os, name)

    def operation(*args, **kwargs):
        global seen
        result = original(*args, **kwargs)
        if any(str(arg).startswith(data_dir) and "auralis.db" in str(arg) for arg in args):
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


def _names(home: harness.FaultHome) -> list[str] | str:
    listed = home.cli("patients", "list", "--json")
    if listed.returncode != 0:
        return f"refused: {harness.error_lines(listed.stderr)[:1]}"
    return sorted(patient["display_name"] for patient in json.loads(listed.stdout))


def test_restore_killed_between_renames_never_leaves_an_empty_database(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    template = harness.FaultHome(run_cli.env())
    assert template.cli("patients", "add", "In the backup").returncode == 0
    assert template.cli("db", "backup").returncode == 0
    assert template.cli("patients", "add", "After the backup").returncode == 0
    before = _names(template)
    backup_name = next(template.paths.backup_dir.iterdir()).name
    restored = ["In the backup"]
    for nth in range(1, 30):
        folder = tmp_path / f"crash-{nth}"
        shutil.copytree(template.env["AURALIS_HOME"], folder)
        home = harness.FaultHome({**template.env, "AURALIS_HOME": str(folder)})
        backup = home.paths.backup_dir / backup_name
        run = home.python(
            "-c", KILL_AT_NTH_FILE_OPERATION, str(nth), "db", "restore", str(backup), "--yes"
        )
        killed = run.returncode == -9
        names = _names(home)
        assert names in (before, restored), f"killed at file operation {nth}: {names}"
        kept = list(home.paths.data_dir.glob("auralis.db.replaced-*"))
        if names == restored:
            assert kept, f"killed at file operation {nth}: the replaced file was not kept"
        if not killed:
            assert run.returncode == 0, run.stderr
            assert names == restored
            break
    else:
        raise AssertionError("the restore never finished")
    # Not vacuous: the journal, the link aside, the WAL's move and the swap were each
    # interrupted (once the journal is written, the next opener finishes the restore).
    assert nth >= 4
