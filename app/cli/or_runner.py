"""Feeding a live operating-room case from the command line: segments from JSON lines
(a file, or one still being written), states printed and, with ``--record``, stored.

Threading: the command's thread feeds segments and prints; with a model, one plain
thread serves the job queue, and its answers come back through a queue.Queue that the
feeding thread drains between segments.
"""

import argparse
import io
import json
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from app.cli.context import CliContext
from app.cli.engine_args import choose_engine
from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, JobQueue, JobSink, Priority
from core.llm.types import GenerationResult
from core.orstate.live import LiveCase
from core.orstate.model_state import StateUpdateTask
from core.orstate.segments import Segment, parse_segment_line
from core.orstate.surgeries import Surgery
from core.store.orcases import (
    add_segment,
    add_state,
    case_segments,
    case_timeline,
    create_case,
    end_case,
    reopen_case,
)

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
                ctx.warn(
                    f'line {number}: not a segment like {{"t": 12.5, "speaker": "surgeon", '
                    '"text": "..."}; skipped'
                )
            continue
        if segment is not None:
            yield segment
    if skipped:
        ctx.warn(f"{skipped} malformed line(s) skipped in all")


_SUPERSEDED = object()


class CaseRunner:
    """Feeds a live case, prints states, and (with a model) keeps one update in flight."""

    def __init__(
        self,
        ctx: CliContext,
        args: argparse.Namespace,
        surgery: Surgery,
        out: TextIO,
        *,
        resume_case: int | None = None,
    ) -> None:
        self.ctx, self.out = ctx, out
        room = ctx.loaded.settings.operating_room
        self.case = LiveCase(
            surgery,
            window_s=room.window_s,
            debounce_s=room.debounce_s,
            phase_filter=room.phase_filter,
        )
        choice = choose_engine(ctx, args)
        self.use_model = choice.engine.name != "rules"
        self.answers: queue.Queue[Any] = queue.Queue()
        self.pending = 0
        self.queue = JobQueue(choice.engine)
        self.consumer = self.queue.start_thread("auralis-or-inference") if self.use_model else None
        self.timeout_s = ctx.loaded.settings.inference.timeout_s
        self.recorded_until: float | None = None
        self.skipped = 0
        self.case_id: int | None = None
        if resume_case is not None:
            self._resume(resume_case)
        elif args.record:
            label = args.file.name if args.file is not None else None
            self.case_id = create_case(ctx.db, surgery.name, label=label).id
        if not self.use_model:
            choice.engine.close()

    def _resume(self, case_id: int) -> None:
        """Rebuild a recorded case and go on recording into it; segments the case already
        holds (at or before its last segment's time) will be skipped."""
        timeline = case_timeline(self.ctx.db, case_id)
        segments = case_segments(self.ctx.db, case_id)
        states = [e.state for e in timeline if e.kind == "state" and e.state is not None]
        state = self.case.resume(segments, states[-1] if states else None)
        reopen_case(self.ctx.db, case_id)
        self.case_id = case_id
        self.recorded_until = max((s[0] for s in segments), default=None)
        self.ctx.note(
            f"resumed case {case_id} ({self.case.surgery.name}, {len(segments)} segments"
            + (f", up to {self.recorded_until:.1f}s)" if segments else ")")
        )
        self._print(state)

    def _print(self, state: dict[str, Any]) -> None:
        self.out.write(json.dumps(state, ensure_ascii=False) + "\n")
        self.out.flush()

    def emit(self, state: dict[str, Any], t: float) -> None:
        self._print(state)
        if self.case_id is not None:
            add_state(self.ctx.db, self.case_id, t, state, state["source"])

    def feed(self, t: float, speaker: str, text: str, final: bool) -> None:
        if self.recorded_until is not None and t <= self.recorded_until:
            self.skipped += 1  # already in the resumed case
            return
        if self.case_id is not None:
            add_segment(self.ctx.db, self.case_id, t, text, speaker=speaker, is_final=final)
        state = self.case.on_segment(t, speaker, text, final)
        if state is None:
            return
        self.emit(state, t)
        if self.use_model:
            self._submit(self.case.model_request(), t)
        self.drain(t)

    def _submit(self, request: StateUpdateTask, t: float) -> None:
        def run(engine: Engine, job: JobContext) -> GenerationResult:
            return engine.structured(request, cancel=job.cancel)

        def answered(_job_id: str, value: Any) -> None:
            self.answers.put(value if isinstance(value, GenerationResult) else None)

        def cancelled(_job_id: str, reason: str) -> None:
            # Superseded by a newer update: not a failure, nothing to show.
            self.answers.put(_SUPERSEDED if reason == "superseded" else None)

        sink = JobSink(on_result=answered, on_error=answered, on_cancelled=cancelled)
        self.pending += 1
        self.queue.submit(
            Job(
                kind="or_update",
                priority=Priority.OR_UPDATE,
                run=run,
                timeout_s=self.timeout_s,
                coalesce_key="or-case",
                sink=sink,
            )
        )

    def drain(self, t: float, wait: bool = False) -> None:
        """Show the model answers that have arrived (with ``wait``: all outstanding ones)."""
        while self.pending:
            try:
                answer = (
                    self.answers.get(timeout=self.timeout_s + 5)
                    if wait
                    else self.answers.get_nowait()
                )
            except queue.Empty:
                return
            self.pending -= 1
            if answer is not _SUPERSEDED:
                self.emit(self.case.apply_model_result(answer), t)

    def close(self, t: float) -> None:
        self.drain(t, wait=True)
        if self.skipped:
            self.ctx.note(f"{self.skipped} segments were already in the resumed case: skipped")
        self.queue.stop()
        if self.consumer is not None:
            self.consumer.join(30)
        if self.case_id is not None:
            end_case(self.ctx.db, self.case_id)


def numbered_lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    """Numbered lines of an open file. Bytes that are not UTF-8 become lone surrogates
    (which ``parse_segment_line`` refuses), so such a line is skipped like any other
    malformed one instead of ending the replay with a decoding error."""
    if isinstance(handle, io.TextIOWrapper):
        handle.reconfigure(errors="surrogateescape")
    return enumerate(handle, start=1)


def tail_lines(path: Path, idle_exit: float | None) -> Iterator[tuple[int, str]]:
    """Numbered complete lines of a file that may still be growing (or not exist yet)."""
    number, partial, idle_since = 0, "", time.monotonic()
    while not path.exists():
        if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
            return
        time.sleep(0.1)
    # Undecodable bytes: see numbered_lines.
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        while True:
            chunk = handle.readline()
            if chunk:
                partial += chunk
                if partial.endswith("\n"):
                    number += 1
                    yield number, partial
                    partial = ""
                idle_since = time.monotonic()
                continue
            if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                if partial.strip():
                    yield number + 1, partial
                return
            time.sleep(0.05)
