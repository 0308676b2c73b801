"""The window's inference thread: one ``QThread`` that serves the job queue and owns the
engine, with the queue's callbacks turned into Qt signals.

Threading contract. The worker object lives on the GUI thread; ``run()`` (the queue's
``serve()`` loop) runs on the worker thread, the only thread that touches the engine.
``submit``, ``cancel``, ``load_engine`` and ``shutdown`` are called from the GUI thread.
Every signal is emitted on the worker thread and, connected to a slot of a QObject that
lives on the GUI thread, arrives there queued. Each signal carries the job id first; a
receiver keeps the id of the job it is waiting for and ignores the others (stale).

``finished`` is QThread's own signal (the thread has ended), so a job's end is
``job_finished``.
"""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.engines import EngineChoice, build_engine
from app.paths import AppPaths
from app.settings import InferenceSettings
from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, JobQueue, JobSink, Priority
from core.llm.metrics import InferenceMetrics
from core.llm.rules import RULE_ENGINE_LABEL, RuleEngine
from core.llm.types import EngineError
from core.logs import log_event
from core.store.errors import StoreError

logger = logging.getLogger(__name__)

JobRun = Callable[[Engine, JobContext], Any]
LOAD_JOB = "load_engine"


class InferenceWorker(QThread):
    """Runs jobs one at a time on its thread; see the module docstring."""

    token = Signal(str, str)  # job id, text
    progress = Signal(str, str, float)  # job id, stage, fraction (-1: unknown)
    job_finished = Signal(str, object)  # job id, the run's return value
    failed = Signal(str, str)  # job id, a message for the user
    cancelled = Signal(str, str)  # job id, reason: cancelled, timeout, superseded, shutdown
    engine_changed = Signal(str, bool, list)  # description, degraded, problems

    def __init__(
        self, paths: AppPaths, engine: Engine | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auralis-inference")
        self.paths = paths
        self.metrics = InferenceMetrics()
        self.queue = JobQueue(engine if engine is not None else RuleEngine(), self.metrics)
        self.description = RULE_ENGINE_LABEL if engine is None else engine.name
        self.degraded = engine is None or engine.name == "rules"
        self._drained = False
        # The worker object lives on the GUI thread: what the load job learns on the worker
        # thread reaches these attributes through a queued signal, never by assignment there.
        self.engine_changed.connect(self._remember_engine)

    def run(self) -> None:  # the worker thread
        self.queue.serve()

    def submit(
        self,
        kind: str,
        run: JobRun,
        *,
        priority: Priority = Priority.INTERACTIVE,
        timeout_s: float | None = None,
        coalesce_key: str | None = None,
    ) -> str:
        """Queue a job; returns its id. ``run(engine, ctx)`` runs on the worker thread."""
        job = Job(
            kind=kind, priority=priority, run=run, timeout_s=timeout_s, coalesce_key=coalesce_key
        )
        return self.submit_job(job)

    def submit_job(self, job: Job) -> str:
        """Queue a job a use case made (its sink is replaced by this worker's signals);
        returns its id."""
        job.sink = JobSink(
            on_token=self.token.emit,
            on_progress=self._emit_progress,
            on_result=self.job_finished.emit,
            on_error=self._emit_failed,
            on_cancelled=self.cancelled.emit,
        )
        return self.queue.submit(job)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job: within a token, or llama.cpp's next abort check."""
        return self.queue.cancel(job_id)

    def load_job(self, inference: InferenceSettings) -> JobRun:
        """The job that builds the engine the settings ask for, on the worker thread
        (reporting load progress), and runs later jobs on it; returns the ``EngineChoice``.
        Jobs already queued run first on the old engine, which is then closed."""

        def load(_engine: Engine, ctx: JobContext) -> EngineChoice:
            ctx.emit_progress("loading", 0.0)
            choice = build_engine(
                self.paths,
                inference,
                progress=lambda stage, fraction: ctx.emit_progress(stage, fraction),
            )
            self.queue.set_engine(choice.engine)
            self.engine_changed.emit(choice.description, choice.degraded, list(choice.problems))
            return choice

        return load

    def load_engine(self, inference: InferenceSettings) -> str:
        """Queue ``load_job(inference)``; returns the job id. The window stays usable."""
        return self.submit(LOAD_JOB, self.load_job(inference))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel what runs, drop what waits, end the thread and wait for it (the engine
        is closed on the worker thread). True when the thread has ended."""
        self.queue.stop(cancel_running=True)
        if not self.isRunning():
            if not self.isFinished() and not self._drained:
                self._drained = True  # a second shutdown (a second close) has nothing to do
                # Never started: serve once so the queued jobs get their notices and the
                # engine is closed, here, on the only thread that ever touched it.
                self.queue.serve()
            return True
        ended = self.wait(timeout_ms)
        if not ended:
            log_event(logger, "worker.shutdown_timeout", level=logging.ERROR, ms=timeout_ms)
        return ended

    @Slot(str, bool, list)
    def _remember_engine(self, description: str, degraded: bool, _problems: list[str]) -> None:
        self.description, self.degraded = description, degraded

    def _emit_progress(self, job_id: str, stage: str, fraction: float | None) -> None:
        self.progress.emit(job_id, stage, -1.0 if fraction is None else float(fraction))

    def _emit_failed(self, job_id: str, error: Exception) -> None:
        # Engine and store errors are phrased for the user and never quote patient text;
        # anything else is a defect: say so plainly without its message.
        if isinstance(error, EngineError | StoreError | OSError):
            message = str(error)
        else:
            message = f"Something went wrong ({type(error).__name__}); see the log."
        self.failed.emit(job_id, message)
