import json
import math
import threading

import pytest

from core.llm.metrics import InferenceMetrics
from core.llm.types import GenerationResult, Timings


def _result(tokens: int, generation_s: float, degraded: bool = False) -> GenerationResult:
    return GenerationResult(
        engine="local",
        model_name="tiny",
        prompt_tokens=10,
        completion_tokens=tokens,
        timings=Timings(generation_s=generation_s),
        degraded=degraded,
    )


def _histogram(metrics: InferenceMetrics) -> dict[str, int]:
    return {b["le"]: b["count"] for b in metrics.snapshot()["run_s_histogram"]}


def test_empty_metrics_have_no_rates_or_means() -> None:
    snap = InferenceMetrics().snapshot()
    assert snap["total"] == 0 and snap["success_rate"] is None
    assert snap["tokens_per_s_mean"] is None and snap["run_s_mean"] is None
    assert snap["queue_wait_mean_s"] is None and snap["queue_wait_max_s"] is None
    assert all(b["count"] == 0 for b in snap["run_s_histogram"])


def test_counters_and_success_rate() -> None:
    m = InferenceMetrics()
    m.record("ok", 1.0, 0.0, _result(5, 1.0))
    m.record("ok", 1.0, 0.0, _result(5, 1.0, degraded=True))
    m.record("error", 0.5, 0.0)
    m.record("timeout", 2.0, 0.0)
    m.record("cancelled", 0.1, 0.0)
    m.record("superseded")
    assert (m.total, m.succeeded, m.failed, m.timeouts) == (6, 2, 1, 1)
    assert (m.cancelled, m.superseded, m.fallbacks) == (1, 1, 1)
    # Cancelled and superseded jobs say nothing about whether inference works.
    assert m.success_rate == pytest.approx(2 / 4)


def test_histogram_buckets_are_upper_bounds() -> None:
    m = InferenceMetrics()
    for run_s in (0.0, 0.1, 0.11, 1.0, 59.9, 60.0, 61.0, 3600.0):
        m.record("ok", run_s)
    m.record("superseded", None)  # never ran: not in the histogram
    hist = _histogram(m)
    assert list(hist) == ["0.1", "0.25", "0.5", "1", "2", "5", "10", "30", "60", "+Inf"]
    assert hist == {
        "0.1": 2,
        "0.25": 1,
        "0.5": 0,
        "1": 1,
        "2": 0,
        "5": 0,
        "10": 0,
        "30": 0,
        "60": 2,
        "+Inf": 2,
    }
    assert m.snapshot()["run_s_mean"] == pytest.approx(
        sum((0.0, 0.1, 0.11, 1.0, 59.9, 60.0, 61.0, 3600.0)) / 8
    )


def test_tokens_per_second_averages_results_that_generated() -> None:
    m = InferenceMetrics()
    m.record("ok", 1.0, None, _result(20, 1.0))  # 20 tok/s
    m.record("ok", 1.0, None, _result(40, 0.5))  # 80 tok/s
    m.record("ok", 1.0, None, _result(0, 0.0))  # nothing generated: no speed
    m.record("ok", 1.0, None, _result(7, 0.0))  # no generation time: no speed either
    snap = m.snapshot()
    assert snap["tokens_per_s_mean"] == pytest.approx(50.0)
    assert snap["completion_tokens"] == 67 and snap["prompt_tokens"] == 40


def test_queue_wait_mean_and_max() -> None:
    m = InferenceMetrics()
    for wait in (0.5, 1.5, 0.1):
        m.record("ok", 0.2, wait)
    m.record("superseded", None, None)  # never dequeued
    snap = m.snapshot()
    assert snap["queue_wait_mean_s"] == pytest.approx(0.7)
    assert snap["queue_wait_max_s"] == pytest.approx(1.5)


def test_snapshot_is_plain_json() -> None:
    m = InferenceMetrics()
    m.record("ok", 100.0, 0.01, _result(3, 0.1))
    snap = m.snapshot()
    assert json.loads(json.dumps(snap, allow_nan=False)) == snap
    snap["total"] = 99  # a copy: changing it changes nothing
    assert m.total == 1


def test_unknown_outcomes_and_bad_buckets_are_refused() -> None:
    with pytest.raises(ValueError):
        InferenceMetrics().record("done", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        InferenceMetrics(buckets=(1.0, 0.5, math.inf))
    with pytest.raises(ValueError):
        InferenceMetrics(buckets=(1.0, 2.0))


def test_recording_from_many_threads_loses_nothing() -> None:
    m = InferenceMetrics()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait(5.0)
        for _ in range(1000):
            m.record("ok", 0.3, 0.01, _result(2, 0.1))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10.0)
    assert not any(thread.is_alive() for thread in threads)
    snap = m.snapshot()
    assert snap["total"] == snap["succeeded"] == 8000
    assert _histogram(m)["0.5"] == 8000
    assert snap["completion_tokens"] == 16000
