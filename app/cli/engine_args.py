"""What the commands that use an engine share: the options that choose it, and running
a job on the job queue served by a plain thread (as the window serves it from a QThread)."""

import argparse
import logging
import threading
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.engines import EngineChoice, build_engine
from app.settings import InferenceSettings
from app.usecases.errors import StoreError
from core.llm.engine import Engine
from core.llm.jobs import Job, JobQueue
from core.llm.types import EngineError

logger = logging.getLogger(__name__)


class CliEngineError(EngineError):
    """A failure of an ``llm`` command, already phrased for the user."""


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--model", type=Path, metavar="PATH", help="a GGUF file to use")
    where.add_argument("--remote", metavar="URL", help="an OpenAI-compatible server to use")
    where.add_argument(
        "--engine", choices=["auto", "local", "remote", "rules"], help="which engine (auto)"
    )
    parser.add_argument(
        "--adapter",
        type=Path,
        metavar="PATH",
        help="a LoRA adapter (.gguf from `auralis lab export`) to load on the local model",
    )


def inference_settings(ctx: CliContext, args: argparse.Namespace) -> InferenceSettings:
    """The settings' inference section with the command's --model/--remote/--engine."""
    update: dict[str, Any] = {}
    if args.model is not None:
        update = {"model_path": args.model, "engine": "local"}
    elif args.remote is not None:
        update = {"remote_url": args.remote, "engine": "remote"}
    elif args.engine is not None:
        update = {"engine": args.engine}
    if getattr(args, "adapter", None) is not None:
        update["adapter_path"] = args.adapter
    return ctx.loaded.settings.inference.model_copy(update=update)


def choose_engine(ctx: CliContext, args: argparse.Namespace) -> EngineChoice:
    inference = inference_settings(ctx, args)
    choice = build_engine(ctx.paths, inference)
    for problem in choice.problems:
        ctx.warn(problem)
    if choice.degraded and inference.engine in ("local", "remote"):
        choice.engine.close()
        raise CliEngineError(choice.problems[-1])
    return choice


class JobRunner:
    """Jobs run one after another on one queue served by a plain thread, as the window
    serves its queue: the engine stays loaded between them and is closed by ``close``."""

    def __init__(self, engine: Engine) -> None:
        self._queue = JobQueue(engine)
        self._consumer = self._queue.start_thread("auralis-cli-inference")

    def run(self, job: Job) -> tuple[str, Any]:
        """Run ``job`` and wait for it; return (outcome, value). Ctrl+C cancels it."""
        finished = threading.Event()
        outcome: list[tuple[str, Any]] = []

        def settle(kind: str) -> Any:
            def record(_job_id: str, value: Any) -> None:
                outcome.append((kind, value))
                finished.set()

            return record

        job.sink.on_result, job.sink.on_error = settle("result"), settle("error")
        job.sink.on_cancelled = settle("cancelled")
        self._queue.submit(job)
        try:
            while not finished.wait(0.1):
                pass
        except KeyboardInterrupt:
            self._queue.cancel(job.id)
            finished.wait(10)
        return outcome[0] if outcome else ("cancelled", "cancelled")

    def close(self) -> None:
        """Stop the queue; its thread closes the engine."""
        self._queue.stop()
        self._consumer.join(30)

    def __enter__(self) -> "JobRunner":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def run_job(engine: Engine, job: Job) -> tuple[str, Any]:
    """Run one job on a queue served by a plain thread; return (outcome, value)."""
    with JobRunner(engine) as runner:
        return runner.run(job)


def job_value(outcome: str, value: Any, what: str) -> Any:
    """The job's result, or the error a user reads: an engine's or the store's own message
    (written for users), else only the exception's type (its message may quote the
    transcript) with its stack in the log. ``what`` names the work: "The generation"."""
    if outcome == "error":
        if isinstance(value, EngineError | StoreError):
            raise value
        logger.error("cli.job_failed", exc_info=value)
        raise CliEngineError(
            f"{what} failed unexpectedly ({type(value).__name__}); details are in the log."
        )
    if outcome == "cancelled":
        raise CliEngineError(
            f"{what} timed out." if value == "timeout" else f"{what} was cancelled."
        )
    return value
