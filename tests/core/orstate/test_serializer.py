"""Building, repairing and merging OR states; every output validates."""

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.orstate.serializer import (
    build_current_state,
    get_validation_errors,
    machine_map,
    merge,
    normalize_llm_output,
    normalize_rule_output,
    validate,
)

IDS = [f"M{i:02d}" for i in range(1, 10)]
ALL_OFF = dict.fromkeys(IDS, "OFF")


def rule_state(**overrides: Any) -> dict[str, Any]:
    states = {**ALL_OFF, "M01": "ON"}
    kwargs: dict[str, Any] = {
        "surgery": "PCNL",
        "phase": "Phase3",
        "machine_states": states,
        "timestamp": "2025-01-31T14:05:09.000+00:00",
    }
    kwargs.update(overrides)
    toggles = kwargs.pop("toggles", [toggle("M01", "ON", 0.9)])
    return normalize_rule_output(toggles, **kwargs)


def toggle(machine: str, action: str, confidence: float = 0.9) -> dict[str, Any]:
    return {
        "machine_id": machine,
        "name": "Suction",
        "action": action,
        "trigger": "turn on the suction",
        "confidence": confidence,
        "match_type": "trigger",
    }


def assert_valid(state: Any) -> None:
    assert get_validation_errors(state) == []
    assert validate(state)


# --- build_current_state and rule output ------------------------------------------------


def test_build_current_state_sorts_and_skips_unknown() -> None:
    assert build_current_state(
        {"M03": "ON", "M01": "on", "M02": "STANDBY", "M09": "OFF", "X1": "ON", "M04": "??"}
    ) == {"0": ["M09"], "1": ["M01", "M03"], "standby": ["M02"]}


def test_rule_output_is_valid_and_complete() -> None:
    state = rule_state(
        next_phase="Phase4",
        matched_keywords=["suction"],
        temporal="now",
        negations=["don't stop"],
        debounced=["M05"],
        processing_time_ms=1.5,
        buffer_summary={"entries": 7, "duration_s": 30.0},
        transcript_context="--- Recent OR Transcript ---",
        session_elapsed_s=600.0,
    )
    assert_valid(state)
    assert state["source"] == "rule"
    assert state["confidence"] == 0.9
    assert state["machines"] == {"0": IDS[1:], "1": ["M01"], "standby": []}
    meta = state["metadata"]
    assert (meta["phase"], meta["next_phase"], meta["surgery"]) == ("Phase3", "Phase4", "PCNL")
    assert (meta["buffer_entries"], meta["buffer_duration_s"]) == (7, 30.0)
    assert state["details"]["debounced"] == ["M05"]
    assert state["details"]["toggles"][0]["machine_id"] == "M01"


def test_rule_output_without_toggles_has_full_confidence() -> None:
    state = rule_state(toggles=[])
    assert_valid(state)
    assert state["confidence"] == 1.0
    assert state["metadata"]["timestamp"] == "2025-01-31T14:05:09.000+00:00"


def test_rule_confidence_is_max_and_bad_toggles_dropped() -> None:
    state = rule_state(
        toggles=[toggle("M01", "ON", 0.4), toggle("M02", "STANDBY", 0.7), {"machine_id": "Z"}]
    )
    assert state["confidence"] == 0.7
    assert [t["machine_id"] for t in state["details"]["toggles"]] == ["M01", "M02"]


def test_rule_output_default_timestamp_is_iso() -> None:
    state = normalize_rule_output([], surgery="", phase="Phase1", machine_states={})
    assert_valid(state)
    assert state["metadata"]["timestamp"].endswith("+00:00")


def test_rule_output_rejects_bad_phase() -> None:
    with pytest.raises(ValueError, match="Phase<n>"):
        rule_state(phase="closing")


# --- model output --------------------------------------------------------------------------


def test_llm_list_form() -> None:
    previous = rule_state()
    raw = {
        "phase": "Phase4",
        "next_phase": "Phase5",
        "reasoning": "closure started",
        "machines": {"0": ["M01"], "1": ["M02"], "standby": ["M03"]},
        "suggestions": ["prepare sutures"],
        "confidence": 0.8,
    }
    state = normalize_llm_output(raw, surgery="PCNL", previous=previous)
    assert_valid(state)
    assert state["source"] == "llm"
    states = machine_map(state)
    assert (states["M01"], states["M02"], states["M03"], states["M04"]) == (
        "OFF",
        "ON",
        "STANDBY",
        "OFF",
    )
    assert state["metadata"]["phase"] == "Phase4"
    assert state["metadata"]["next_phase"] == "Phase5"
    assert state["metadata"]["reasoning"] == "closure started"
    assert state["suggestions"] == ["prepare sutures"]
    assert {t["machine_id"] for t in state["details"]["toggles"]} == {"M01", "M02", "M03"}
    assert all(t["match_type"] == "llm" for t in state["details"]["toggles"])
    # the model names no words nor time: the rules' fields are there, empty
    for toggle in state["details"]["toggles"]:
        assert (toggle["temporal"], toggle["temporal_text"], toggle["evidence"]) == ("none", "", "")


def test_llm_per_machine_map_and_unchanged() -> None:
    previous = rule_state()
    raw = {"machines": {"M01": "UNCHANGED", "M02": "ON", "M07": "standby", "M42": "ON"}}
    state = normalize_llm_output(raw, surgery="PCNL", previous=previous)
    assert_valid(state)
    states = machine_map(state)
    assert states["M01"] == "ON"  # unchanged from previous
    assert states["M02"] == "ON"
    assert states["M07"] == "STANDBY"
    assert "M42" not in states  # unknown id dropped


def test_llm_top_level_machine_map() -> None:
    state = normalize_llm_output({"M03": "ON", "m4": True}, surgery="PCNL", previous=rule_state())
    assert_valid(state)
    assert machine_map(state)["M03"] == "ON"
    assert machine_map(state)["M04"] == "ON"


def test_llm_reasoning_and_next_phase_in_metadata() -> None:
    raw = {"metadata": {"phase": "phase 5", "next_phase": None, "reasoning": "why"}}
    state = normalize_llm_output(raw, surgery="PCNL", previous=rule_state(next_phase="Phase4"))
    assert_valid(state)
    assert state["metadata"]["phase"] == "Phase5"
    assert state["metadata"]["next_phase"] is None
    assert state["metadata"]["reasoning"] == "why"


@pytest.mark.parametrize(
    ("given_conf", "expected"),
    [("0.8", 0.8), ("80%", 0.8), (80, 0.8), (0.25, 0.25), (-3, 0.0), (250, 1.0), ("1", 1.0)],
)
def test_llm_confidence_coerced_and_clamped(given_conf: Any, expected: float) -> None:
    state = normalize_llm_output(
        {"confidence": given_conf, "phase": "Phase3"}, surgery="PCNL", previous=rule_state()
    )
    assert_valid(state)
    assert state["confidence"] == pytest.approx(expected)


def test_llm_missing_keys_filled_from_previous() -> None:
    previous = rule_state(next_phase="Phase4")
    previous["suggestions"] = ["keep"]
    state = normalize_llm_output({"reasoning": "only this"}, surgery="PCNL", previous=previous)
    assert_valid(state)
    assert state["metadata"]["phase"] == "Phase3"
    assert state["metadata"]["next_phase"] == "Phase4"
    assert state["suggestions"] == ["keep"]
    assert state["machines"] == previous["machines"]
    assert state["confidence"] == previous["confidence"]


def test_llm_json_string_is_parsed() -> None:
    state = normalize_llm_output('{"phase": "Phase2"}', surgery="PCNL", previous=rule_state())
    assert state["metadata"]["phase"] == "Phase2"
    assert state["source"] == "llm"


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        [1, 2],
        "",
        "not json",
        "{broken",
        42,
        3.5,
        True,
        {},
        {"machines": "all on"},
        {"machines": [1, 2]},
        {"phase": ["x"], "confidence": {"a": 1}},
        {"phase": "closing", "confidence": "high"},
        {"suggestions": 5, "machines": {"M01": 7}},
        object(),
        b"\xff\xfe",
    ],
)
def test_llm_garbage_never_raises_and_is_valid(garbage: Any) -> None:
    previous = rule_state()
    state = normalize_llm_output(garbage, surgery="PCNL", previous=previous)
    assert_valid(state)
    if state["source"] == "rule":
        assert state["metadata"]["reasoning"] == "degraded"
        assert state["machines"] == previous["machines"]


def test_llm_garbage_degrades_to_previous() -> None:
    previous = rule_state()
    state = normalize_llm_output(None, surgery="PCNL", previous=previous)
    assert state["source"] == "rule"
    assert state["metadata"]["reasoning"] == "degraded"
    assert state["metadata"]["phase"] == previous["metadata"]["phase"]


def test_llm_with_invalid_previous_still_valid() -> None:
    state = normalize_llm_output({"phase": "Phase2"}, surgery="PCNL", previous={"bad": 1})
    assert_valid(state)
    assert state["metadata"]["phase"] == "Phase2"


# --- merge ---------------------------------------------------------------------------------


def test_merge_rule_toggles_win_model_fills_the_rest() -> None:
    rule = rule_state(toggles=[toggle("M01", "ON", 0.9)], processing_time_ms=2.0)
    llm = normalize_llm_output(
        {
            "phase": "Phase4",
            "next_phase": "Phase5",
            "reasoning": "model says",
            "suggestions": ["s1"],
            "confidence": 0.5,
            "machines": {"M01": "OFF", "M02": "ON"},
        },
        surgery="PCNL",
        previous=rule,
    )
    merged = merge(rule, llm)
    assert_valid(merged)
    states = machine_map(merged)
    assert states["M01"] == "ON"  # the rule touched M01
    assert states["M02"] == "ON"  # the model decides the rest
    meta = merged["metadata"]
    assert (meta["phase"], meta["next_phase"], meta["reasoning"]) == (
        "Phase4",
        "Phase5",
        "model says",
    )
    assert meta["processing_time_ms"] == 2.0
    assert merged["suggestions"] == ["s1"]
    assert merged["confidence"] == pytest.approx(0.7)
    assert merged["source"] == "rule+llm"
    toggles = merged["details"]["toggles"]
    assert toggles[0]["match_type"] == "trigger"
    assert [(t["machine_id"], t["match_type"]) for t in toggles] == [
        ("M01", "trigger"),
        ("M02", "llm"),
    ]


def test_merge_with_degraded_model_keeps_rule_state() -> None:
    rule = rule_state()
    degraded = normalize_llm_output("garbage", surgery="PCNL", previous=rule)
    merged = merge(rule, degraded)
    assert_valid(merged)
    assert merged["source"] == "rule"
    assert merged["metadata"]["reasoning"] == "degraded"
    assert merged["machines"] == rule["machines"]


def test_merge_rejects_invalid_rule_state() -> None:
    with pytest.raises(ValueError, match="rule state is invalid"):
        merge({"source": "rule"}, rule_state())


def test_merge_does_not_mutate_inputs() -> None:
    rule = rule_state()
    llm = normalize_llm_output({"M02": "ON", "phase": "Phase4"}, surgery="PCNL", previous=rule)
    before = (copy.deepcopy(rule), copy.deepcopy(llm))
    merge(rule, llm)
    assert (rule, llm) == before


def test_validation_errors_name_paths_not_values() -> None:
    state = rule_state()
    state["metadata"]["phase"] = "secret patient words"
    state["confidence"] = 7
    errors = get_validation_errors(state)
    assert errors == ["confidence: maximum", "metadata.phase: pattern"]
    assert not any("secret" in error for error in errors)
    assert get_validation_errors(None) == ["(root): type"]


# --- properties ----------------------------------------------------------------------------

machine_ids = st.sampled_from(IDS)
actions = st.sampled_from(["ON", "OFF", "STANDBY"])
toggles_st = st.lists(
    st.fixed_dictionaries(
        {
            "machine_id": machine_ids,
            "action": actions,
            "confidence": st.floats(min_value=0, max_value=1),
            "match_type": st.sampled_from(["trigger", "alias", "name", "override"]),
            "name": st.text(max_size=10),
            "trigger": st.text(max_size=20),
        }
    ),
    max_size=5,
)
machine_states_st = st.dictionaries(machine_ids, actions, min_size=0, max_size=9)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["ON", "OFF", "STANDBY", "UNCHANGED", "Phase2", "80%", "0.3", "M01", "m3"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=8), machine_ids, st.sampled_from(["0", "1", "standby"])),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=15,
)
llm_dicts = st.fixed_dictionaries(
    {},
    optional={
        "phase": scalars,
        "next_phase": scalars,
        "reasoning": scalars,
        "confidence": scalars,
        "suggestions": st.one_of(st.lists(scalars, max_size=3), scalars),
        "machines": st.one_of(
            st.dictionaries(machine_ids, scalars, max_size=9),
            st.fixed_dictionaries(
                {},
                optional={
                    "0": st.lists(st.one_of(machine_ids, scalars), max_size=4),
                    "1": st.lists(st.one_of(machine_ids, scalars), max_size=4),
                    "standby": st.lists(machine_ids, max_size=4),
                },
            ),
            json_values,
        ),
        "metadata": json_values,
    },
)


@settings(max_examples=200, deadline=None)
@given(
    toggles=toggles_st,
    states=machine_states_st,
    phase=st.integers(1, 12),
    next_phase=st.one_of(st.none(), st.integers(1, 12)),
    elapsed=st.floats(allow_nan=True, allow_infinity=True),
    raw=st.one_of(llm_dicts, json_values),
)
def test_every_output_validates(
    toggles: list[dict[str, Any]],
    states: dict[str, str],
    phase: int,
    next_phase: int | None,
    elapsed: float,
    raw: Any,
) -> None:
    rule = normalize_rule_output(
        toggles,
        surgery="PCNL",
        phase=f"Phase{phase}",
        next_phase=None if next_phase is None else f"Phase{next_phase}",
        machine_states=states,
        session_elapsed_s=elapsed,
        processing_time_ms=elapsed,
    )
    assert_valid(rule)
    llm = normalize_llm_output(raw, surgery="PCNL", previous=rule)
    assert_valid(llm)
    merged = merge(rule, llm)
    assert_valid(merged)
    touched = {t["machine_id"] for t in rule["details"]["toggles"]}
    rule_states, merged_states = machine_map(rule), machine_map(merged)
    last_action = {t["machine_id"]: t["action"] for t in rule["details"]["toggles"]}
    for machine in touched:
        if merged["source"] == "rule":  # degraded model answer: the rule state as it was
            assert merged_states.get(machine) == rule_states.get(machine)
        else:
            assert merged_states[machine] == rule_states.get(machine, last_action[machine])
    ids = [m for key in ("0", "1", "standby") for m in merged["machines"][key]]
    assert len(ids) == len(set(ids))  # no machine in two lists
