"""The risk screen's training script: how its thresholds are chosen and how transcripts
become labelled windows (the training itself runs in the lab, not in the suite)."""

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from core.notes.risk_flags import RiskFlag
from core.notes.risk_screen import Candidate

LAB = Path(__file__).resolve().parents[2] / "lab"
sys.path[:0] = [str(LAB), str(LAB.parent / "bench")]

import screen_thresholds as thresholds  # noqa: E402


@pytest.fixture(scope="module")
def train():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_risk_screen", LAB / "train_risk_screen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_threshold_leaves_out_all_but_the_allowed_readings() -> None:
    risks = [0.99, 0.97, 0.95, 0.9, 0.7, 0.6]
    threshold = thresholds.lowest_threshold(risks, allowed=2, floor=thresholds.FLOOR)
    assert sum(r >= threshold for r in risks) == 2
    assert 0.95 < threshold <= 0.9501


def test_the_threshold_never_falls_below_its_floor() -> None:
    assert thresholds.lowest_threshold([0.3, 0.2], allowed=4, floor=0.5) == 0.5
    assert thresholds.lowest_threshold([0.3, 0.2], allowed=1, floor=0.1) == pytest.approx(0.2001)


def _transcript(risk_free: bool, disclosure_line: int | None = None) -> dict[str, Any]:
    lines = ["Therapist: How are things?", "Client: I want to kill myself.", "Client: Mm.",
             "Client: The bridge at night."]  # fmt: skip
    disclosures = []
    if disclosure_line is not None:
        disclosures = [{"construct": "plan", "lines": [disclosure_line], "time": "current"}]
    return {"id": "t", "lines": lines, "risk_free": risk_free, "disclosures": disclosures}


def _candidate(line: int, risk: float, context: bool) -> Candidate:
    flag = RiskFlag("plan_or_means", "possible", "...", line, "Client", "plan")
    return Candidate(risk, flag, context)


def test_a_lower_threshold_after_a_flag_is_chosen_when_it_finds_more_within_the_budget() -> None:
    lexicon = (RiskFlag("suicidal_ideation", "disclosed", "I want to kill myself.", 2, "Client"),)
    risky = thresholds.Reading(
        _transcript(False, disclosure_line=4), lexicon, (_candidate(4, 0.4, True),)
    )
    # ten risk-free transcripts: one possible item allowed; two plain lines read 0.95 and
    # 0.9, the lines after a flag 0.3
    calm = [
        thresholds.Reading(_transcript(True), (), (_candidate(3, 0.95, False),)),
        thresholds.Reading(_transcript(True), (), (_candidate(3, 0.9, False),)),
        *[thresholds.Reading(_transcript(True), (), (_candidate(3, 0.3, True),))] * 8,
    ]
    chosen = thresholds.choose([risky, *calm], max_possible=0.10)
    assert chosen.after_flag == pytest.approx(0.40)  # the highest that still finds it
    assert chosen.plain == pytest.approx(0.9001)  # the one allowed item: the 0.95 line
    assert chosen.with_possible == 1.0 and chosen.recall == 0.0
    assert chosen.possible == pytest.approx(0.10)
    # with nothing to find after a flag, none of the budget goes there
    alone = thresholds.choose(calm, max_possible=0.10)
    assert alone.after_flag == pytest.approx(0.90) and alone.plain == pytest.approx(0.9001)


def test_a_disclosures_line_carries_its_construct_and_other_lines_none(train) -> None:  # type: ignore[no-untyped-def]
    item = {
        "lines": [
            "Therapist: How has the week been?",
            "Client: Long. The garden needs doing and the car failed its test.",
            "Therapist: And the low mood?",
            "Client: Some nights I lie there wishing I just wouldn't wake up.",
        ],
        "disclosures": [
            {"construct": "wish_to_be_dead", "lines": [4], "quote": "Some nights I lie there"}
        ],
    }
    labelled = list(train.transcript_windows([item]))
    alone = dict((text, label) for text, label in labelled if not text.startswith("Therapist"))
    assert alone["Long. The garden needs doing and the car failed its test."] == "none"
    assert alone["Some nights I lie there wishing I just wouldn't wake up."] == "wish_to_be_dead"
    pairs = [label for text, label in labelled if text.startswith("Therapist: And the low")]
    assert pairs == ["wish_to_be_dead"]


def test_doubts_count_the_false_and_true_disclosures_a_doubt_level_would_show_as_possible() -> None:
    said = RiskFlag("suicidal_ideation", "disclosed", "I want to kill myself.", 2, "Client")
    labelled = {**_transcript(False), "disclosures": [
        {"construct": "active_ideation", "lines": [2], "time": "current"}]}  # fmt: skip
    readings = [
        thresholds.Reading(labelled, (said,), (), {2: 0.95}),
        thresholds.Reading(_transcript(True), (said,), (), {2: 0.05}),
        thresholds.Reading(_transcript(True), (said,), (), {2: 0.30}),
    ]
    assert thresholds.doubts(readings, 0.10) == thresholds.Doubts(1, 2, 0, 1)
    assert thresholds.doubts(readings, 0.99) == thresholds.Doubts(2, 2, 1, 1)
