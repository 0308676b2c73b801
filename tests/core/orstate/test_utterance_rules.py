"""The utterance rule engine: the labelled table, debounce, phase filter, invariants."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_table import TABLE, Row

from core.orstate.rules import ParseResult, UtteranceRules
from core.orstate.surgeries import SurgeryCatalog, load_surgeries


@pytest.fixture(scope="module")
def catalog() -> SurgeryCatalog:
    return load_surgeries()


def test_table_is_large_and_covers_all_surgeries() -> None:
    assert len(TABLE) >= 80
    assert {row.surgery for row in TABLE} == {"pcnl", "partial hepatectomy", "lobectomy"}


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.surgery}:{r.text}" for r in TABLE])
def test_table(row: Row, catalog: SurgeryCatalog) -> None:
    result = UtteranceRules(catalog.get(row.surgery)).parse(row.text)
    assert {(t.machine_id, t.action) for t in result.toggles} == row.toggles
    assert {(t.machine_id, t.action) for t in result.pending} == row.pending
    assert result.negated is row.negated
    assert result.temporal == row.when
    assert {t.temporal for t in result.toggles + result.pending} <= {row.when}
    if row.temporal is None:
        assert result.temporal_text is None
    else:
        assert result.temporal_text is not None and row.temporal in result.temporal_text


def test_questions_are_flagged(catalog: SurgeryCatalog) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))
    assert rules.parse("is the suction working?").question
    assert not rules.parse("turn on the suction").question


def test_debounce_drops_repeats_within_window(catalog: SurgeryCatalog) -> None:
    rules = UtteranceRules(catalog.get("pcnl"), debounce_s=3.0)
    assert len(rules.parse("suction on", t=10.0).toggles) == 1
    again = rules.parse("turn on the suction", t=11.5)
    assert again.toggles == () and again.debounced == ("M06",)
    # a different action is not a repeat
    assert [t.action for t in rules.parse("suction off", t=12.0).toggles] == ["OFF"]
    # after the window the same command passes again
    assert len(rules.parse("suction on", t=13.5).toggles) == 1


def test_no_debounce_without_times(catalog: SurgeryCatalog) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))
    assert rules.parse("suction on").toggles and rules.parse("suction on").toggles


def test_phase_filter(catalog: SurgeryCatalog) -> None:
    pcnl = catalog.get("pcnl")
    plain = UtteranceRules(pcnl).parse("fire up the laser", phase="Phase1")
    assert [t.machine_id for t in plain.toggles] == ["M07"]
    guarded = UtteranceRules(pcnl, phase_filter=True)
    dropped = guarded.parse("fire up the laser", phase="Phase1")
    assert dropped.toggles == () and dropped.filtered == ("M07",)
    assert guarded.parse("fire up the laser", phase="Phase4").toggles
    assert guarded.parse("fire up the laser").toggles  # no phase given: no filter


def test_confidence_is_graded(catalog: SurgeryCatalog) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))

    def conf(text: str) -> float:
        (toggle,) = rules.parse(text).toggles
        assert 0.0 <= toggle.confidence <= 1.0
        return toggle.confidence

    assert conf("start lithotripsy") == 0.95
    assert conf("turn on the suction") == 0.9
    assert conf("go ahead with the suction apparatus") == 0.7
    assert conf("uh turn on the suction") < conf("turn on the suction")
    assert conf("turn on the suction in 5 minutes") < conf("turn on the suction")
    assert rules.parse("start lithotripsy").toggles[0].match_type == "trigger"
    assert rules.parse("start the lithotripter").toggles[0].match_type == "name"
    assert rules.parse("start the laser").toggles[0].match_type == "alias"


def test_to_json_shape(catalog: SurgeryCatalog) -> None:
    result = UtteranceRules(catalog.get("pcnl")).parse("kill the fluoro stat")
    data = result.to_json()
    assert set(data) == {"text", "toggles", "pending", "temporal", "temporal_text", "negated"}
    assert data["temporal"] == "immediately" and data["temporal_text"] == "stat"
    assert data["negated"] is False and data["pending"] == []
    assert data["toggles"] == [
        {
            "machine_id": "M04",
            "name": "C-Arm Fluoroscopy",
            "action": "OFF",
            "confidence": 0.9,
            "match_type": "alias",
            "trigger": "fluoro",
            "temporal": "immediately",
            "temporal_text": "stat",
            "evidence": "kill the fluoro",
        }
    ]


def test_each_toggle_carries_the_words_that_caused_it(catalog: SurgeryCatalog) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))
    text = "Okay, um, turn the C-arm off and then don't start the laser."
    evidence = {t.machine_id: t.evidence for t in rules.parse(text).toggles}
    # the span of the utterance itself, its case and apostrophes kept
    assert evidence == {"M04": "turn the C-arm off", "M07": "don't start the laser"}
    for toggle in rules.parse("suction and irrigation please").toggles:
        assert toggle.evidence in "suction and irrigation please" and toggle.evidence


def test_a_deferred_machine_is_not_switched_but_listed_pending(
    catalog: SurgeryCatalog,
) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))
    for text in ("not yet the laser", "hold off on the c-arm", "wait on the irrigation pump"):
        result = rules.parse(text)
        assert result.toggles == () and len(result.pending) == 1, text
        assert result.pending[0].action == "ON" and result.pending[0].evidence
    later = rules.parse("don't turn off the monitor yet")
    assert later.toggles == () and [(t.machine_id, t.action) for t in later.pending] == [
        ("M01", "OFF")
    ]


def test_temporal_category_rides_on_every_toggle_of_its_sentence(
    catalog: SurgeryCatalog,
) -> None:
    rules = UtteranceRules(catalog.get("pcnl"))
    result = rules.parse("after the tract is dilated start the irrigation and the suction")
    assert {(t.machine_id, t.temporal) for t in result.toggles} == {
        ("M05", "after"),
        ("M06", "after"),
    }
    assert all(t.temporal_text == "after the tract is dilated" for t in result.toggles)
    assert rules.parse("start the suction").toggles[0].temporal == "none"
    assert rules.parse("start the suction").temporal_text is None


def test_a_hospital_adds_its_own_names_verbs_and_command_phrases() -> None:
    import copy
    import json

    from core.orstate.surgeries import data_dir, surgery_from_dict

    data = json.loads((data_dir() / "pcnl.json").read_text(encoding="utf-8"))
    before = UtteranceRules(surgery_from_dict(copy.deepcopy(data)))
    assert before.parse("douse the big lamp").toggles == ()
    data["verbs"] = {"OFF": ["douse"], "ON": ["light up"]}
    data["machines"]["M09"]["aliases"].append("big lamp")
    data["machines"]["M05"]["commands"] = {"ON": ["wash it out"]}
    rules = UtteranceRules(surgery_from_dict(data))
    assert [(t.machine_id, t.action) for t in rules.parse("douse the big lamp").toggles] == [
        ("M09", "OFF")
    ]
    assert [(t.machine_id, t.action) for t in rules.parse("wash it out").toggles] == [("M05", "ON")]


def test_last_action_for_a_machine_wins(catalog: SurgeryCatalog) -> None:
    result = UtteranceRules(catalog.get("pcnl")).parse("turn on the suction. no, suction off")
    assert [(t.machine_id, t.action) for t in result.toggles] == [("M06", "OFF")]


_WORDS = st.sampled_from(
    [
        "turn",
        "on",
        "off",
        "the",
        "suction",
        "c-arm",
        "don't",
        "not",
        "stop",
        "lights",
        "uh",
        "standby",
        "after",
        "when",
        "in",
        "5",
        "minutes",
        "?",
        ",",
        ".",
        "it",
        "and",
        "hold",
        "can",
        "we",
        "is",
        "laser",
        "no need for",
        "then",
        "vent",
        "co2",
        "bovie",
    ]
)
_TEXT = st.one_of(st.text(max_size=200), st.lists(_WORDS, max_size=30).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(
    text=_TEXT,
    surgery=st.sampled_from(["pcnl", "hepatectomy", "vats"]),
    t=st.one_of(st.none(), st.floats(0, 1e6)),
)
def test_parse_never_raises(text: str, surgery: str, t: float | None) -> None:
    rules = _RULES[surgery]
    result = rules.parse(text, t=t, phase="Phase3")
    assert isinstance(result, ParseResult)
    for toggle in result.toggles:
        assert re.fullmatch(r"M[0-9]{2}", toggle.machine_id)
        assert 0.0 <= toggle.confidence <= 1.0
        assert toggle.action in ("ON", "OFF", "STANDBY")


_RULES = {
    name: UtteranceRules(load_surgeries().get(name)) for name in ("pcnl", "hepatectomy", "vats")
}
