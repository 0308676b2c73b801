"""The surgery-state contract: schemas/surgery_state.schema.json."""

import copy
from typing import Any

import pytest
from jsonschema import Draft7Validator

from core.resources import load_schema

SCHEMA = load_schema("surgery_state.schema.json")
VALIDATOR = Draft7Validator(SCHEMA)


def valid_state() -> dict[str, Any]:
    return {
        "metadata": {
            "timestamp": "2025-01-31T14:05:09.123+00:00",
            "surgery": "PCNL",
            "phase": "Phase3",
            "next_phase": "Phase4",
            "reasoning": "suction requested",
            "processing_time_ms": 2.5,
            "matched_keywords": ["suction"],
            "temporal": None,
            "transcript_context": "--- Recent OR Transcript ---",
            "buffer_entries": 12,
            "buffer_duration_s": 40.5,
            "session_elapsed_s": 1830.0,
        },
        "machines": {"0": ["M02", "M03"], "1": ["M01"], "standby": ["M09"]},
        "details": {
            "toggles": [
                {
                    "machine_id": "M01",
                    "name": "Suction",
                    "action": "ON",
                    "trigger": "turn on the suction",
                    "confidence": 0.95,
                    "match_type": "trigger",
                }
            ],
            "negations": [],
            "debounced": ["M04"],
        },
        "suggestions": ["Prepare the nephroscope"],
        "confidence": 0.95,
        "source": "rule",
    }


def is_valid(state: Any) -> bool:
    return VALIDATOR.is_valid(state)


def test_schema_is_draft7_and_well_formed() -> None:
    Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["additionalProperties"] is False


def test_valid_state_validates() -> None:
    assert is_valid(valid_state())


def test_minimal_state_validates() -> None:
    state = {
        "metadata": {"timestamp": "2025-01-31T14:05:09Z", "surgery": "", "phase": "Phase1"},
        "machines": {"0": [], "1": []},
        "details": {},
        "suggestions": [],
        "confidence": 0,
        "source": "llm",
    }
    assert is_valid(state)


@pytest.mark.parametrize(
    "key", ["metadata", "machines", "details", "suggestions", "confidence", "source"]
)
def test_every_required_top_level_key(key: str) -> None:
    state = valid_state()
    del state[key]
    assert not is_valid(state)


@pytest.mark.parametrize("key", ["timestamp", "surgery", "phase"])
def test_required_metadata_keys(key: str) -> None:
    state = valid_state()
    del state["metadata"][key]
    assert not is_valid(state)


@pytest.mark.parametrize("key", ["0", "1"])
def test_required_machine_lists(key: str) -> None:
    state = valid_state()
    del state["machines"][key]
    assert not is_valid(state)


def test_standby_list_is_optional() -> None:
    state = valid_state()
    del state["machines"]["standby"]
    assert is_valid(state)


def test_additional_properties_rejected_at_top_level_and_in_machines() -> None:
    state = valid_state()
    state["extra"] = 1
    assert not is_valid(state)
    state = valid_state()
    state["machines"]["2"] = ["M05"]
    assert not is_valid(state)


@pytest.mark.parametrize("bad", ["M1", "M001", "m01", "X01", "M0A", "", 1])
def test_machine_id_pattern(bad: Any) -> None:
    for mutate in (
        lambda s: s["machines"]["1"].append(bad),
        lambda s: s["machines"]["standby"].append(bad),
        lambda s: s["details"]["toggles"][0].update(machine_id=bad),
        lambda s: s["details"]["debounced"].append(bad),
    ):
        state = valid_state()
        mutate(state)
        assert not is_valid(state)


def test_machine_lists_have_unique_items() -> None:
    state = valid_state()
    state["machines"]["0"] = ["M02", "M02"]
    assert not is_valid(state)


@pytest.mark.parametrize("phase", ["Phase", "phase3", "Phase3a", "3", "", None])
def test_phase_pattern(phase: Any) -> None:
    state = valid_state()
    state["metadata"]["phase"] = phase
    assert not is_valid(state)
    state = valid_state()
    state["metadata"]["next_phase"] = phase
    assert not is_valid(state) or phase is None


def test_next_phase_may_be_null() -> None:
    state = valid_state()
    state["metadata"]["next_phase"] = None
    assert is_valid(state)


@pytest.mark.parametrize("stamp", ["yesterday", "2025-01-31", "31/01/2025 14:05", ""])
def test_timestamp_must_be_iso_8601(stamp: str) -> None:
    state = valid_state()
    state["metadata"]["timestamp"] = stamp
    assert not is_valid(state)


@pytest.mark.parametrize(
    "source", ["rule", "llm", "rule+llm", "override", "medgemma", "rule+medgemma"]
)
def test_accepted_sources_include_legacy_medgemma(source: str) -> None:
    state = valid_state()
    state["source"] = source
    assert is_valid(state)


@pytest.mark.parametrize("source", ["model", "RULE", "", None])
def test_unknown_source_rejected(source: Any) -> None:
    state = valid_state()
    state["source"] = source
    assert not is_valid(state)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "TOGGLE"),
        ("action", "on"),
        ("match_type", "regex"),
        ("confidence", 1.5),
        ("confidence", -0.1),
        ("temporal", "soon"),
        ("temporal", None),
        ("temporal_text", 5),
        ("evidence", ["turn on"]),
    ],
)
def test_toggle_enums_and_bounds(field: str, value: Any) -> None:
    state = valid_state()
    state["details"]["toggles"][0][field] = value
    assert not is_valid(state)


@pytest.mark.parametrize("value", [0, 0.5, 1, 1.0])
def test_confidence_within_bounds(value: float) -> None:
    state = valid_state()
    state["confidence"] = value
    assert is_valid(state)


@pytest.mark.parametrize("value", [-0.01, 1.01, "0.8", None])
def test_confidence_out_of_bounds(value: Any) -> None:
    state = valid_state()
    state["confidence"] = value
    assert not is_valid(state)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("processing_time_ms", -1),
        ("buffer_entries", -1),
        ("buffer_entries", 1.5),
        ("buffer_duration_s", -0.5),
        ("session_elapsed_s", -2),
        ("matched_keywords", [1]),
        ("temporal", 3),
    ],
)
def test_metadata_field_types(field: str, value: Any) -> None:
    state = copy.deepcopy(valid_state())
    state["metadata"][field] = value
    assert not is_valid(state)


def test_pending_commands_are_toggles_of_the_same_shape() -> None:
    state = valid_state()
    state["details"]["pending"] = [{"machine_id": "M07", "action": "ON", "temporal": "when"}]
    assert is_valid(state)
    state["details"]["pending"][0]["action"] = "PENDING"
    assert not is_valid(state)
