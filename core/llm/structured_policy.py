"""The structured-output policy every engine follows: two attempts, then the fallback.

Attempt 1 samples at the engine's structured temperature. If its output does not
validate after repair, attempt 2 is greedy, with twice the token budget when the first
was cut off. If that fails too, the fallback engine (the rules) answers and the result
is marked degraded. Called on the thread that owns the engine.
"""

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from core.llm.engine import Engine
from core.llm.structured import StructuredOutcome, finish_structured
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, GenerationResult, Timings
from core.logs import log_event

logger = logging.getLogger(__name__)

# The most tokens the two attempts may generate, in budgets of the first: the first, then
# a retry with twice its budget.
ATTEMPT_BUDGETS = 3


class Generation(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def finish_reason(self) -> str: ...


G = TypeVar("G", bound=Generation)


def two_attempts(
    schema: dict[str, Any],
    generate: Callable[[int, float], G],
    *,
    budget: int,
    temperature: float,
    engine: str,
) -> tuple[G, StructuredOutcome, list[str]] | None:
    """Run ``generate(max_tokens, temperature)`` until its text validates, at most twice.
    Returns the generation, its outcome and the policy's own repairs, or None."""
    for attempt in (1, 2):
        generated = generate(budget, temperature)
        outcome = finish_structured(generated.text, schema)
        if outcome.ok:
            return generated, outcome, ["retried"] if attempt == 2 else []
        log_event(
            logger,
            "llm.structured_invalid",
            engine=engine,
            attempt=attempt,
            errors=len(outcome.errors),
            finish_reason=generated.finish_reason,
        )
        if generated.finish_reason == "length":
            budget *= 2
        temperature = 0.0
    return None


def degraded_answer(
    fallback: Engine,
    task: StructuredTask,
    *,
    cancel: CancelToken | None,
    started: float,
    repairs: Sequence[str],
) -> GenerationResult:
    """The fallback engine's answer when the model's output could not be used."""
    answer = fallback.structured(task, cancel=cancel)
    return GenerationResult(
        engine=answer.engine,
        model_name=answer.model_name,
        obj=answer.obj,
        timings=Timings(total_s=time.perf_counter() - started),
        finish_reason="fallback",
        degraded=True,
        repairs=(*repairs, "model_output_invalid", *answer.repairs),
    )
