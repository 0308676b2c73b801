"""``auralis db restore`` while a window has the data folder open: the window keeps its
connection to the file it opened, so a restore that swapped the file underneath it would
send every later edit into the replaced file, lost without a word. The restore must be
refused, naming the window's process, and the window's edits must stay in the database.

The "window" is a real process that takes the window's single-instance lock and holds a
store connection, as ``ui.launch`` does (``restore_faults.WINDOW``).
"""

import harness
import restore_faults
from conftest import CliRunner


def test_restore_while_window_open_loses_no_edit(run_cli: CliRunner) -> None:
    home = harness.FaultHome(run_cli.env())
    harness.setup(home)
    outcome = restore_faults.restore_beside_open_window(home)
    assert outcome.problems == []
    assert outcome.refused
