"""Feeding a live operating-room case from the command line: segments from JSON lines
(a file, or one still being written), states printed and, with ``--record``, stored.

Threading: the command's thread feeds the case driver and prints; with a model, one
plain thread serves the job queue, and its answers come back through a queue.Queue that
the feeding thread drains between segments.
"""

import io
import json
import os
import queue
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from app.cli.context import CliContext
from core.llm.engine import Engine
from core.llm.jobs import JobQueue, JobSink
from core.orstate.driver import CaseDriver, ModelUpdate, StateUpdate
from core.orstate.segments import Segment, bad_line_message, parse_segment_line

# Malformed lines named one by one; after that, only their count at the end.
NAMED_BAD_LINES = 10


def read_segments(lines: Iterator[tuple[int, str]], ctx: CliContext) -> Iterator[Segment]:
    """Valid segments from numbered JSON lines; a malformed line is reported and skipped
    (the first few by number, then how many there were in all)."""
    skipped = 0
    for number, line in lines:
        try:
            segment = parse_segment_line(line)
        except ValueError:
            skipped += 1
            if skipped <= NAMED_BAD_LINES:
                ctx.warn(bad_line_message(number))
            continue
        if segment is not None:
            yield segment
    if skipped:
        ctx.warn(f"{skipped} malformed line(s) skipped in all")


class CaseRunner:
    """Feeds a case driver, prints its states, and (with a model) runs its updates."""

    def __init__(self, ctx: CliContext, driver: CaseDriver, engine: Engine, out: TextIO) -> None:
        self.ctx, self.driver, self.out = ctx, driver, out
        self.answers: queue.Queue[tuple[ModelUpdate, str, Any]] = queue.Queue()
        self.pending = 0
        self.queue = JobQueue(engine)
        self.consumer = (
            self.queue.start_thread("auralis-or-inference") if driver.use_model else None
        )
        if not driver.use_model:
            engine.close()

    def print(self, update: StateUpdate) -> None:
        self.out.write(json.dumps(update.state, ensure_ascii=False) + "\n")
        self.out.flush()

    def feed(self, t: float, speaker: str, text: str, final: bool) -> None:
        fed = self.driver.feed(t, speaker, text, final)
        if fed is None:
            return
        self.print(fed.update)
        if fed.model is not None:
            self._submit(fed.model)
        self.drain()

    def _submit(self, request: ModelUpdate) -> None:
        def settle(outcome: str) -> Any:
            def put(_job_id: str, value: Any) -> None:
                self.answers.put((request, outcome, value))

            return put

        job = request.job()
        job.sink = JobSink(
            on_result=settle("result"), on_error=settle("error"), on_cancelled=settle("cancelled")
        )
        self.pending += 1
        self.queue.submit(job)

    def drain(self, wait: bool = False) -> None:
        """Show the model answers that have arrived (with ``wait``: all outstanding ones)."""
        timeout_s = self.driver.model_timeout_s + 5
        while self.pending:
            try:
                answer = self.answers.get(timeout=timeout_s) if wait else self.answers.get_nowait()
            except queue.Empty:
                return
            self.pending -= 1
            update = self.driver.model_answered(*answer)
            if update is not None:
                self.print(update)

    def close(self) -> None:
        self.drain(wait=True)
        if self.driver.skipped:
            self.ctx.note(
                f"{self.driver.skipped} segments were already in the resumed case: skipped"
            )
        self.queue.stop()
        if self.consumer is not None:
            self.consumer.join(30)
        self.driver.end()


def numbered_lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    """Numbered lines of an open file. Bytes that are not UTF-8 become lone surrogates
    (which ``parse_segment_line`` refuses), so such a line is skipped like any other
    malformed one instead of ending the replay with a decoding error."""
    if isinstance(handle, io.TextIOWrapper):
        handle.reconfigure(errors="surrogateescape")
    return enumerate(handle, start=1)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _changed(path: Path, handle: BinaryIO) -> str | None:
    """At the end of ``handle``: "replaced" when ``path`` now names another file (rotated),
    "truncated" when it is shorter than what was read; None when it may still grow (or is
    gone for now: a rotated file's successor may not exist yet)."""
    try:
        now = path.stat()
    except OSError:
        return None
    if not _same_file(now, os.fstat(handle.fileno())):
        return "replaced"
    return "truncated" if now.st_size < handle.tell() else None


def tail_lines(
    path: Path, idle_exit: float | None, on_restart: Callable[[str], None] = lambda _: None
) -> Iterator[tuple[int, str]]:
    """Numbered complete lines of a file that may still be growing (or not exist yet).

    Like ``tail -F``: when the file is truncated, or replaced by another (rotated), what
    was left of it is read, ``on_restart`` is told in one line, and the file is followed
    again from its start, its lines numbered from 1."""
    idle_since = time.monotonic()
    while True:
        while not path.exists():
            if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                return
            time.sleep(0.1)
        try:
            handle = path.open("rb")
        except FileNotFoundError:  # rotated away between the check and the open
            continue
        with handle:
            change = yield from _follow_one(handle, path, idle_exit)
        if change is None:
            return
        idle_since = time.monotonic()
        on_restart(
            f"{path} was {change}; following it again from its start "
            "(line numbers start again at 1)"
        )


def _follow_one(
    handle: BinaryIO, path: Path, idle_exit: float | None
) -> Generator[tuple[int, str], None, str | None]:
    """The lines of one open file until it is truncated or replaced (returns which) or
    stays idle for ``idle_exit`` seconds (returns None)."""
    number, partial, idle_since = 0, b"", time.monotonic()

    def numbered(data: bytes) -> tuple[int, str]:
        # Undecodable bytes: see numbered_lines.
        return number, data.decode("utf-8", errors="surrogateescape")

    while True:
        chunk = handle.readline()
        if chunk:
            partial += chunk
            if partial.endswith(b"\n"):
                number += 1
                yield numbered(partial)
                partial = b""
            idle_since = time.monotonic()
            continue
        change = _changed(path, handle)
        timed_out = idle_exit is not None and time.monotonic() - idle_since > idle_exit
        if change is not None or timed_out:
            if partial.strip():  # the last line, never ended
                number += 1
                yield numbered(partial)
            return change
        time.sleep(0.05)
