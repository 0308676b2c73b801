import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.llm.structured import (
    clamp_to_schema,
    finish_structured,
    minimal_instance,
    parse_json_object,
    validation_errors,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=6)


@settings(max_examples=200)
@given(json_objects)
def test_complete_objects_parse_unchanged(obj: dict[str, Any]) -> None:
    assert parse_json_object(json.dumps(obj)) == (obj, [])


@settings(max_examples=300)
@given(json_objects, st.data())
def test_any_truncation_gives_an_object_or_none(obj: dict[str, Any], data: st.DataObject) -> None:
    text = json.dumps(obj)
    cut = data.draw(st.integers(0, len(text)))
    parsed, _ = parse_json_object(text[:cut])
    assert parsed is None or isinstance(parsed, dict)
    if parsed is not None and cut > 0:
        # nothing is invented: every kept top-level key was in the original
        assert set(parsed) <= set(obj)


def test_truncated_output_keeps_the_complete_members() -> None:
    text = '{"phase": "Phase2", "confidence": 0.7, "reasoning": "the surgeon asked for suc'
    obj, repairs = parse_json_object(text)
    assert obj == {"phase": "Phase2", "confidence": 0.7, "reasoning": "the surgeon asked for suc"}
    assert repairs == ["closed_truncated_json"]
    assert parse_json_object('{"a": 1, "b"')[0] == {"a": 1}
    assert parse_json_object('{"a": {"b": [1, 2')[0] == {"a": {"b": [1, 2]}}
    assert parse_json_object('noise before {"a": 1} ') == ({"a": 1}, [])
    assert parse_json_object("no json here") == (None, [])
    assert parse_json_object("[1, 2]") == (None, [])


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "count": {"type": "integer", "minimum": 0, "maximum": 10},
        "state": {"type": "string", "enum": ["ON", "OFF", "STANDBY"]},
        "reason": {"type": "string", "maxLength": 10},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "maxItems": 2},
        "nested": {"$ref": "#/definitions/level"},
    },
    "required": ["confidence", "state"],
    "additionalProperties": False,
    "definitions": {"level": {"type": "number", "minimum": 1, "maximum": 5}},
}


def test_clamping_fixes_what_grammars_cannot() -> None:
    obj = {
        "confidence": 3.5,
        "count": 7.6,
        "state": "standby",
        "reason": "a very long reason indeed",
        "tags": ["a", "a", "b", "c"],
        "nested": 9,
        "extra": "dropped",
    }
    fixed, repairs = clamp_to_schema(obj, SCHEMA)
    assert fixed == {
        "confidence": 1,
        "count": 8,
        "state": "STANDBY",
        "reason": "a very lon",
        "tags": ["a", "b"],
        "nested": 5,
    }
    assert validation_errors(fixed, SCHEMA) == []
    assert "confidence: clamped" in repairs and "nested: clamped" in repairs


def test_numeric_strings_become_numbers() -> None:
    fixed, repairs = clamp_to_schema({"confidence": "0.85", "state": "ON"}, SCHEMA)
    assert fixed["confidence"] == 0.85
    assert "confidence: number_from_string" in repairs


def test_missing_required_properties_are_not_invented() -> None:
    fixed, _ = clamp_to_schema({"confidence": 0.5}, SCHEMA)
    assert fixed == {"confidence": 0.5}
    assert validation_errors(fixed, SCHEMA) == ["(root): required"]


def test_errors_never_quote_values() -> None:
    secret = "she said she wants to end it all"
    errors = validation_errors({"confidence": secret, "state": secret}, SCHEMA)
    assert errors and all(secret not in error for error in errors)
    outcome = finish_structured(json.dumps({"state": secret}), SCHEMA)
    assert all(secret not in error for error in outcome.errors)


def test_control_characters_are_removed() -> None:
    outcome = finish_structured(
        '{"confidence": 0.5, "state": "ON", "reason": "ok\x1e\x05"}', SCHEMA
    )
    assert outcome.ok and outcome.obj is not None
    assert outcome.obj["reason"] == "ok"
    assert "removed_control_characters" in outcome.repairs


@pytest.mark.parametrize(
    "schema",
    [
        SCHEMA,
        {
            "type": "object",
            "properties": {"a": {"type": "string", "minLength": 3}},
            "required": ["a"],
        },
        {
            "type": "object",
            "properties": {"x": {"type": "integer", "exclusiveMinimum": 4}},
            "required": ["x"],
        },
        {
            "type": "object",
            "properties": {"l": {"type": "array", "minItems": 2, "items": {"type": "boolean"}}},
            "required": ["l"],
        },
        {
            "type": "object",
            "properties": {"n": {"type": ["null", "string"]}, "c": {"const": 3}},
            "required": ["n", "c"],
        },
        {
            "type": "object",
            "properties": {"o": {"anyOf": [{"type": "integer", "minimum": 2}, {"type": "string"}]}},
            "required": ["o"],
        },
        {
            "type": "object",
            "properties": {"neg": {"type": "number", "maximum": -3}},
            "required": ["neg"],
        },
    ],
)
def test_minimal_instance_is_valid(schema: dict[str, Any]) -> None:
    jsonschema.validate(minimal_instance(schema), schema)
