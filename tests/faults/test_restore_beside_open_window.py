"""``auralis db restore`` while a window has the data folder open: the window keeps its
connection to the file it opened, so a restore that swapped the file underneath it would
send every later edit into the replaced file, lost without a word. The restore must be
refused, naming the window's process, and the window's edits must stay in the database.

The "window" here is a real process that takes the window's single-instance lock and
holds a store connection, as ``ui.launch`` does, and writes when told to.
"""

import subprocess
import sys
import textwrap

import harness
from conftest import CliRunner

from core.store.backup import list_backups
from core.store.patients import list_patients

WINDOW = textwrap.dedent(
    """
    import sys
    from app.paths import AppPaths
    from core.store import open_store
    from core.store.connection import DatabaseKey
    from core.store.patients import create_patient
    from ui.instance_lock import acquire_instance_lock
    import os
    paths = AppPaths.resolve(None)
    lock = acquire_instance_lock(paths.data_dir)
    db = open_store(paths.database, key=DatabaseKey.passphrase(os.environ["AURALIS_DB_KEY"]))
    print("held" if lock else "refused", flush=True)
    for line in sys.stdin:
        create_patient(db, line.strip())
        print("written", flush=True)
    """
)


def test_restore_while_window_open_loses_no_edit(run_cli: CliRunner) -> None:
    home = harness.FaultHome(run_cli.env())
    harness.setup(home)
    backup = home.cli("db", "backup")
    assert backup.returncode == 0, backup.stderr
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
        assert window.stdout.readline().strip() == "held"
        restore = home.cli("db", "restore", str(newest), "--yes")
        window.stdin.write("Edited after the restore\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "written"  # acknowledged to the user
    finally:
        window.stdin.close()
        window.wait(timeout=harness.PROCESS_TIMEOUT_S)
        window.stdout.close()
    with home.open() as db:
        names = [patient.display_name for patient in list_patients(db)]
    assert "Edited after the restore" in names
    assert restore.returncode != 0
    assert f"process {window.pid}" in restore.stderr
    assert "Nothing was changed" in restore.stderr
