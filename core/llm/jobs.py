"""A priority job queue whose one consumer thread owns the inference engine.

Threading contract: any thread may call ``submit``, ``cancel``, ``set_engine`` and
``stop``. One thread runs ``serve()`` (a plain thread from ``start_thread`` in the CLI, the
app's ``QThread`` in the GUI: only ``threading`` primitives are used, so either works). That
thread alone calls the engine and closes engines, except ``Engine.cancel()``, which
``cancel``/``stop`` call on the caller's thread, as the engine protocol allows. Every
``JobSink`` callback runs on the consumer thread, even the ``on_cancelled`` of a job
cancelled, superseded or shut down while queued: the caller only records the notice, and
the consumer delivers it at once when idle, else at the running job's next
``emit_token``/``emit_progress`` or when that job ends. Once ``serve()`` runs, every
submitted job gets exactly one of ``on_result``, ``on_error`` or ``on_cancelled``.
"""

import heapq
import itertools
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from core.llm.engine import Engine
from core.llm.metrics import InferenceMetrics, Outcome
from core.llm.types import CancelToken, GenerationCancelled, GenerationResult
from core.logs import Scalar, log_event

logger = logging.getLogger(__name__)

# Cancel reasons written to the log as they are; any other (a job's own) is logged "other".
_REASONS = frozenset({"cancelled", "timeout", "superseded", "shutdown"})
_OUTCOMES: dict[str, Outcome] = {"timeout": "timeout", "superseded": "superseded"}


class Priority(IntEnum):
    """Higher runs first; equal priorities run in submission order."""

    BATCH = 0
    OR_UPDATE = 1  # the operating-room live state
    INTERACTIVE = 2  # a clinician is waiting on a note


class QueueStopped(RuntimeError):
    """``submit`` after ``stop``: no consumer will ever run the job."""


@dataclass
class JobSink:
    """A job's callbacks, each optional, each called on the consumer thread with the job id
    first. A callback that raises is logged (type name only) and otherwise ignored."""

    on_token: Callable[[str, str], None] | None = None
    on_progress: Callable[[str, str, float | None], None] | None = None
    on_result: Callable[[str, Any], None] | None = None
    on_error: Callable[[str, Exception], None] | None = None
    on_cancelled: Callable[[str, str], None] | None = None


@dataclass
class JobContext:
    """What a running job gets besides the engine. Made by the consumer thread when the job
    starts and used only on that thread; ``cancel``'s timeout counts from that moment."""

    job_id: str
    cancel: CancelToken
    _sink: JobSink = field(repr=False)
    _between: Callable[[], None] = field(repr=False)  # delivers other jobs' notices

    def emit_token(self, text: str) -> None:
        self._between()
        _call(self.job_id, "on_token", self._sink.on_token, text)

    def emit_progress(self, stage: str, fraction: float | None = None) -> None:
        self._between()
        _call(self.job_id, "on_progress", self._sink.on_progress, stage, fraction)


@dataclass(kw_only=True)
class Job:
    """One unit of work. ``run(engine, ctx)`` is called on the consumer thread; its return
    value goes to ``on_result``, ``GenerationCancelled`` to ``on_cancelled`` with its
    reason, any other exception to ``on_error``. The queue owns the job once submitted
    and stamps ``submitted_at``. ``timeout_s`` is cooperative: ``ctx.cancel`` reports it."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    kind: str  # "note", "or_update", "chat": logged, so never patient text
    priority: Priority = Priority.BATCH
    run: Callable[[Engine, JobContext], Any]
    timeout_s: float | None = None
    coalesce_key: str | None = None  # a newer queued job with this key replaces this one
    sink: JobSink = field(default_factory=JobSink)
    submitted_at: float = field(default_factory=time.monotonic)


@dataclass
class _Running:
    job: Job
    token: CancelToken
    engine: Engine
    reason: str | None = None  # "shutdown" when stop() ended the job, not the user


class JobQueue:
    """Jobs by priority, run one at a time on the thread that calls ``serve()``.

    The queue owns its engine: ``set_engine`` swaps it between jobs and ``serve()`` closes
    it on return. One-shot: after ``stop()`` it accepts nothing more. See the module
    docstring for which thread may call what.
    """

    def __init__(self, engine: Engine, metrics: InferenceMetrics | None = None) -> None:
        self.metrics = metrics if metrics is not None else InferenceMetrics()
        self._engine = engine
        self._next_engines: list[Engine] = []
        self._cond = threading.Condition()
        # Held while engine.cancel() is called for the running job, and by the consumer
        # before it forgets that job: the cancel then cannot hit the job after it.
        self._run_lock = threading.Lock()
        self._heap: list[tuple[int, int, Job]] = []
        self._seq = itertools.count()
        self._notices: deque[tuple[Job, str]] = deque()
        self._running: _Running | None = None
        self._stopping = False
        self._state = "new"  # then "serving", then "done"

    def submit(self, job: Job) -> str:
        """Queue ``job`` and return its id. A queued job with the same ``coalesce_key`` is
        superseded, and the newcomer takes its place in line. Raises ``QueueStopped``."""
        with self._cond:
            if self._stopping:
                raise QueueStopped("The inference queue has stopped and takes no more jobs.")
            running = self._running
            if self._index(job.id) is not None or (running and running.job.id == job.id):
                raise ValueError(f"A job with id {job.id} is already queued or running.")
            job.priority = Priority(job.priority)  # a bad value fails here, not on the consumer
            job.submitted_at = time.monotonic()
            seq = next(self._seq)
            old = None if job.coalesce_key is None else self._index(job.coalesce_key, key=True)
            if old is not None:
                _, seq, superseded = self._remove(old)
                self._notices.append((superseded, "superseded"))
            heapq.heappush(self._heap, (-job.priority, seq, job))
            self._cond.notify_all()
        return job.id

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it is neither (unknown or finished).
        ``on_cancelled`` follows on the consumer thread (see the module docstring). A
        running job's token is cancelled and ``engine.cancel()`` is called; a job that was
        already returning may still report its result."""
        with self._run_lock:
            with self._cond:
                index = self._index(job_id)
                if index is not None:
                    self._notices.append((self._remove(index)[2], "cancelled"))
                    self._cond.notify_all()
                    return True
                running = self._running
            if running is None or running.job.id != job_id:
                return False
            _interrupt(running)
            return True

    def stop(self, cancel_running: bool = True) -> None:
        """Stop taking jobs, cancel the queued ones ("shutdown") and, if asked, the running
        one, then let ``serve()`` return. Does not wait: join the serving thread."""
        with self._run_lock:
            with self._cond:
                self._shut_queue()
                running = self._running if cancel_running else None
                if running is not None:
                    running.reason = "shutdown"
                self._cond.notify_all()
            if running is not None:
                _interrupt(running)

    def set_engine(self, engine: Engine) -> None:
        """Run later jobs on ``engine``. The consumer swaps it in between jobs and closes
        the old one; a running job finishes on the old engine."""
        with self._cond:
            if self._state != "done":
                self._next_engines.append(engine)
                self._cond.notify_all()
                return
        _close(engine)  # no consumer will ever use it

    def start_thread(self, name: str = "auralis-inference") -> threading.Thread:
        """Run ``serve()`` in a new non-daemon thread, so that exit waits for ``stop()``."""
        thread = threading.Thread(target=self.serve, name=name, daemon=False)
        thread.start()
        return thread

    def serve(self) -> None:
        """The consumer loop: blocks, running jobs, until ``stop()``; then delivers the
        last notices and closes the engine. Call it from exactly one thread, once."""
        with self._cond:
            if self._state != "new":
                raise RuntimeError("serve() runs once per queue, on one thread.")
            self._state = "serving"
        try:
            while (running := self._next()) is not None:
                self._execute(running)
        finally:
            with self._cond:
                self._shut_queue()  # after an unexpected error too: nobody serves them now
            self._deliver_notices()
            with self._cond:
                self._state = "done"
                engines, self._next_engines = [self._engine, *self._next_engines], []
            for engine in {id(e): e for e in engines}.values():
                _close(engine)

    def _next(self) -> _Running | None:
        """Wait for a job and mark it running; None once stopping. Between jobs, deliver
        notices and install the newest engine given to ``set_engine``."""
        while True:
            self._deliver_notices()
            retired: list[Engine] = []
            with self._cond:
                self._cond.wait_for(
                    lambda: (
                        bool(self._heap or self._notices or self._next_engines) or self._stopping
                    )
                )
                if self._next_engines:
                    # Only the newest matters; engines set in between are never used.
                    retired = [self._engine, *self._next_engines[:-1]]
                    self._engine = self._next_engines[-1]
                    self._next_engines.clear()
                elif self._stopping and not self._notices:
                    return None
                elif not self._notices:
                    job = heapq.heappop(self._heap)[2]
                    # The timeout starts now, so waiting in the queue does not use it up.
                    self._running = _Running(job, CancelToken(job.timeout_s), self._engine)
                    return self._running
            for engine in {id(e): e for e in retired if e is not self._engine}.values():
                _close(engine)

    def _execute(self, running: _Running) -> None:
        job, token = running.job, running.token
        started = time.monotonic()
        ctx = JobContext(job.id, token, job.sink, self._deliver_notices)
        result: Any = None
        error: Exception | None = None
        reason = token.reason  # cancelled or timed out before it started: do not run it
        ran = reason is None
        if ran:
            try:
                result = job.run(running.engine, ctx)
            except GenerationCancelled as exc:
                reason = exc.reason
            except Exception as exc:  # any failure is the job's, never the consumer's
                error = exc
        run_s = time.monotonic() - started if ran else 0.0
        with self._run_lock, self._cond:
            self._running = None
            if reason == "cancelled" and running.reason is not None:
                reason = running.reason
        self._finish(job, started - job.submitted_at, run_s, reason, error, result)

    def _deliver_notices(self) -> None:
        while True:
            with self._cond:
                if not self._notices:
                    return
                job, reason = self._notices.popleft()
            wait_s = time.monotonic() - job.submitted_at
            self._finish(job, wait_s, None, reason)

    def _finish(
        self,
        job: Job,
        wait_s: float,
        run_s: float | None,
        reason: str | None,
        error: Exception | None = None,
        result: Any = None,
    ) -> None:
        """Record, log, then call back: a receiver that looks at metrics sees this job.
        ``run_s`` is None for a job never dequeued, whose wait is then not a queue wait."""
        outcome = _outcome(reason, error)
        generation = result if isinstance(result, GenerationResult) else None
        self.metrics.record(outcome, run_s, None if run_s is None else wait_s, generation)
        fields: dict[str, Scalar] = {"job_id": job.id, "kind": job.kind, "outcome": outcome}
        fields["priority"] = Priority(job.priority).name.lower()
        fields["queue_wait_ms"] = round(wait_s * 1000, 1)
        fields["run_ms"] = None if run_s is None else round(run_s * 1000, 1)
        fields["timeout_s"] = job.timeout_s
        if error is not None:
            fields["error_type"] = type(error).__name__
        elif reason is not None:
            fields["reason"] = reason if reason in _REASONS else "other"
        if generation is not None:
            fields.update(
                prompt_tokens=generation.prompt_tokens,
                completion_tokens=generation.completion_tokens,
                tokens_per_s=round(generation.tokens_per_s, 2),
                engine=generation.engine,
                degraded=generation.degraded,
            )
        level = logging.WARNING if error is not None else logging.INFO
        log_event(logger, "llm.job", level=level, **fields)
        if error is not None:
            _call(job.id, "on_error", job.sink.on_error, error)
        elif reason is not None:
            _call(job.id, "on_cancelled", job.sink.on_cancelled, reason)
        else:
            _call(job.id, "on_result", job.sink.on_result, result)

    def _index(self, value: str, key: bool = False) -> int | None:
        for i, (_, _, job) in enumerate(self._heap):
            if (job.coalesce_key if key else job.id) == value:
                return i
        return None

    def _remove(self, index: int) -> tuple[int, int, Job]:
        entry = self._heap.pop(index)
        heapq.heapify(self._heap)  # O(n), like the search that found it
        return entry

    def _shut_queue(self) -> None:
        self._stopping = True
        self._notices.extend((job, "shutdown") for _, _, job in sorted(self._heap))
        self._heap.clear()


def _outcome(reason: str | None, error: Exception | None) -> Outcome:
    if error is not None:
        return "error"
    # Any other reason (the user's, shutdown, a job's own) is a cancellation.
    return "ok" if reason is None else _OUTCOMES.get(reason, "cancelled")


def _interrupt(running: _Running) -> None:
    running.token.cancel()
    _guarded("llm.engine_cancel_failed", running.engine.cancel)  # the token alone still works


def _close(engine: Engine) -> None:
    _guarded("llm.engine_close_failed", engine.close)


def _call(job_id: str, name: str, callback: Callable[..., None] | None, *args: Any) -> None:
    if callback is not None:
        _guarded("llm.job_callback_failed", callback, job_id, *args, job_id=job_id, callback=name)


def _guarded(event: str, function: Callable[..., object], *args: Any, **fields: Scalar) -> None:
    """Call ``function``; if it raises, log ``event`` with the exception's type (its message
    may hold patient text) and carry on: nothing a receiver or engine does may kill the
    consumer thread."""
    try:
        function(*args)
    except Exception as exc:
        log_event(logger, event, level=logging.WARNING, error_type=type(exc).__name__, **fields)
