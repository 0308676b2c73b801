"""What a structured request asks an engine for, and what the rules answer instead.

Every structured request is a typed task of the domain that owns it: a note's sections
for a template, the operating-room state of a surgery, a patient summary. A task carries
the messages for a model, the JSON Schema its answer must validate against, and the
domain's own deterministic answer (``rule_answer``). The rule engine gives that answer
when no model is loaded, and every engine gives it when its model's output cannot be
used. So the fallback is decided where the task is defined, can be tested without any
engine, and no engine ever reads a prompt back to find out what was asked.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.llm.types import Message


class StructuredTask(Protocol):
    """A structured request. Tasks are immutable values: an engine may run one on any
    thread, and ``rule_answer`` uses nothing but the task itself."""

    @property
    def kind(self) -> str:
        """What is asked, for logs and metrics ("note", "or_state"): never patient text."""
        ...

    @property
    def messages(self) -> Sequence[Message]:
        """The conversation a model answers."""
        ...

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema every answer validates against."""
        ...

    def rule_answer(self) -> dict[str, Any] | None:
        """The deterministic answer, without a model; None where the domain has none
        (the rules then answer with the schema's minimal valid instance)."""
        ...


@dataclass(frozen=True)
class SchemaTask:
    """A request that only names a schema (one given on the command line, a benchmark's):
    it has no rule of its own."""

    messages: Sequence[Message]
    schema: dict[str, Any]
    kind: str = "schema"

    def rule_answer(self) -> dict[str, Any] | None:
        return None
