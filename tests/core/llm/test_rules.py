from collections.abc import Sequence
from typing import Any

import jsonschema

from core.llm.rules import RULE_ENGINE_LABEL, RuleEngine, extract_sentences, schema_key
from core.llm.types import Message

SCHEMA: dict[str, Any] = {
    "$id": "test/word-count",
    "type": "object",
    "properties": {"words": {"type": "integer", "minimum": 0, "maximum": 50}},
    "required": ["words"],
}


def count_words(messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]:
    return {"words": sum(len(m.content.split()) for m in messages if m.role == "user")}


def test_a_registered_rule_answers_its_schema() -> None:
    engine = RuleEngine({"test/word-count": count_words})
    result = engine.structured([Message("user", "one two three")], SCHEMA)
    assert result.obj == {"words": 3}
    assert result.degraded and result.engine == "rules"
    assert result.model_name == RULE_ENGINE_LABEL


def test_rule_output_is_clamped_or_replaced() -> None:
    engine = RuleEngine({"test/word-count": count_words})
    result = engine.structured([Message("user", "w " * 80)], SCHEMA)
    assert result.obj == {"words": 50} and "words: clamped" in result.repairs

    broken = RuleEngine({"test/word-count": lambda messages, schema: {"nothing": True}})
    result = broken.structured([Message("user", "x")], SCHEMA)
    assert result.obj == {"words": 0} and "minimal_instance" in result.repairs


def test_an_unknown_schema_gets_its_minimal_valid_instance() -> None:
    schema = {
        "title": "unknown",
        "type": "object",
        "properties": {"s": {"enum": ["a", "b"]}},
        "required": ["s"],
    }
    result = RuleEngine({}).structured([Message("user", "x")], schema)
    jsonschema.validate(result.obj, schema)
    assert schema_key(schema) == "unknown"


def test_chat_extracts_the_first_sentences() -> None:
    streamed: list[str] = []
    result = RuleEngine({}).chat(
        [Message("system", "ignored"), Message("user", "First one.  Second!\nThird? Fourth.")],
        on_token=streamed.append,
    )
    assert result.text == "First one. Second! Third?"
    assert streamed == [result.text] and result.degraded
    assert extract_sentences("a.\n\n\nb.", 5) == "a. b."
    assert RuleEngine({}).complete("Only this.").text == "Only this."
