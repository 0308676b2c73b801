"""The job queue's contract with real threads: order, coalescing, cancellation, timeouts,
errors, shutdown, engine swaps, metrics and log lines. Every wait is bounded."""

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, JobQueue, JobSink, Priority, QueueStopped
from core.llm.tasks import StructuredTask
from core.llm.types import (
    CancelToken,
    EngineInfo,
    GenerationCancelled,
    GenerationResult,
    Message,
    Timings,
    TokenSink,
)

WAIT_S = 5.0
SECRET = "the patient mentioned a plan to jump"
Run = Callable[[Engine, JobContext], Any]


class WordEngine:
    """A real engine implementation for the queue's contract: it answers with the words of
    its input reversed and counts them as tokens. It records close() and cancel() calls."""

    name = "rules"

    def __init__(self, label: str) -> None:
        self.label = label
        self.closed_on: int | None = None
        self.cancel_calls = 0

    def info(self) -> EngineInfo:
        return EngineInfo(engine=self.name, model_name=self.label)

    def _answer(
        self, text: str, on_token: TokenSink | None, cancel: CancelToken | None
    ) -> GenerationResult:
        words = text.split()
        for word in reversed(words):
            if cancel is not None:
                cancel.check()
            if on_token is not None:
                on_token(word + " ")
        return GenerationResult(
            engine=self.name,
            model_name=self.label,
            text=" ".join(reversed(words)),
            prompt_tokens=len(words),
            completion_tokens=len(words),
            timings=Timings(generation_s=len(words) / 100, total_s=len(words) / 100),
        )

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        return self._answer(prompt, on_token, cancel)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        return self._answer(" ".join(m.content for m in messages), on_token, cancel)

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        result = self.chat(task.messages, on_token=on_token, cancel=cancel)
        return GenerationResult(
            engine=self.name, model_name=self.label, obj={"words": result.completion_tokens}
        )

    def cancel(self) -> None:
        self.cancel_calls += 1

    def close(self) -> None:
        self.closed_on = threading.get_ident()


class Recorder:
    """Collects every callback with the thread it ran on; waits for a job's final one."""

    FINAL = ("result", "error", "cancelled")

    def __init__(self) -> None:
        self.events: list[tuple[str, str, Any]] = []
        self.threads: set[int] = set()
        self._cond = threading.Condition()

    def sink(self) -> JobSink:
        return JobSink(
            on_token=lambda job_id, text: self._add("token", job_id, text),
            on_progress=lambda job_id, stage, frac: self._add("progress", job_id, (stage, frac)),
            on_result=lambda job_id, result: self._add("result", job_id, result),
            on_error=lambda job_id, error: self._add("error", job_id, error),
            on_cancelled=lambda job_id, reason: self._add("cancelled", job_id, reason),
        )

    def _add(self, kind: str, job_id: str, value: Any) -> None:
        with self._cond:
            self.events.append((kind, job_id, value))
            self.threads.add(threading.get_ident())
            self._cond.notify_all()

    def finals(self, job_id: str) -> list[tuple[str, Any]]:
        with self._cond:
            return [(k, v) for k, i, v in self.events if i == job_id and k in self.FINAL]

    def final(self, job_id: str, timeout: float = WAIT_S) -> tuple[str, Any]:
        with self._cond:
            assert self._cond.wait_for(lambda: self.finals(job_id), timeout), job_id
        return self.finals(job_id)[0]


class Harness:
    def __init__(self) -> None:
        self.engine = WordEngine("first")
        self.queue = JobQueue(self.engine)
        self.rec = Recorder()
        self.ran: list[str] = []  # ids in the order their run() began
        self.thread = self.queue.start_thread("test-inference")

    def submit(self, run: Run | None = None, **kwargs: Any) -> str:
        def recording(engine: Engine, ctx: JobContext) -> Any:
            self.ran.append(ctx.job_id)
            return (run or _chat("a b c"))(engine, ctx)

        return self.queue.submit(Job(kind="test", run=recording, sink=self.rec.sink(), **kwargs))

    def block(self) -> tuple[str, threading.Event]:
        """Occupy the consumer until the returned event is set; streams tokens meanwhile."""
        started, release = threading.Event(), threading.Event()

        def run(engine: Engine, ctx: JobContext) -> str:
            started.set()
            deadline = time.monotonic() + WAIT_S
            while not release.is_set() and time.monotonic() < deadline:
                ctx.cancel.check()
                ctx.emit_token(".")
                release.wait(0.01)
            return "released"

        job_id = self.submit(run, priority=Priority.INTERACTIVE)
        assert started.wait(WAIT_S)
        return job_id, release

    def close(self) -> None:
        self.queue.stop()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


def _chat(text: str) -> Run:
    return lambda engine, ctx: engine.chat([Message("user", text)], on_token=ctx.emit_token)


def _until_cancelled(engine: Engine, ctx: JobContext) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        ctx.cancel.check()
        time.sleep(0.005)
    raise AssertionError("never cancelled")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = record.__dict__["fields"]
    return fields


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.close()


def test_higher_priority_runs_first_and_fifo_within_a_priority(h: Harness) -> None:
    blocker, release = h.block()
    batch1 = h.submit(priority=Priority.BATCH)
    or1 = h.submit(priority=Priority.OR_UPDATE)
    note1 = h.submit(priority=Priority.INTERACTIVE)
    batch2 = h.submit(priority=Priority.BATCH)
    note2 = h.submit(priority=Priority.INTERACTIVE)
    or2 = h.submit(priority=Priority.OR_UPDATE)
    release.set()
    for job_id in (batch1, batch2):
        assert h.rec.final(job_id)[0] == "result"
    assert h.ran == [blocker, note1, note2, or1, or2, batch1, batch2]


def test_submit_refuses_bad_priorities_and_duplicate_ids(h: Harness) -> None:
    with pytest.raises(ValueError):
        h.submit(priority=7)
    _, release = h.block()
    job_id = h.submit()
    with pytest.raises(ValueError):
        h.submit(id=job_id)
    release.set()
    assert h.rec.final(job_id)[0] == "result"


def test_result_and_tokens_arrive_on_the_consumer_thread(h: Harness) -> None:
    job_id = h.submit(_chat("one two three"))
    kind, result = h.rec.final(job_id)
    assert kind == "result" and isinstance(result, GenerationResult)
    assert result.text == "three two one" and result.model_name == "first"
    tokens = [v for k, i, v in h.rec.events if k == "token" and i == job_id]
    assert tokens == ["three ", "two ", "one "]
    assert h.rec.threads == {h.thread.ident}


def test_progress_is_passed_through(h: Harness) -> None:
    def run(engine: Engine, ctx: JobContext) -> int:
        ctx.emit_progress("prompt", None)
        ctx.emit_progress("generate", 0.5)
        return 1

    job_id = h.submit(run)
    assert h.rec.final(job_id) == ("result", 1)
    progress = [v for k, i, v in h.rec.events if k == "progress" and i == job_id]
    assert progress == [("prompt", None), ("generate", 0.5)]


def test_coalescing_keeps_only_the_latest_queued_job(h: Harness) -> None:
    _, release = h.block()
    first = h.submit(_chat("old"), priority=Priority.OR_UPDATE, coalesce_key="room-1")
    other = h.submit(priority=Priority.OR_UPDATE, coalesce_key="room-2")
    second = h.submit(_chat("older"), priority=Priority.OR_UPDATE, coalesce_key="room-1")
    latest = h.submit(_chat("newest"), priority=Priority.OR_UPDATE, coalesce_key="room-1")
    assert h.rec.final(first) == ("cancelled", "superseded")  # delivered while blocked
    release.set()
    assert h.rec.final(second) == ("cancelled", "superseded")
    kind, result = h.rec.final(latest)
    assert kind == "result" and result.text == "newest"
    assert h.rec.final(other)[0] == "result"
    # The replacement took its predecessor's place in line, ahead of "other".
    assert h.ran[1:] == [latest, other]
    assert h.queue.metrics.superseded == 2


def test_a_running_job_is_not_replaced_by_one_with_its_key(h: Harness) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(engine: Engine, ctx: JobContext) -> str:
        started.set()
        assert release.wait(WAIT_S)
        return "first"

    running = h.submit(slow, coalesce_key="room-1")
    assert started.wait(WAIT_S)
    queued = h.submit(lambda engine, ctx: "second", coalesce_key="room-1")
    release.set()
    assert h.rec.final(running) == ("result", "first")
    assert h.rec.final(queued) == ("result", "second")


def test_cancel_a_queued_job_while_another_streams(h: Harness) -> None:
    _, release = h.block()
    job_id = h.submit()
    assert h.queue.cancel(job_id) is True
    # The consumer is still busy, but delivers the notice at the running job's next token.
    assert h.rec.final(job_id, timeout=1.0) == ("cancelled", "cancelled")
    release.set()
    assert h.queue.cancel(job_id) is False
    assert h.queue.cancel("no-such-job") is False
    later = h.submit()
    assert h.rec.final(later)[0] == "result"
    assert job_id not in h.ran
    assert len(h.rec.finals(job_id)) == 1


def test_cancel_a_running_job(h: Harness) -> None:
    started = threading.Event()

    def run(engine: Engine, ctx: JobContext) -> None:
        started.set()
        _until_cancelled(engine, ctx)

    job_id = h.submit(run)
    assert started.wait(WAIT_S)
    t0 = time.monotonic()
    assert h.queue.cancel(job_id) is True
    assert h.rec.final(job_id, timeout=1.0) == ("cancelled", "cancelled")
    assert time.monotonic() - t0 < 1.0
    assert h.engine.cancel_calls == 1
    assert h.queue.cancel(job_id) is False


def test_timeout_stops_a_running_job(h: Harness) -> None:
    t0 = time.monotonic()
    job_id = h.submit(_until_cancelled, timeout_s=0.2)
    assert h.rec.final(job_id, timeout=3.0) == ("cancelled", "timeout")
    assert time.monotonic() - t0 >= 0.2
    assert h.queue.metrics.timeouts == 1


def test_time_in_the_queue_does_not_count_toward_the_timeout(h: Harness) -> None:
    _, release = h.block()
    job_id = h.submit(timeout_s=0.2)
    time.sleep(0.4)
    release.set()
    assert h.rec.final(job_id)[0] == "result"


def test_a_job_that_cannot_start_in_time_never_runs(h: Harness) -> None:
    job_id = h.submit(timeout_s=0)
    assert h.rec.final(job_id) == ("cancelled", "timeout")
    assert job_id not in h.ran


def test_errors_go_to_on_error_and_the_consumer_keeps_serving(h: Harness) -> None:
    def boom(engine: Engine, ctx: JobContext) -> None:
        raise ValueError(SECRET)

    failed = h.submit(boom)
    kind, error = h.rec.final(failed)
    assert kind == "error" and isinstance(error, ValueError)
    assert h.rec.final(h.submit())[0] == "result"


def test_a_raising_callback_does_not_kill_the_consumer(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.llm.jobs")
    delivered = threading.Event()

    def bad_receiver(job_id: str, result: Any) -> None:
        delivered.set()
        raise RuntimeError(SECRET)

    def bad_token(job_id: str, text: str) -> None:
        raise RuntimeError(SECRET)

    sink = JobSink(on_result=bad_receiver, on_token=bad_token)
    h.queue.submit(Job(kind="test", run=_chat("x y"), sink=sink))
    assert delivered.wait(WAIT_S)
    assert h.rec.final(h.submit())[0] == "result"
    failures = [r for r in caplog.records if r.getMessage() == "llm.job_callback_failed"]
    assert {_fields(r)["callback"] for r in failures} == {"on_token", "on_result"}
    assert all(_fields(r)["error_type"] == "RuntimeError" for r in failures)
    assert h.thread.is_alive()


def test_stop_cancels_queued_and_running_jobs_and_serve_returns(h: Harness) -> None:
    running, _ = h.block()
    queued = [h.submit(), h.submit(priority=Priority.BATCH)]
    t0 = time.monotonic()
    h.queue.stop()
    h.thread.join(WAIT_S)
    assert not h.thread.is_alive() and time.monotonic() - t0 < 1.0
    assert h.rec.final(running, timeout=0) == ("cancelled", "shutdown")
    for job_id in queued:
        assert h.rec.final(job_id, timeout=0) == ("cancelled", "shutdown")
    assert h.engine.closed_on == h.thread.ident
    with pytest.raises(QueueStopped):
        h.submit()
    assert h.rec.threads == {h.thread.ident}


def test_stop_can_let_the_running_job_finish(h: Harness) -> None:
    running, release = h.block()
    queued = h.submit()
    h.queue.stop(cancel_running=False)
    assert h.rec.final(queued, timeout=1.0) == ("cancelled", "shutdown")
    release.set()
    h.thread.join(WAIT_S)
    assert not h.thread.is_alive()
    assert h.rec.final(running, timeout=0) == ("result", "released")


def test_serve_runs_on_any_thread_and_returns_after_stop() -> None:
    queue = JobQueue(WordEngine("first"))
    queue.stop()  # before serve(): serve() must still return, not block
    thread = threading.Thread(target=queue.serve, daemon=True)
    thread.start()
    thread.join(WAIT_S)
    assert not thread.is_alive()
    with pytest.raises(RuntimeError):
        queue.serve()


def test_set_engine_swaps_between_jobs_and_closes_the_old_one(h: Harness) -> None:
    second = WordEngine("second")
    started, release = threading.Event(), threading.Event()

    def slow(engine: Engine, ctx: JobContext) -> str:
        started.set()
        assert release.wait(WAIT_S)
        return engine.info().model_name

    running = h.submit(slow)
    assert started.wait(WAIT_S)
    h.queue.set_engine(second)
    later = h.submit(lambda engine, ctx: engine.info().model_name)
    time.sleep(0.05)
    assert h.engine.closed_on is None  # never while a job still uses it
    release.set()
    assert h.rec.final(running) == ("result", "first")
    assert h.rec.final(later) == ("result", "second")
    assert h.engine.closed_on == h.thread.ident
    assert second.closed_on is None
    h.close()
    assert second.closed_on == h.thread.ident


def test_set_engine_keeps_only_the_newest_of_several(h: Harness) -> None:
    _, release = h.block()
    middle, newest = WordEngine("middle"), WordEngine("newest")
    h.queue.set_engine(middle)
    h.queue.set_engine(newest)
    job_id = h.submit(lambda engine, ctx: engine.info().model_name)
    release.set()
    assert h.rec.final(job_id) == ("result", "newest")
    assert middle.closed_on == h.thread.ident and h.engine.closed_on == h.thread.ident


def test_metrics_count_every_outcome(h: Harness) -> None:
    def boom(engine: Engine, ctx: JobContext) -> None:
        raise KeyError("x")

    def degraded(engine: Engine, ctx: JobContext) -> GenerationResult:
        return GenerationResult(engine="rules", model_name="rules", degraded=True)

    ok = h.submit(_chat("a b c d"))
    err = h.submit(boom)
    fallback = h.submit(degraded)
    timeout = h.submit(_until_cancelled, timeout_s=0.05)
    for job_id in (ok, err, fallback, timeout):
        h.rec.final(job_id)
    snap = h.queue.metrics.snapshot()
    assert snap["total"] == 4 and snap["succeeded"] == 2 and snap["failed"] == 1
    assert snap["timeouts"] == 1 and snap["fallbacks"] == 1 and snap["cancelled"] == 0
    assert snap["success_rate"] == pytest.approx(0.5)
    assert sum(bucket["count"] for bucket in snap["run_s_histogram"]) == 4
    assert snap["tokens_per_s_mean"] == pytest.approx(100.0)  # 4 words in 0.04 s
    assert snap["prompt_tokens"] == 4 and snap["completion_tokens"] == 4


def test_log_lines_carry_numbers_and_never_text(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def boom(engine: Engine, ctx: JobContext) -> None:
        raise ValueError(SECRET)

    def own_reason(engine: Engine, ctx: JobContext) -> None:
        raise GenerationCancelled(SECRET)

    ok = h.submit(_chat(SECRET), priority=Priority.INTERACTIVE)
    err = h.submit(boom)
    odd = h.submit(own_reason)
    for job_id in (ok, err, odd):
        h.rec.final(job_id)
    assert h.rec.final(odd) == ("cancelled", SECRET)  # the receiver gets it; the log does not
    lines = {_fields(r)["job_id"]: r for r in caplog.records if r.getMessage() == "llm.job"}
    ok_fields = _fields(lines[ok])
    assert ok_fields["queue_wait_ms"] >= 0 and ok_fields["run_ms"] >= 0
    assert ok_fields == {
        "job_id": ok,
        "kind": "test",
        "outcome": "ok",
        "priority": "interactive",
        "queue_wait_ms": ok_fields["queue_wait_ms"],
        "run_ms": ok_fields["run_ms"],
        "timeout_s": None,
        "prompt_tokens": 7,
        "completion_tokens": 7,
        "tokens_per_s": 100.0,
        "engine": "rules",
        "degraded": False,
    }
    assert _fields(lines[err])["error_type"] == "ValueError"
    assert lines[err].levelno == logging.WARNING
    assert (
        _fields(lines[odd])["reason"] == "other" and _fields(lines[odd])["outcome"] == "cancelled"
    )
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(getattr(record, "fields", {}))
        assert record.exc_info is None and not record.args
