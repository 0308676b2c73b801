"""The structured task of clinical notes (see ``core.llm.tasks``): a summary of sessions,
with its prompt, its schema and its rule answer, which every engine gives when its
model's output cannot be used. (A note itself is written as headed text and checked
section by section: ``core.notes.drafting``.)"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.llm.types import Message
from core.notes.prompts import summary_messages
from core.notes.rules_note import rule_summary
from core.notes.templates import SUMMARY_SCHEMA


@dataclass(frozen=True)
class SessionsSummaryTask:
    """A summary and key points of sessions' transcripts (each under its own header), or
    of the summaries of a long history's parts."""

    text: str
    kind: str = "summary"

    @property
    def messages(self) -> Sequence[Message]:
        return summary_messages(self.text)

    @property
    def schema(self) -> dict[str, Any]:
        return SUMMARY_SCHEMA

    def rule_answer(self) -> dict[str, Any]:
        return rule_summary(self.text)
