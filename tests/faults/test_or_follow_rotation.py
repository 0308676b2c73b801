"""``or follow`` and ``or follow --resume`` lose no segment to a hostile time or to a
rotated or truncated transcript file.

A time of 1e308 (or any implausible one) is reported with its line number and skipped;
on resume, the segments the case already holds are recognised one by one, so a far-off
time recorded earlier cannot make every later segment look "already recorded". A file
that is truncated or replaced (rotated) while it is followed is noticed, said in one
line, and followed again from its start, as ``tail -F`` does.
"""

import json
import random
from pathlib import Path

import follow_faults
import harness
import pytest
from conftest import CliRunner
from sqlite_utils import Database

from app.settings import OperatingRoomSettings
from app.usecases.orcases import case_segments, resume_case, start_case
from core.orstate.surgeries import get_surgery

LINES = [
    {"t": 0, "speaker": "nurse", "text": "patient is in the room, starting the time-out"},
    {"t": 30, "speaker": "anesthetist", "text": "induction now, turn on the ventilator"},
    {"t": 95, "speaker": "surgeon", "text": "needle access, fire up the c-arm"},
    {"t": 200, "speaker": "surgeon", "text": "start the lithotripter and the irrigation"},
]


def _jsonl(*items: object) -> str:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in items)


def _recorded_times(run_cli: CliRunner, case_id: int = 1) -> list[float]:
    shown = run_cli("or", "cases", "show", str(case_id), "--json")
    assert shown.returncode == 0, shown.stderr
    return [entry["t"] for entry in json.loads(shown.stdout) if "text" in entry]


def test_resume_after_a_huge_time_keeps_every_later_segment(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    live = tmp_path / "live.jsonl"
    huge = '{"t": 1e308, "speaker": "surgeon", "text": "suction on"}'
    live.write_text(_jsonl(LINES[0], huge, LINES[1]))
    first = run_cli(
        "or", "replay", str(live), "--surgery", "pcnl", "--fast", "--engine", "rules", "--record"
    )
    assert first.returncode == 0, first.stderr
    assert "line 2:" in first.stderr  # the bad time, by its line number
    live.write_text(_jsonl(LINES[0], huge, *LINES[1:]))  # the recogniser's file grew
    resumed = run_cli(
        "or", "follow", str(live), "--resume", "1", "--engine", "rules", "--idle-exit", "0.5"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "line 2:" in resumed.stderr
    assert _recorded_times(run_cli) == [0, 30, 95, 200]


def test_resume_keeps_segments_earlier_than_a_far_off_recorded_one(
    fresh_db: Database,
) -> None:
    """A plausible but far-off time (a recogniser's clock jump) is recorded; after a
    restart, the segments that come after it in the file are new, whatever their time."""
    pcnl = get_surgery("pcnl")
    room = OperatingRoomSettings()
    jump = (5000.0, "surgeon", "suction on", True)
    first = start_case(lambda: fresh_db, pcnl, room, use_model=False, model_timeout_s=60)
    for line in LINES[:2]:
        first.feed(float(line["t"]), str(line["speaker"]), str(line["text"]), True)
    first.feed(*jump)
    case_id = 1  # ... and the process was killed here
    again = resume_case(lambda: fresh_db, case_id, pcnl, room, use_model=False, model_timeout_s=60)
    fed = [(float(x["t"]), str(x["speaker"]), str(x["text"]), True) for x in LINES[:2]]
    fed += [jump] + [(float(x["t"]), str(x["speaker"]), str(x["text"]), True) for x in LINES[2:]]
    for segment in fed:  # the whole file again, from its start
        again.feed(*segment)
    again.end()
    assert again.skipped == 3
    assert [s[0] for s in case_segments(fresh_db, case_id)] == [0.0, 30.0, 95.0, 200.0, 5000.0]


def test_follow_goes_on_after_the_file_is_rotated_or_truncated(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    live = tmp_path / "live.jsonl"
    live.write_text(_jsonl(LINES[0]))
    follower = follow_faults.Follower(harness.FaultHome(run_cli.env()), live)
    try:
        assert follower.next_phase() == "Phase1"
        live.rename(tmp_path / "live.jsonl.1")  # rotated, as logrotate does
        live.write_text(_jsonl("not json", LINES[1]))
        assert follower.next_phase() == "Phase2"
        notes = follower.note_with("line 1:")  # the new file's own line numbers
        assert any("replaced" in note and str(live) in note for note in notes), notes
        live.write_text("")  # truncated ("copytruncate")
        assert any("truncated" in n for n in follower.note_with("truncated"))
        with live.open("a") as handle:
            handle.write(_jsonl(LINES[2]))
        assert follower.next_phase() == "Phase3"
    finally:
        code = follower.stop()
    assert code in (0, 130)
    assert _recorded_times(run_cli) == [0, 30, 95]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_follow_loses_no_segment_to_random_rotations_and_truncations(
    run_cli: CliRunner, tmp_path: Path, seed: int
) -> None:
    home = harness.FaultHome(run_cli.env())
    problems = follow_faults.follow_rotation_problems(home, tmp_path, random.Random(seed))
    assert problems == []
