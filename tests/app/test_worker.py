"""The inference worker's life cycle: jobs answered as signals, shutdown safe to repeat."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.worker import InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext


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
