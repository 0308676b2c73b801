"""The inference worker's life cycle: jobs answered as signals, shutdown safe to repeat."""

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.settings import InferenceSettings
from app.worker import InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext
from core.llm.rules import RULE_ENGINE_LABEL


def test_a_job_answers_and_shutdown_is_safe_to_repeat(qtbot: QtBot, tmp_path: Path) -> None:
    worker = InferenceWorker(AppPaths.resolve(tmp_path))
    worker.start()

    def run(engine: Engine, _ctx: JobContext) -> str:
        return engine.name

    with qtbot.waitSignal(worker.job_finished, timeout=5000) as answered:
        job_id = worker.submit("name", run)
    assert answered.args == [job_id, "rules"]
    assert worker.shutdown() and worker.isFinished()
    assert worker.shutdown()  # a second close of the window


def test_a_worker_never_started_drops_its_jobs_once(qtbot: QtBot, tmp_path: Path) -> None:
    worker = InferenceWorker(AppPaths.resolve(tmp_path))
    dropped: list[str] = []
    worker.cancelled.connect(lambda _job, reason: dropped.append(reason))
    worker.submit("never", lambda _engine, _ctx: None)
    assert worker.shutdown()
    assert worker.shutdown()
    qtbot.waitUntil(lambda: dropped == ["shutdown"], timeout=2000)


class WatchedWorker(InferenceWorker):
    """The real worker, noting which thread writes any of its attributes."""

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "writes"):
            self.writes.append((name, threading.current_thread().name))
        super().__setattr__(name, value)


def test_loading_an_engine_touches_the_worker_object_on_the_gui_thread_only(
    qtbot: QtBot, tmp_path: Path
) -> None:
    worker = WatchedWorker(AppPaths.resolve(tmp_path))
    worker.writes = []
    worker.start()
    inference = InferenceSettings(engine="rules")
    with qtbot.waitSignal(worker.engine_changed, timeout=10_000):
        worker.load_engine(inference)
    qtbot.waitUntil(lambda: worker.description == RULE_ENGINE_LABEL, timeout=5000)
    gui = threading.current_thread().name
    assert [name for name, thread in worker.writes if thread != gui] == []
    assert worker.degraded
    assert worker.shutdown()
