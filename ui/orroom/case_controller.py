"""A live operating-room case in the window: segments in (a replayed file, a followed
file, typed lines), states out, every segment and state recorded in the store.

Threading: GUI thread. The rule state is computed here at once for each final segment
(about a tenth of a millisecond); a model update is submitted to the inference worker
with latest-wins coalescing, and its answer comes back as a queued signal. Replay and
follow are driven by QTimers, so the event loop never waits on a file or a sleep.
"""

import time
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from sqlite_utils import Database

from app.settings import OperatingRoomSettings
from app.worker import InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext, Priority
from core.llm.types import GenerationResult
from core.orstate.live import LiveCase
from core.orstate.segments import Segment, parse_segment_line
from core.orstate.surgeries import Surgery
from core.store import audit
from core.store.orcases import add_segment, add_state, create_case, end_case

FOLLOW_POLL_MS = 100
# A fast replay feeds lines for at most this long, then lets the window paint and
# answer input (each line is rules, a store commit or two, and the display's update).
TICK_BUDGET_S = 0.015


class CaseController(QObject):
    segment = Signal(float, str, str)  # t, speaker, text (final segments)
    state = Signal(dict)  # every new state, rule or merged or degraded
    problem = Signal(str)  # a malformed line, a file that cannot be read
    ended = Signal()

    def __init__(
        self,
        db: Database,
        worker: InferenceWorker,
        room: OperatingRoomSettings,
        timeout_s: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.worker, self.room, self.timeout_s = db, worker, room, timeout_s
        self.case: LiveCase | None = None
        self.case_id: int | None = None
        self.use_model = False
        # Updates in flight: a newer one replaces one still queued ("superseded"); one
        # already running finishes, and its answer is merged into the newest state.
        self._jobs: set[str] = set()
        # Replay queue: (line number, the line, or its segment once parsed).
        self._lines: deque[tuple[int, str | Segment]] = deque()
        self._handle: Any = None
        self._partial = ""
        self._line_number = 0
        self._speed = 1.0
        self._clock_start = 0.0
        self._first_t: float | None = None
        self._last_t = 0.0
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
    def replaying(self) -> bool:
        """Lines of a replay are still to be fed."""
        return self._mode == "replay"

    @property
    def updates_in_flight(self) -> int:
        return len(self._jobs)

    def start(self, surgery: Surgery, label: str, *, use_model: bool) -> None:
        self.stop()
        self.case = LiveCase(
            surgery,
            window_s=self.room.window_s,
            debounce_s=self.room.debounce_s,
            phase_filter=self.room.phase_filter,
        )
        self.case_id = create_case(self.db, surgery.name, label=label).id
        self.use_model = use_model
        self._first_t, self._last_t, self._clock_start = None, 0.0, time.monotonic()
        self.state.emit(self.case.state)

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
        self._mode, self._speed = "replay", speed
        self._lines = deque(enumerate(lines, start=1))
        self._timer.start(0)

    def follow(self, surgery: Surgery, path: Path, *, use_model: bool) -> None:
        """Follow a JSONL file that a speech recogniser is writing (it may not exist yet)."""
        self.start(surgery, f"live from {path.name}", use_model=use_model)
        self._mode, self._handle, self._partial, self._line_number = "follow", path, "", 0
        self._timer.start(0)

    def type_line(self, speaker: str, text: str) -> None:
        """A line typed in the window, timed from the start of the case."""
        if self.case is None:
            return
        self.feed(time.monotonic() - self._clock_start, speaker or "staff", text, True)

    def stop(self) -> None:
        self._timer.stop()
        if self._handle is not None and not isinstance(self._handle, Path):
            self._handle.close()
        self._handle, self._lines, self._mode = None, deque(), ""
        for job_id in self._jobs:
            self.worker.cancel(job_id)
        self._jobs.clear()
        if self.case_id is not None:
            end_case(self.db, self.case_id)
            self.ended.emit()
        self.case, self.case_id = None, None

    def override(self, machine_id: str, action: str) -> None:
        if self.case is None or self.case_id is None:
            return
        state = self.case.override(machine_id, action, self._last_t)
        add_state(self.db, self.case_id, self._last_t, state, "override")
        audit.record(self.db, "override", "or_case", self.case_id, detail=f"{machine_id}={action}")
        self.state.emit(state)

    # --- feeding --------------------------------------------------------------------------

    def feed(self, t: float, speaker: str, text: str, final: bool) -> None:
        if self.case is None or self.case_id is None:
            return
        self._last_t = t
        add_segment(self.db, self.case_id, t, text, speaker=speaker, is_final=final)
        state = self.case.on_segment(t, speaker, text, final)
        if state is None:
            return
        self.segment.emit(t, speaker, text)
        add_state(self.db, self.case_id, t, state, state["source"])
        self.state.emit(state)
        if self.use_model:
            self._submit_update()

    def _parse(self, number: int, line: str) -> Segment | None:
        try:
            return parse_segment_line(line)
        except ValueError:
            self.problem.emit(f'Line {number} is not a segment like {{"t", "text"}}; skipped.')
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
            t = segment[0]
            self._first_t = t if self._first_t is None else self._first_t
            if self._speed > 0:
                due = (t - self._first_t) / self._speed - (time.monotonic() - self._clock_start)
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
        path = self._handle
        if isinstance(path, Path):
            if not path.exists():
                self._timer.start(FOLLOW_POLL_MS)
                return
            self._handle = path.open(encoding="utf-8", errors="surrogateescape")  # as replay
        deadline = time.monotonic() + TICK_BUDGET_S
        behind = False  # more lines may be waiting: come back at once, not after a poll
        while not (behind := time.monotonic() >= deadline):
            chunk = self._handle.readline()
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

    def _submit_update(self) -> None:
        assert self.case is not None
        request = self.case.model_request()

        def run(engine: Engine, job: JobContext) -> GenerationResult:
            return engine.structured(request, cancel=job.cancel)

        job_id = self.worker.submit(
            "or_update",
            run,
            priority=Priority.OR_UPDATE,
            timeout_s=self.timeout_s,
            coalesce_key="or-case",
        )
        self._jobs.add(job_id)

    def _apply(self, result: GenerationResult | None) -> None:
        if self.case is None or self.case_id is None:
            return
        state = self.case.apply_model_result(result)
        add_state(self.db, self.case_id, self._last_t, state, state["source"])
        self.state.emit(state)

    @Slot(str, object)
    def _model_answer(self, job_id: str, value: object) -> None:
        if job_id in self._jobs:
            self._jobs.discard(job_id)
            self._apply(value if isinstance(value, GenerationResult) else None)

    @Slot(str, str)
    def _model_failed(self, job_id: str, _message: str) -> None:
        if job_id in self._jobs:
            self._jobs.discard(job_id)
            self._apply(None)

    @Slot(str, str)
    def _model_cancelled(self, job_id: str, reason: str) -> None:
        if job_id in self._jobs:
            self._jobs.discard(job_id)
            if reason == "timeout":
                self._apply(None)
