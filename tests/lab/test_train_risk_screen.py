"""The risk screen's training script: how its threshold is chosen and how transcripts
become labelled windows (the training itself runs in the lab, not in the suite)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "lab" / "train_risk_screen.py"


@pytest.fixture(scope="module")
def train():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_risk_screen", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_threshold_leaves_out_all_but_the_allowed_readings(train) -> None:  # type: ignore[no-untyped-def]
    risks = [0.99, 0.97, 0.95, 0.9, 0.7, 0.6]
    threshold, rate = train.choose_threshold(risks, transcripts=20, max_possible=0.10)
    assert sum(r >= threshold for r in risks) == 2  # 0.10 x 20 transcripts
    assert 0.95 < threshold <= 0.9501
    assert rate == pytest.approx(0.10)


def test_the_threshold_never_falls_below_an_even_chance(train) -> None:  # type: ignore[no-untyped-def]
    threshold, rate = train.choose_threshold([0.3, 0.2], transcripts=40, max_possible=0.10)
    assert threshold == train.FLOOR
    assert rate == pytest.approx(2 / 40)


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
