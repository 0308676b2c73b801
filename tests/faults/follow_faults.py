"""``or follow`` while its transcript is rotated or truncated, shared by ``tests/faults``
and ``bench/faults.py``: a real ``auralis or follow --record`` process reads a file that
is appended to, renamed away and replaced (logrotate's way), or truncated in place
("copytruncate"), and the case must then hold every segment written, once, in order.

Every wait is on the follower's own output (one state per final segment, one line when
it notices a rotation or a truncation), bounded by ``harness.PROCESS_TIMEOUT_S``.
"""

import json
import queue
import random
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

import harness

from core.store.orcases import case_segments, list_cases

FOLLOW = ("or", "follow")
FOLLOW_OPTIONS = ("--surgery", "pcnl", "--engine", "rules", "--record", "--idle-exit", "600")
ACTIONS = ("append", "rotate", "truncate")


class Follower:
    """``auralis or follow --record FILE`` in a real process, its stdout (one JSON state
    per final segment) and stderr (notes, warnings) read line by line."""

    def __init__(self, home: harness.FaultHome, path: Path) -> None:
        self.process = home.popen([str(harness.MAIN), *FOLLOW, str(path), *FOLLOW_OPTIONS])
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

    def next_state(self) -> dict[str, object]:
        """The next state printed (raises ``queue.Empty`` when none comes in time)."""
        return self.states.get(timeout=harness.PROCESS_TIMEOUT_S)

    def next_phase(self) -> object:
        metadata = self.next_state()["metadata"]
        assert isinstance(metadata, dict)
        return metadata["phase"]

    def note_with(self, words: str) -> list[str]:
        """The stderr lines up to the first that holds ``words``."""
        seen: list[str] = []
        while not seen or words not in seen[-1]:
            seen.append(self.notes.get(timeout=harness.PROCESS_TIMEOUT_S))
        return seen

    def stop(self) -> int:
        """Interrupt it (Ctrl+C), as a person ends a follow; its exit status."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(harness.PROCESS_TIMEOUT_S)
        for pump in self.pumps:  # they end with the process's output
            pump.join(harness.PROCESS_TIMEOUT_S)
        for stream in self.streams:
            stream.close()
        return code


def _segments(start: int, count: int) -> list[harness.OrLine]:
    phrases = harness.OR_PHRASES
    return [
        (float(i), "surgeon", f"{phrases[i % len(phrases)]} ({i})", True)
        for i in range(start, start + count)
    ]


def _jsonl(segments: list[harness.OrLine]) -> str:
    return "".join(
        json.dumps({"t": t, "speaker": who, "text": text}) + "\n" for t, who, text, _ in segments
    )


def follow_rotation_problems(
    home: harness.FaultHome, workdir: Path, rng: random.Random, rounds: int = 6
) -> list[str]:
    """``rounds`` random appends, rotations and truncations under one ``or follow
    --record``; the problems found: a segment lost, doubled or out of order, a rotation or
    truncation not said, a bad exit. An empty list when nothing was lost."""
    live = workdir / "live.jsonl"
    written = _segments(0, 2)
    live.write_text(_jsonl(written), encoding="utf-8")
    follower = Follower(home, live)
    problems: list[str] = []
    try:
        for _ in written:
            follower.next_state()
        for round_number in range(rounds):
            action = rng.choice(ACTIONS)
            batch = _segments(len(written), rng.randint(1, 3))
            if action == "rotate":
                live.rename(workdir / f"live.jsonl.{round_number}")
                live.write_text(_jsonl(batch), encoding="utf-8")
            else:
                if action == "truncate":
                    live.write_text("", encoding="utf-8")
                    follower.note_with("was truncated")  # else it cannot tell, as tail -F
                with live.open("a", encoding="utf-8") as handle:
                    handle.write(_jsonl(batch))
            written += batch
            for _ in batch:
                follower.next_state()
            if action == "rotate":
                follower.note_with("was replaced")
    except queue.Empty:
        problems.append(f"or follow stopped answering after {len(written)} segments")
    finally:
        code = follower.stop()
    if code not in (0, 130):  # 130: ended by Ctrl+C, as a person ends it
        problems.append(f"or follow ended with status {code}")
    with home.open() as db:
        case_id = max(case.id for case in list_cases(db))
        recorded = [tuple(s) for s in case_segments(db, case_id)]
    if recorded != written:
        missing = len([s for s in written if s not in recorded])
        problems.append(
            f"the case holds {len(recorded)} segments, {missing} of the {len(written)} "
            "written are missing (or some are doubled or out of order)"
        )
    return problems
