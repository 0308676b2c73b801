"""kill -9 at random moments (seeded): nothing acknowledged is ever lost.

The writer script saves autosaves and operating-room segments in a loop and says so
after each commit; it is SIGKILLed at a random moment (a fifth of the time before the
store is even open: during the integrity check, WAL recovery or the start-up backup).
The real command line (``notes edit``, ``or replay --resume``) is killed the same way.
After every kill the database passes ``integrity_check``, holds every acknowledged write
with its text, the newest acknowledged autosave is the session's current note, and every
note version and its audit entry are both there or both absent (they are one
transaction).
"""

import random
from pathlib import Path

import harness
import pytest
from conftest import CliRunner

WRITER_CYCLES = 25
CLI_EDIT_CYCLES = 4
CLI_OR_CYCLES = 3
OR_SEGMENTS = 3000


@pytest.fixture
def fault_home(run_cli: CliRunner) -> harness.FaultHome:
    return harness.FaultHome(run_cli.env())


def test_the_writer_killed_at_random_moments_loses_no_acknowledged_write(
    fault_home: harness.FaultHome,
) -> None:
    ledger = harness.setup(fault_home)
    rng = random.Random(8)
    outcomes = [harness.writer_kill_cycle(fault_home, ledger, rng, c) for c in range(WRITER_CYCLES)]
    problems = [problem for outcome in outcomes for problem in outcome.problems]
    with fault_home.open() as db:
        problems += harness.check_record(db, ledger)  # every text, once more, at the end
    problems += harness.backups_sound(fault_home)
    assert problems == []
    # Not vacuous: most cycles were killed after some acknowledged writes.
    assert sum(1 for outcome in outcomes if outcome.acked) >= WRITER_CYCLES // 2
    assert all(outcome.killed for outcome in outcomes)


def test_notes_edit_killed_at_random_moments(fault_home: harness.FaultHome, tmp_path: Path) -> None:
    ledger = harness.setup(fault_home)
    harness.grow(fault_home, ledger, 20)  # the session has a current note to replace
    rng = random.Random(9)
    problems = []
    for cycle in range(CLI_EDIT_CYCLES):
        problems += harness.cli_edit_kill_cycle(fault_home, ledger, rng, cycle, tmp_path).problems
    assert problems == []


def test_or_replay_killed_and_resumed_records_every_segment_once(
    fault_home: harness.FaultHome, tmp_path: Path
) -> None:
    ledger = harness.setup(fault_home)
    transcript = tmp_path / "case.jsonl"
    expected = harness.write_or_transcript(transcript, OR_SEGMENTS)
    rng = random.Random(10)
    problems = []
    for cycle in range(CLI_OR_CYCLES):
        cycle_problems = harness.cli_or_kill_cycle(
            fault_home, ledger, rng, cycle, transcript, expected
        ).problems
        problems += cycle_problems
    problems += harness.cli_or_finish(fault_home, ledger, transcript, expected)
    assert problems == []
