"""The engine that needs no model: deterministic rules, always available.

``structured`` answers with the task's own rule answer (see ``core.llm.tasks``: the
domain that defines a task decides its fallback), clamped to the schema; a task without
one, or whose answer does not validate, gets the schema's minimal valid instance.
``chat``/``complete`` return an extract of the input's first sentences. Every result is
marked ``degraded``: it is a rule-based draft.
"""

import re
import time
from collections.abc import Sequence
from typing import Any

from core.llm.structured import clamp_to_schema, minimal_instance, validation_errors
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, EngineInfo, GenerationResult, Message, Timings, TokenSink

RULE_ENGINE_LABEL = "rule-based — no model loaded"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def extract_sentences(text: str, limit: int = 3) -> str:
    """The first ``limit`` sentences of ``text``, whitespace normalised."""
    sentences = [" ".join(s.split()) for s in _SENTENCE_END.split(text)]
    return " ".join([s for s in sentences if s][:limit])


class RuleEngine:
    """Stateless and fast; safe to call from any single thread at a time."""

    name = "rules"

    def info(self) -> EngineInfo:
        return EngineInfo(engine=self.name, model_name=RULE_ENGINE_LABEL)

    def _result(self, started: float, **fields: Any) -> GenerationResult:
        """A rule answer: always marked degraded, timed from ``started``."""
        elapsed = time.perf_counter() - started
        return GenerationResult(
            engine=self.name,
            model_name=RULE_ENGINE_LABEL,
            timings=Timings(total_s=elapsed, generation_s=elapsed),
            degraded=True,
            **fields,
        )

    def _text_result(
        self, text: str, started: float, on_token: TokenSink | None
    ) -> GenerationResult:
        if on_token is not None and text:
            on_token(text)
        return self._result(started, text=text)

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        return self._text_result(extract_sentences(prompt), time.perf_counter(), on_token)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        user = [m.content for m in messages if m.role == "user"]
        return self._text_result(
            extract_sentences(user[-1] if user else ""), time.perf_counter(), on_token
        )

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        started = time.perf_counter()
        schema = task.schema
        repairs: list[str] = []
        obj: Any = task.rule_answer()
        if obj is not None:
            obj, repairs = clamp_to_schema(obj, schema)
        if obj is None or validation_errors(obj, schema):
            obj = minimal_instance(schema)
            repairs.append("minimal_instance")
        return self._result(started, obj=obj, repairs=tuple(repairs))

    def cancel(self) -> None:
        """Nothing to stop: rules finish in milliseconds."""

    def close(self) -> None:
        """Nothing to release."""
