"""A live case: rule states at once, model answers merged, failures degraded; all valid."""

from pathlib import Path

import jsonschema
import pytest

from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.tasks import SchemaTask
from core.llm.types import CancelToken, GenerationCancelled, Message
from core.orstate.live import LiveCase
from core.orstate.model_state import model_answer_schema
from core.orstate.serializer import get_validation_errors
from core.orstate.surgeries import get_surgery

SCRIPT = [
    (0.0, "nurse", "patient is in the room, starting the time-out"),
    (30.0, "anesthetist", "induction now, turn on the ventilator"),
    (95.0, "surgeon", "needle access, fire up the c-arm"),
    (200.0, "surgeon", "start the lithotripter and the irrigation"),
]


def test_rule_states_follow_the_case() -> None:
    case = LiveCase(get_surgery("pcnl"))
    phases = []
    for t, speaker, text in SCRIPT:
        state = case.on_segment(t, speaker, text)
        assert state is not None and get_validation_errors(state) == []
        phases.append(state["metadata"]["phase"])
    assert phases == ["Phase1", "Phase2", "Phase3", "Phase4"]
    assert {"M04", "M05", "M07"} <= set(state["machines"]["1"])
    assert state["metadata"]["session_elapsed_s"] == 200.0
    assert case.on_segment(201.0, "surgeon", "suct", is_final=False) is None


def test_a_recorded_case_resumes_where_it_stopped() -> None:
    first = LiveCase(get_surgery("pcnl"), debounce_s=10.0)
    for t, speaker, text in SCRIPT[:3]:
        first.on_segment(t, speaker, text)
    # As if the model had moved on: the stored state is what the room last saw.
    last = {**first.state, "metadata": {**first.state["metadata"], "phase": "Phase4"}}
    again = LiveCase(get_surgery("pcnl"), debounce_s=10.0)
    state = again.resume(((t, s, x, True) for t, s, x in SCRIPT[:3]), last)
    assert state == last and again.phases.current == "Phase4"
    assert again.machine_states == first.machine_states
    assert again.buffer.get_summary() == first.buffer.get_summary()
    # The rules' memory came back too: the same command 2 s later is a repeat.
    repeat = again.on_segment(97.0, "surgeon", "fire up the c-arm")
    assert repeat is not None and repeat["details"]["debounced"] == ["M04"]
    assert get_validation_errors(repeat) == []
    empty = LiveCase(get_surgery("pcnl")).resume([])  # a case stopped before its first word
    assert empty["metadata"]["phase"] == "Phase1" and empty["machines"]["1"] == ["M01", "M09"]


def test_every_surgerys_answer_schema_is_a_grammar_llama_cpp_accepts(tiny_model: Path) -> None:
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=512, n_threads=1))
    try:
        for name in ("pcnl", "hepatectomy", "lobectomy"):
            task = SchemaTask([Message("user", "x")], model_answer_schema(get_surgery(name)))
            result = engine.structured(task, max_tokens=16)
            assert "schema_not_expressible" not in result.repairs, name
    finally:
        engine.close()


def test_model_answers_are_merged_or_degraded(tiny_model: Path) -> None:
    case = LiveCase(get_surgery("pcnl"))
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=2048, n_threads=2, seed=2))
    try:
        for t, speaker, text in SCRIPT:
            rule_state = case.on_segment(t, speaker, text)
            assert rule_state is not None
            request = case.model_request()
            assert request.messages[1].content.startswith("--- Recent OR Transcript ---")
            result = engine.structured(request)
            # llama.cpp took the answer schema's grammar as it is (text bounds included)
            assert "schema_not_expressible" not in result.repairs
            state = case.apply_model_result(result)
            assert get_validation_errors(state) == []
            assert state["source"] in ("rule+llm", "rule")
            # explicit rule toggles win over whatever the model said
            for toggle in rule_state["details"].get("toggles", []):
                on = toggle["machine_id"] in state["machines"]["1"]
                assert on == (toggle["action"] == "ON")
        with pytest.raises(GenerationCancelled):
            request = case.model_request()
            engine.structured(request, cancel=CancelToken(timeout_s=0))
    finally:
        engine.close()
    degraded = case.apply_model_result(None)  # a timed-out update
    assert degraded["source"] == "rule" and degraded["metadata"]["reasoning"] == "degraded"
    assert get_validation_errors(degraded) == []


def test_a_manual_override_holds_until_the_next_spoken_command() -> None:
    case = LiveCase(get_surgery("pcnl"))
    case.on_segment(0.0, "surgeon", "start the irrigation")
    state = case.override("M05", "OFF", 5.0)
    assert get_validation_errors(state) == []
    assert "M05" in state["machines"]["0"]
    assert state["details"]["toggles"][0]["match_type"] == "override"
    assert state["metadata"]["reasoning"] == "M05 OFF (override)"
    after = case.on_segment(9.0, "surgeon", "start the irrigation")
    assert after is not None and "M05" in after["machines"]["1"]
    with pytest.raises(ValueError):
        case.override("M42", "ON", 10.0)


def test_the_rules_answer_to_a_state_update_changes_nothing() -> None:
    case = LiveCase(get_surgery("pcnl"))
    case.on_segment(95.0, "surgeon", "needle access, fire up the c-arm")
    task = case.model_request()
    answer = task.rule_answer()
    jsonschema.validate(answer, task.schema)
    assert answer["phase"] == case.phases.current
    assert set(answer["machines"].values()) == {"UNCHANGED"}


def test_a_deferred_command_changes_no_machine_and_the_state_shows_it_pending() -> None:
    case = LiveCase(get_surgery("pcnl"))
    state = case.on_segment(1.0, "surgeon", "not yet the laser")
    assert state is not None and get_validation_errors(state) == []
    assert "M07" in state["machines"]["0"] and state["details"]["toggles"] == []
    (pending,) = state["details"]["pending"]
    assert (pending["machine_id"], pending["action"]) == ("M07", "ON")
    assert pending["evidence"] == "not yet the laser"


def test_the_state_names_the_words_and_time_of_each_toggle() -> None:
    case = LiveCase(get_surgery("pcnl"))
    state = case.on_segment(1.0, "surgeon", "Okay, kill the fluoro stat")
    assert state is not None and get_validation_errors(state) == []
    (toggle,) = state["details"]["toggles"]
    assert toggle["evidence"] == "kill the fluoro"
    assert (toggle["temporal"], toggle["temporal_text"]) == ("immediately", "stat")
    assert state["metadata"]["temporal"] == "stat"
    # a manual override has no words nor time, and still validates
    state = case.override("M04", "ON", 2.0)
    (toggle,) = state["details"]["toggles"]
    assert (toggle["temporal"], toggle["temporal_text"], toggle["evidence"]) == ("none", "", "")
    assert get_validation_errors(state) == []
