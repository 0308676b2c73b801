"""In-memory inference metrics: outcome counts, an inference-time histogram, generation
speed and queue wait. Numbers only: no prompt, output or error text is ever stored.

Threading contract: every method may be called from any thread; one lock guards the state.
The job queue's consumer thread records, the UI or CLI reads ``snapshot()``.
"""

import bisect
import math
import threading
from typing import Any, Literal, get_args

from core.llm.types import GenerationResult

Outcome = Literal["ok", "error", "cancelled", "timeout", "superseded"]
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))

# Upper bounds in seconds, Prometheus style (a value lands in the first bucket it is <= to).
RUN_S_BUCKETS: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, math.inf)


class InferenceMetrics:
    """Counters and distributions over finished jobs, safe to share between threads.

    ``success_rate`` is succeeded / (succeeded + failed + timeouts): a job the user
    cancelled or a newer update superseded says nothing about whether inference works.
    A result with ``degraded=True`` counts as a success and as a fallback.
    """

    def __init__(self, buckets: tuple[float, ...] = RUN_S_BUCKETS) -> None:
        if list(buckets) != sorted(set(buckets)) or not buckets or buckets[-1] != math.inf:
            raise ValueError("Buckets must be strictly increasing and end with math.inf.")
        self._lock = threading.Lock()
        self._buckets = buckets
        self._counts = dict.fromkeys(OUTCOMES, 0)
        self._fallbacks = 0
        self._histogram = [0] * len(buckets)
        self._run_s_sum = 0.0
        self._run_s_n = 0
        self._tps_sum = 0.0
        self._tps_n = 0
        self._prompt_tokens = 0
        self._completion_tokens = 0
        self._wait_sum = 0.0
        self._wait_n = 0
        self._wait_max = 0.0

    def record(
        self,
        outcome: Outcome,
        run_s: float | None = None,
        queue_wait_s: float | None = None,
        result: GenerationResult | None = None,
    ) -> None:
        """Count one finished job. ``run_s`` is None for a job that never ran (it is then
        left out of the histogram), ``queue_wait_s`` None for one that was never dequeued."""
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown outcome {outcome!r}; expected one of {sorted(OUTCOMES)}.")
        with self._lock:
            self._counts[outcome] += 1
            if run_s is not None:
                self._histogram[bisect.bisect_left(self._buckets, run_s)] += 1
                self._run_s_sum += run_s
                self._run_s_n += 1
            if queue_wait_s is not None:
                self._wait_sum += queue_wait_s
                self._wait_n += 1
                self._wait_max = max(self._wait_max, queue_wait_s)
            if result is not None:
                self._fallbacks += result.degraded
                self._prompt_tokens += result.prompt_tokens
                self._completion_tokens += result.completion_tokens
                # A result without a generation time has no speed: averaging in a 0 would lie.
                if result.tokens_per_s > 0:
                    self._tps_sum += result.tokens_per_s
                    self._tps_n += 1

    def _count(self, outcome: str) -> int:
        with self._lock:
            return self._counts[outcome]

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    @property
    def succeeded(self) -> int:
        return self._count("ok")

    @property
    def failed(self) -> int:
        return self._count("error")

    @property
    def cancelled(self) -> int:
        return self._count("cancelled")

    @property
    def timeouts(self) -> int:
        return self._count("timeout")

    @property
    def superseded(self) -> int:
        return self._count("superseded")

    @property
    def fallbacks(self) -> int:
        with self._lock:
            return self._fallbacks

    @property
    def success_rate(self) -> float | None:
        """None until a job has succeeded, failed or timed out."""
        with self._lock:
            return self._success_rate()

    def _success_rate(self) -> float | None:
        c = self._counts
        attempted = c["ok"] + c["error"] + c["timeout"]
        return c["ok"] / attempted if attempted else None

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy as a plain, JSON-serialisable dict (no NaN or infinity)."""
        with self._lock:
            c = self._counts
            return {
                "total": sum(c.values()),
                "succeeded": c["ok"],
                "failed": c["error"],
                "cancelled": c["cancelled"],
                "timeouts": c["timeout"],
                "superseded": c["superseded"],
                "fallbacks": self._fallbacks,
                "success_rate": self._success_rate(),
                "run_s_mean": _mean(self._run_s_sum, self._run_s_n),
                "run_s_histogram": [
                    {"le": "+Inf" if math.isinf(bound) else f"{bound:g}", "count": count}
                    for bound, count in zip(self._buckets, self._histogram, strict=True)
                ],
                "tokens_per_s_mean": _mean(self._tps_sum, self._tps_n),
                "prompt_tokens": self._prompt_tokens,
                "completion_tokens": self._completion_tokens,
                "queue_wait_mean_s": _mean(self._wait_sum, self._wait_n),
                "queue_wait_max_s": self._wait_max if self._wait_n else None,
            }


def _mean(total: float, n: int) -> float | None:
    return total / n if n else None
