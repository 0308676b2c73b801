"""``auralis db restore`` killed (SIGKILL) between any two of its file operations: the
next start finds either the database as it was or the restored backup, complete, never
a missing or empty database that opens without complaint; and the file replaced is kept.

The command line runs in a real process whose ``os`` file operations on the database's
files are counted; at the N-th, right after it, the process kills itself with SIGKILL. N
runs from 1 until a restore completes without reaching it, so every crash point is tried
(``restore_faults.restore_crash_cycles``, which the benchmark runs too).
"""

from pathlib import Path

import harness
import restore_faults
from conftest import CliRunner


def test_restore_killed_between_renames_never_leaves_an_empty_database(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    template = harness.FaultHome(run_cli.env())
    assert template.cli("patients", "add", "In the backup").returncode == 0
    assert template.cli("db", "backup").returncode == 0
    assert template.cli("patients", "add", "After the backup").returncode == 0
    outcome = restore_faults.restore_crash_cycles(template, tmp_path)
    assert outcome.problems == []
    # Not vacuous: the journal, the link aside, the log's removal and the swap were each
    # interrupted (once the journal is written, the next opener finishes the restore).
    assert outcome.crash_points >= 4
