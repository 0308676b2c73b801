"""``or follow`` and ``or follow --resume`` lose no segment to a hostile time or to a
rotated or truncated transcript file.

A time of 1e308 (or any implausible one) is reported with its line number and skipped;
on resume, the segments the case already holds are recognised one by one, so a far-off
time recorded earlier cannot make every later segment look "already recorded". A file
that is truncated or replaced (rotated) while it is followed is noticed, said in one
line, and followed again from its start, as ``tail -F`` does.
"""

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from conftest import REPO_ROOT, CliRunner
from sqlite_utils import Database

from app.settings import OperatingRoomSettings
from app.usecases.orcases import case_segments, resume_case, start_case
from core.orstate.surgeries import get_surgery

FOLLOW = ("--surgery", "pcnl", "--engine", "rules", "--record", "--idle-exit", "600")
PROCESS_TIMEOUT_S = 120.0  # each step takes well under a second; a lost line waits forever
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


class _Follower:
    """``auralis or follow`` in a real process, its stdout and stderr read line by line."""

    def __init__(self, run_cli: CliRunner, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "main.py"), "or", "follow", str(path), *FOLLOW],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=run_cli.env(),
            cwd=REPO_ROOT,
        )
        self.states: queue.Queue[dict[str, object]] = queue.Queue()
        self.notes: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None and self.process.stderr is not None
        self.streams = (self.process.stdout, self.process.stderr)
        self.pumps = [
            self._read(self.process.stdout, lambda line: self.states.put(json.loads(line))),
            self._read(self.process.stderr, self.notes.put),
        ]

    @staticmethod
    def _read(stream: IO[str], put: Callable[[str], object]) -> threading.Thread:
        def pump() -> None:
            for line in stream:
                put(line.rstrip("\n"))

        thread = threading.Thread(target=pump, daemon=True)
        thread.start()
        return thread

    def next_phase(self) -> object:
        """The phase of the next state printed (one per final segment)."""
        metadata = self.states.get(timeout=PROCESS_TIMEOUT_S)["metadata"]
        assert isinstance(metadata, dict)
        return metadata["phase"]

    def note_with(self, words: str) -> list[str]:
        """The stderr lines up to the first that holds ``words``."""
        seen: list[str] = []
        while not seen or words not in seen[-1]:
            seen.append(self.notes.get(timeout=PROCESS_TIMEOUT_S))
        return seen

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(PROCESS_TIMEOUT_S)
        for pump in self.pumps:  # they end with the process's output
            pump.join(PROCESS_TIMEOUT_S)
        for stream in self.streams:
            stream.close()
        return code


def test_follow_goes_on_after_the_file_is_rotated_or_truncated(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    live = tmp_path / "live.jsonl"
    live.write_text(_jsonl(LINES[0]))
    follower = _Follower(run_cli, live)
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
