"""A change and its audit entry are one transaction, proved with a real kill -9 at the
worst moments of an autosave: after the change and before its entry, after the entry
and before the trail's anchor, after the anchor and before the COMMIT, after the COMMIT
and before the anchor is confirmed; and a restore killed after the swap, before its own
audit entry.

After each kill the database passes its integrity check, every note version has its
audit entry and no entry names a version that is not there, the killed save left
nothing, and ``audit verify`` says the trail is intact (a kill after the anchor is
written is reported as a change that was not committed, never as tampering). A save
that then goes through brings the anchor back in step.
"""

import random
import signal
import subprocess
from pathlib import Path

import harness
import pytest
from conftest import CliRunner

from app.usecases.audit_trail import verify_audit
from core.store.backup import list_backups

KILLER = Path(__file__).with_name("audit_kill_writer.py")
RESTORE_KILLER = Path(__file__).with_name("audit_kill_restore.py")
MOMENTS = ("after_change", "after_entry", "after_anchor")
RANDOM_CYCLES = 12


@pytest.fixture
def fault_home(run_cli: CliRunner) -> harness.FaultHome:
    return harness.FaultHome(run_cli.env())


def _save(
    home: harness.FaultHome, session: int, at: str, tag: str, *extra: str
) -> "subprocess.CompletedProcess[str]":
    return home.python(str(KILLER), "--session", str(session), "--at", at, "--tag", tag, *extra)


def _counts(home: harness.FaultHome) -> tuple[int, int]:
    with home.open() as db:
        versions = db.execute("SELECT count(*) FROM note_versions").fetchone()[0]
        entries = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return int(versions), int(entries)


def test_a_kill_right_after_the_commit_keeps_the_change_its_entry_and_a_sound_anchor(
    fault_home: harness.FaultHome,
) -> None:
    ledger = harness.setup(fault_home)
    assert _save(fault_home, ledger.session_id, "never", "before").returncode == 0
    versions, entries = _counts(fault_home)
    killed = _save(fault_home, ledger.session_id, "after_commit", "killed")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert _counts(fault_home) == (versions + 1, entries + 1)  # both, committed together
    with fault_home.open() as db:
        assert harness.audit_problems(db) == []
        report = verify_audit(db)
    assert report.intact and report.notes == [], (report.problems, report.notes)


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_kill_inside_an_autosave_leaves_no_change_without_its_audit_entry(
    fault_home: harness.FaultHome, moment: str
) -> None:
    ledger = harness.setup(fault_home)
    first = _save(fault_home, ledger.session_id, "never", "before")
    assert first.returncode == 0, first.stderr[-2000:]
    before = _counts(fault_home)

    killed = _save(fault_home, ledger.session_id, moment, "killed")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]  # it died there
    assert fault_home.integrity() == []
    assert _counts(fault_home) == before  # neither the change nor its entry
    with fault_home.open() as db:
        assert harness.audit_problems(db) == []
        report = verify_audit(db)
    assert report.intact, report.problems
    pending = [note for note in report.notes if "not committed" in note]
    assert bool(pending) == (moment == "after_anchor"), report.notes

    again = _save(fault_home, ledger.session_id, "never", "after")
    assert again.returncode == 0, again.stderr[-2000:]
    with fault_home.open() as db:
        assert harness.audit_problems(db) == []
        report = verify_audit(db)
        versions = db.execute("SELECT count(*) FROM note_versions").fetchone()[0]
    assert report.intact and report.notes == [], (report.problems, report.notes)
    assert versions == before[0] + 1


def test_the_check_finds_a_change_committed_apart_from_its_entry(
    fault_home: harness.FaultHome,
) -> None:
    # Not vacuous: were the change committed on its own, the same kill leaves it unaudited.
    ledger = harness.setup(fault_home)
    killed = _save(fault_home, ledger.session_id, "after_change", "split", "--split")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    with fault_home.open() as db:
        problems = harness.audit_problems(db)
    assert problems and "has no audit entry" in problems[0]


def test_the_writer_killed_at_random_moments_never_reads_as_tampering(
    fault_home: harness.FaultHome,
) -> None:
    ledger = harness.setup(fault_home)
    rng = random.Random(21)
    problems: list[str] = []
    for cycle in range(RANDOM_CYCLES):
        problems += harness.writer_kill_cycle(fault_home, ledger, rng, cycle).problems
        with fault_home.open() as db:
            report = verify_audit(db)
        problems += [f"cycle {cycle}: {problem}" for problem in report.problems]
    assert problems == []
    with fault_home.open() as db:
        assert verify_audit(db).entries >= 1  # not vacuous: the writer got to save


def test_a_restore_killed_before_its_audit_entry_reads_as_a_restore_not_tampering(
    fault_home: harness.FaultHome,
) -> None:
    ledger = harness.setup(fault_home)
    assert _save(fault_home, ledger.session_id, "never", "before").returncode == 0
    backed = fault_home.cli("db", "backup")
    assert backed.returncode == 0, backed.stderr[-2000:]
    backup = list_backups(fault_home.paths.backup_dir)[0]
    for tag in ("after-1", "after-2"):
        assert _save(fault_home, ledger.session_id, "never", tag).returncode == 0
    killed = fault_home.python(str(RESTORE_KILLER), str(backup))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    verify = fault_home.cli("audit", "verify")  # the next opener, as a person would
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"from {backup.name}" in verify.stdout and "interrupted" in verify.stdout
    assert "3 entries made after that backup" in verify.stdout  # its own and two saves
    assert _save(fault_home, ledger.session_id, "never", "later").returncode == 0
    again = fault_home.cli("audit", "verify")
    assert again.returncode == 0 and f"from {backup.name}" in again.stdout, again.stdout
