"""A live operating-room case in the window: segments in (a replayed file, a followed
file, typed lines), states out, every segment and state recorded in the store.

Threading: GUI thread. The case driver (``core.orstate.driver``) gives the rule state at
once for each final segment (about a tenth of a millisecond); a model update it asks for
is submitted to the inference worker with latest-wins coalescing, and its answer comes
back as a queued signal. Replay and follow are driven by QTimers, so the event loop
never waits on a file or a sleep.
"""

import time
from collections import deque
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.context import AppContext
from app.usecases.orcases import start_case
from app.worker import InferenceWorker
from core.orstate.driver import CaseDriver, ModelUpdate, StateUpdate
from core.orstate.segments import ReplayClock, Segment, bad_line_message, parse_segment_line
from core.orstate.surgeries import Surgery

FOLLOW_POLL_MS = 100
# A fast replay feeds lines for at most this long, then lets the window paint and
# answer input (each line is rules, a store commit or two, and the display's update).
TICK_BUDGET_S = 0.015


class CaseController(QObject):
    segment = Signal(float, str, str)  # t, speaker, text (final segments)
    state = Signal(object)  # every new StateUpdate: rule, merged, degraded or override
    problem = Signal(str)  # a malformed line, a file that cannot be read
    ended = Signal()

    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context, self.worker = context, worker
        self.case: CaseDriver | None = None
        # Updates in flight: a newer one replaces one still queued ("superseded"); one
        # already running finishes, and its answer is merged into the newest state.
        self._jobs: dict[str, ModelUpdate] = {}
        # Replay queue: (line number, the line, or its segment once parsed).
        self._lines: deque[tuple[int, str | Segment]] = deque()
        self._follow: Path | IO[str] | None = None
        self._partial = ""
        self._line_number = 0
        self._clock = ReplayClock(0.0)
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._mode = ""
        worker.job_finished.connect(self._model_answer)
        worker.failed.connect(self._model_failed)
        worker.cancelled.connect(self._model_cancelled)

    @property
    def running(self) -> bool:
        return self.case is not None

    @property
    def finished(self) -> bool:
        """A replay has fed its last line and no model update is in flight: nothing more
        will be written unless someone types a line or sets a machine."""
        return self.case is not None and self._mode == "done" and not self._jobs

    @property
    def replaying(self) -> bool:
        """Lines of a replay are still to be fed."""
        return self._mode == "replay"

    @property
    def updates_in_flight(self) -> int:
        return len(self._jobs)

    def start(self, surgery: Surgery, label: str, *, use_model: bool) -> None:
        self.stop()
        settings = self.context.loaded.settings
        self.case = start_case(
            lambda: self.context.db,
            surgery,
            settings.operating_room,
            use_model=use_model,
            model_timeout_s=settings.inference.timeout_s,
            label=label,
        )
        self._started = time.monotonic()
        self.state.emit(self.case.current)

    def replay(self, surgery: Surgery, path: Path, speed: float, *, use_model: bool) -> None:
        """Replay a JSONL file; ``speed`` times real time, 0 = as fast as possible."""
        try:
            # Bytes that are not UTF-8 become lone surrogates, which the segment parser
            # refuses: such a line is skipped like any malformed one, not the whole file.
            lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        except OSError as exc:
            self.problem.emit(f"{path.name} cannot be read ({type(exc).__name__}).")
            return
        self.replay_lines(surgery, lines, f"replay of {path.name}", speed, use_model=use_model)

    def replay_lines(
        self,
        surgery: Surgery,
        lines: list[str] | list[Segment],
        label: str,
        speed: float,
        *,
        use_model: bool,
    ) -> None:
        """Replay JSON lines, or segments already parsed (a recorded case), as a new case."""
        self.start(surgery, label, use_model=use_model)
        self._mode, self._clock = "replay", ReplayClock(speed)
        self._lines = deque(enumerate(lines, start=1))
        self._timer.start(0)

    def follow(self, surgery: Surgery, path: Path, *, use_model: bool) -> None:
        """Follow a JSONL file that a speech recogniser is writing (it may not exist yet)."""
        self.start(surgery, f"live from {path.name}", use_model=use_model)
        self._mode, self._follow, self._partial, self._line_number = "follow", path, "", 0
        self._timer.start(0)

    def type_line(self, speaker: str, text: str) -> None:
        """A line typed in the window, timed from the start of the case."""
        if self.case is None:
            return
        self.feed(time.monotonic() - self._started, speaker or "staff", text, True)

    def stop(self) -> None:
        self._timer.stop()
        if self._follow is not None and not isinstance(self._follow, Path):
            self._follow.close()
        self._follow, self._lines, self._mode = None, deque(), ""
        for job_id in self._jobs:
            self.worker.cancel(job_id)
        self._jobs.clear()
        if self.case is not None:
            self.case.end()
            self.case = None
            self.ended.emit()

    def override(self, machine_id: str, action: str) -> None:
        if self.case is not None:
            self.state.emit(self.case.override(machine_id, action))

    # --- feeding --------------------------------------------------------------------------

    def feed(self, t: float, speaker: str, text: str, final: bool) -> None:
        if self.case is None:
            return
        fed = self.case.feed(t, speaker, text, final)
        if fed is None:
            return
        self.segment.emit(t, speaker, text)
        self.state.emit(fed.update)
        if fed.model is not None:
            self._jobs[self.worker.submit_job(fed.model.job())] = fed.model

    def _parse(self, number: int, line: str) -> Segment | None:
        try:
            return parse_segment_line(line)
        except ValueError:
            self.problem.emit(bad_line_message(number))
            return None

    @Slot()
    def _tick(self) -> None:
        if self._mode == "replay":
            self._replay_tick()
        elif self._mode == "follow":
            self._follow_tick()

    def _replay_tick(self) -> None:
        deadline = time.monotonic() + TICK_BUDGET_S
        while self._lines and time.monotonic() < deadline:
            number, line = self._lines[0]
            segment = self._parse(number, line) if isinstance(line, str) else line
            if segment is None:
                self._lines.popleft()
                continue
            self._lines[0] = (number, segment)  # parsed once, even if it must wait
            due = self._clock.due_in(segment[0])
            if due > 0:
                self._timer.start(int(min(due, 1.0) * 1000))
                return
            self._lines.popleft()
            self.feed(*segment)
        if self._lines:
            self._timer.start(0)
        else:
            self._mode = "done"

    def _follow_tick(self) -> None:
        if isinstance(self._follow, Path):
            if not self._follow.exists():
                self._timer.start(FOLLOW_POLL_MS)
                return
            # Undecodable bytes: see replay.
            self._follow = self._follow.open(encoding="utf-8", errors="surrogateescape")
        handle = self._follow
        assert handle is not None
        deadline = time.monotonic() + TICK_BUDGET_S
        behind = False  # more lines may be waiting: come back at once, not after a poll
        while not (behind := time.monotonic() >= deadline):
            chunk = handle.readline()
            if not chunk:
                break
            self._partial += chunk
            if self._partial.endswith("\n"):
                self._line_number += 1
                segment = self._parse(self._line_number, self._partial)
                self._partial = ""
                if segment is not None:
                    self.feed(*segment)
        if self._mode == "follow":
            self._timer.start(0 if behind else FOLLOW_POLL_MS)

    # --- model updates --------------------------------------------------------------------

    def _answered(self, job_id: str, outcome: str, value: object) -> None:
        request = self._jobs.pop(job_id, None)
        if request is None or self.case is None:
            return
        update: StateUpdate | None = self.case.model_answered(request, outcome, value)
        if update is not None:
            self.state.emit(update)

    @Slot(str, object)
    def _model_answer(self, job_id: str, value: object) -> None:
        self._answered(job_id, "result", value)

    @Slot(str, str)
    def _model_failed(self, job_id: str, message: str) -> None:
        self._answered(job_id, "error", message)

    @Slot(str, str)
    def _model_cancelled(self, job_id: str, reason: str) -> None:
        self._answered(job_id, "cancelled", reason)
