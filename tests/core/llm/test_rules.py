from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema

from core.llm.rules import RULE_ENGINE_LABEL, RuleEngine, extract_sentences
from core.llm.tasks import SchemaTask
from core.llm.types import Message

SCHEMA: dict[str, Any] = {
    "$id": "test/word-count",
    "type": "object",
    "properties": {"words": {"type": "integer", "minimum": 0, "maximum": 50}},
    "required": ["words"],
}


@dataclass(frozen=True)
class WordCountTask:
    """A task whose rule answer counts the words of the user's messages."""

    messages: Sequence[Message]
    schema: dict[str, Any]
    answer: dict[str, Any] | None = None
    kind: str = "word_count"

    def rule_answer(self) -> dict[str, Any] | None:
        if self.answer is not None:
            return self.answer
        return {"words": sum(len(m.content.split()) for m in self.messages if m.role == "user")}


def test_the_rules_answer_with_the_tasks_own_rule() -> None:
    result = RuleEngine().structured(WordCountTask([Message("user", "one two three")], SCHEMA))
    assert result.obj == {"words": 3}
    assert result.degraded and result.engine == "rules"
    assert result.model_name == RULE_ENGINE_LABEL


def test_rule_output_is_clamped_or_replaced() -> None:
    result = RuleEngine().structured(WordCountTask([Message("user", "w " * 80)], SCHEMA))
    assert result.obj == {"words": 50} and "words: clamped" in result.repairs

    broken = WordCountTask([Message("user", "x")], SCHEMA, answer={"nothing": True})
    result = RuleEngine().structured(broken)
    assert result.obj == {"words": 0} and "minimal_instance" in result.repairs


def test_a_task_without_a_rule_gets_its_schemas_minimal_valid_instance() -> None:
    schema = {
        "title": "unknown",
        "type": "object",
        "properties": {"s": {"enum": ["a", "b"]}},
        "required": ["s"],
    }
    result = RuleEngine().structured(SchemaTask([Message("user", "x")], schema))
    jsonschema.validate(result.obj, schema)
    assert result.repairs == ("minimal_instance",)


def test_chat_extracts_the_first_sentences() -> None:
    streamed: list[str] = []
    result = RuleEngine().chat(
        [Message("system", "ignored"), Message("user", "First one.  Second!\nThird? Fourth.")],
        on_token=streamed.append,
    )
    assert result.text == "First one. Second! Third?"
    assert streamed == [result.text] and result.degraded
    assert extract_sentences("a.\n\n\nb.", 5) == "a. b."
    assert RuleEngine().complete("Only this.").text == "Only this."
