"""Awaiting an inference-worker job from a coroutine: the thin glue between the worker's
signals and asyncio, which qasync runs on the Qt event loop (one loop for both).

A dialog's flow reads top to bottom (``report = await run_job(...)``) instead of being
split over a submit call and three signal slots. The waiter lives on the GUI thread, so
the worker's signals reach it queued and the future is only touched on the GUI thread.
"""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, cast

import qasync
from PySide6.QtCore import QObject, Slot

from app.worker import InferenceWorker, JobRun

ProgressCallback = Callable[[str, float], None]  # stage, fraction (-1: unknown)
P = ParamSpec("P")


def async_slot(
    flow: Callable[P, Coroutine[Any, Any, None]],
) -> Callable[P, "asyncio.Task[None]"]:
    """qasync's ``asyncSlot()``, typed: calling the slot starts ``flow`` as a task on the
    one loop; an exception in it reaches ``sys.excepthook`` (pytest-qt fails the test)."""
    return cast(Callable[P, "asyncio.Task[None]"], qasync.asyncSlot()(flow))


class JobFailed(Exception):
    """The job raised; the message is the worker's, phrased for the user."""


class JobCancelled(Exception):
    """The job was cancelled, timed out, superseded or dropped at shutdown (the reason)."""


class _JobWaiter(QObject):
    def __init__(
        self,
        worker: InferenceWorker,
        future: "asyncio.Future[Any]",
        on_progress: ProgressCallback | None,
    ) -> None:
        super().__init__()
        self.worker, self.future, self.on_progress = worker, future, on_progress
        self.job_id = ""
        worker.job_finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        worker.progress.connect(self._progress)

    def detach(self) -> None:
        self.worker.job_finished.disconnect(self._finished)
        self.worker.failed.disconnect(self._failed)
        self.worker.cancelled.disconnect(self._cancelled)
        self.worker.progress.disconnect(self._progress)

    def _settle(self, job_id: str, value: Any = None, error: Exception | None = None) -> None:
        if job_id != self.job_id or self.future.done():
            return
        if error is None:
            self.future.set_result(value)
        else:
            self.future.set_exception(error)

    @Slot(str, object)
    def _finished(self, job_id: str, value: object) -> None:
        self._settle(job_id, value)

    @Slot(str, str)
    def _failed(self, job_id: str, message: str) -> None:
        self._settle(job_id, error=JobFailed(message))

    @Slot(str, str)
    def _cancelled(self, job_id: str, reason: str) -> None:
        self._settle(job_id, error=JobCancelled(reason))

    @Slot(str, str, float)
    def _progress(self, job_id: str, stage: str, fraction: float) -> None:
        if job_id == self.job_id and self.on_progress is not None:
            self.on_progress(stage, fraction)


async def run_job(
    worker: InferenceWorker,
    kind: str,
    run: JobRun,
    *,
    on_progress: ProgressCallback | None = None,
    timeout_s: float | None = None,
) -> Any:
    """Submit ``run(engine, ctx)`` to the worker and return its result; raises
    ``JobFailed`` or ``JobCancelled``. Cancelling the awaiting task cancels the job."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    waiter = _JobWaiter(worker, future, on_progress)
    # No signal of this job can arrive before the id is set: they are queued to this
    # thread, which runs nothing else until the next await.
    waiter.job_id = worker.submit(kind, run, timeout_s=timeout_s)
    try:
        return await future
    except asyncio.CancelledError:
        worker.cancel(waiter.job_id)
        raise
    finally:
        waiter.detach()
