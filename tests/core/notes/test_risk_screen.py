"""The risk net's second screen: its classifier file, the windows it reads, its findings
("possible risk", never a disclosure), and the net with and without it. The encoder is a
tiny random-weight BERT run by the real llama.cpp; the classifier is built here so that
what it finds is known; the shipped classifier and, when installed, the real encoder
are checked too."""

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from screen_heads import head_for
from tiny_bert import HIDDEN

from app.paths import bundled_root
from core.llm.embedder import Embedder
from core.notes.risk import detect_risks
from core.notes.risk_flags import CONSTRUCT_CATEGORY
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import SCREEN_MODEL_NAME, RiskScreen, windows
from core.notes.risk_screen_head import HEAD_FILE, NONE, HeadError, load_head
from core.notes.risk_screen_words import WordReader, features
from core.notes.risk_words import risk_words_from_dict

TRANSCRIPT = """Therapist: How was the week?
Client: Long. Work was busy and the car broke down again.
Therapist: Have you had any thoughts of ending your life?
Client: Sometimes.
Therapist: Thank you for telling me. That took courage.
Client: I want to kill myself.
Client: Yeah.
"""


def test_the_shipped_classifier_loads_and_knows_every_construct() -> None:
    head = load_head()
    assert head.encoder == SCREEN_MODEL_NAME
    assert set(head.labels) == set(CONSTRUCT_CATEGORY) | {NONE}
    assert head.mean.shape == (384,) and 0.5 <= head.threshold < 1.0
    assert head.words is not None and head.words.buckets == 1 << 18
    assert 0.25 <= head.context_threshold <= head.threshold
    assert head.doubt is not None and 0.0 < head.doubt < head.context_threshold
    probabilities = head.probabilities(np.zeros((2, 384), np.float32))
    assert probabilities.shape == (2, len(head.labels))
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_a_classifier_file_that_cannot_be_used_says_so(tmp_path: Path) -> None:
    with pytest.raises(HeadError, match="cannot be read"):
        load_head(tmp_path / "absent.json")
    data = json.loads(HEAD_FILE.read_text(encoding="utf-8"))
    for broken in (
        {**data, "format": 99},
        {**data, "labels": data["labels"][:-1]},  # one label fewer than the outputs
        {**data, "labels": [*data["labels"][:-1], "lonely"]},
        {**data, "threshold": 1.5},
        {**data, "layers": []},
    ):
        path = tmp_path / "head.json"
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(HeadError):
            load_head(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(HeadError, match="cannot be read"):
        load_head(path)


def test_a_head_round_trips_through_its_file(tmp_path: Path) -> None:
    head = head_for("nssi")
    path = tmp_path / "head.json"
    path.write_text(json.dumps(head.to_json()), encoding="utf-8")
    again = load_head(path)
    assert again.labels == head.labels and again.threshold == head.threshold
    vectors = np.random.default_rng(1).normal(size=(3, HIDDEN)).astype(np.float32)
    assert np.allclose(again.probabilities(vectors), head.probabilities(vectors), atol=1e-3)


def test_windows_are_client_lines_alone_and_as_answers_to_a_question() -> None:
    read = [(w.turn.number, w.text) for w in windows(TRANSCRIPT)]
    assert (2, "Long. Work was busy and the car broke down again.") in read
    assert (4, "Sometimes.") not in read  # one word means something only as an answer
    assert (
        4,
        "Therapist: Have you had any thoughts of ending your life? Client: Sometimes.",
    ) in read
    assert all(number not in (1, 3, 5) for number, _ in read)  # the clinician's lines
    # after a clinician's line that asks nothing, no pair
    assert not any(text.startswith("Therapist: Thank you") for _, text in read)


def test_the_screen_flags_what_the_lexicon_left_as_possible_only(tiny_encoder: Path) -> None:
    screen = RiskScreen(Embedder(tiny_encoder), head_for("abuse_financial"))
    flags = detect_risks(TRANSCRIPT)
    flagged = {line for flag in flags for line in flag.lines}
    assert {4, 6} <= flagged
    found = screen.findings(TRANSCRIPT, flags)
    # every client line the lexicon left alone, but "Yeah." after no question means nothing
    assert [f.line for f in found] == [2]
    for flag in found:
        assert flag.status == "possible" and flag.category == "abuse"
        assert flag.construct == "abuse_financial" and flag.speaker == "Client"
    assert found[0].quote == "Long. Work was busy and the car broke down again."
    assert found[0].describe().startswith("Possible risk, please review: abuse (line 2")


def test_below_its_threshold_the_screen_finds_nothing(tiny_encoder: Path) -> None:
    embed = Embedder(tiny_encoder)
    assert RiskScreen(embed, head_for(NONE)).findings(TRANSCRIPT, []) == []
    candidates = RiskScreen(embed, head_for(NONE)).candidates(TRANSCRIPT, [])
    assert candidates and all(c.risk < 0.01 for c in candidates)


def test_the_net_works_the_same_without_a_screen() -> None:
    net = RiskNet()
    assert not net.screens
    assert net.flags(TRANSCRIPT) == detect_risks(TRANSCRIPT)
    assert net.review(TRANSCRIPT, []).possible == ()


def test_the_net_adds_the_screens_findings_in_line_order(tiny_encoder: Path) -> None:
    net = RiskNet(screen=RiskScreen(Embedder(tiny_encoder), head_for("nssi")))
    flags = net.flags(TRANSCRIPT)
    assert [f.lines for f in flags] == sorted(f.lines for f in flags)
    assert [f.line for f in flags if f.status == "possible"] == [2]
    assert [f for f in flags if f.status != "possible"] == detect_risks(TRANSCRIPT)


def test_a_failing_screen_leaves_the_lexicons_flags_and_logs_no_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    net = RiskNet(screen=RiskScreen(Embedder(tmp_path / "gone.gguf"), head_for("nssi")))
    with caplog.at_level(logging.WARNING):
        flags = net.flags(TRANSCRIPT)
    assert flags == detect_risks(TRANSCRIPT)
    assert [r.getMessage() for r in caplog.records] == ["risk.screen_failed"]
    assert "kill" not in caplog.text and "Work was busy" not in caplog.text


def test_a_classifier_made_for_another_encoder_finds_nothing(tiny_encoder: Path) -> None:
    net = RiskNet(screen=RiskScreen(Embedder(tiny_encoder), head_for("nssi", width=7)))
    assert net.review(TRANSCRIPT, []).possible == ()
    assert net.flags(TRANSCRIPT) == detect_risks(TRANSCRIPT)


REAL_ENCODER = bundled_root() / "models" / "screen" / SCREEN_MODEL_NAME


@pytest.mark.skipif(not REAL_ENCODER.is_file(), reason="`make` has not installed the encoder")
def test_the_real_screen_leaves_small_talk_alone_and_reads_a_paraphrase() -> None:
    screen = RiskScreen(Embedder(REAL_ENCODER), load_head())
    small_talk = (
        "Therapist: How was your weekend?\n"
        "Client: Good, actually. We took the kids to the park and had a picnic.\n"
        "Therapist: And work?\n"
        "Client: Busy, but the new manager is kind and I like the team.\n"
    )
    assert screen.findings(small_talk, detect_risks(small_talk)) == []
    candidates = screen.candidates(small_talk, [])
    risky = "Client: I keep thinking everyone would be better off if I just wasn't around.\n"
    assert max(c.risk for c in screen.candidates(risky, [])) > max(c.risk for c in candidates)


def test_the_word_reader_hashes_the_same_way_every_time_and_within_its_buckets() -> None:
    first = features("I took ALL my pills, the whole box", 1 << 12)
    assert np.array_equal(first, features("i took all my pills, the whole box", 1 << 12))
    assert first.size and first.min() >= 0 and first.max() < 1 << 12
    assert list(first) == sorted(set(first))
    assert features("", 1 << 12).size == 0


def test_the_word_reader_weighs_the_buckets_of_what_it_learnt() -> None:
    buckets = 1 << 14
    weights = np.zeros(buckets, np.float32)
    weights[features("pills drawer", buckets)] = 1.0
    reader = WordReader(weights, -2.0)
    risky, plain = reader.risks(["the pills in the drawer", "the bread in the oven"])
    assert risky > 0.5 > plain
    assert reader.risks([""])[0] == pytest.approx(1 / (1 + np.exp(2.0)))


def test_the_screen_averages_the_network_and_the_word_reader(tiny_encoder: Path) -> None:
    embed = Embedder(tiny_encoder)
    doubtful = WordReader(np.zeros(1 << 10, np.float32), -30.0)  # sure there is no risk
    network_only = head_for("nssi", threshold=0.4)
    averaged = replace(network_only, words=doubtful)
    risks = [c.risk for c in RiskScreen(embed, averaged).candidates(TRANSCRIPT, [])]
    assert risks and all(r == pytest.approx(0.5, abs=1e-3) for r in risks)
    assert RiskScreen(embed, averaged).findings(TRANSCRIPT, [])  # 0.5 passes 0.4
    assert not RiskScreen(embed, replace(averaged, threshold=0.6)).findings(TRANSCRIPT, [])


def test_a_head_with_a_word_reader_round_trips_and_one_without_still_loads(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(2)
    words = WordReader(rng.normal(size=1 << 10).astype(np.float32), 0.25)
    head = replace(head_for("nssi"), words=words)
    path = tmp_path / "head.json"
    path.write_text(json.dumps(head.to_json()), encoding="utf-8")
    again = load_head(path)
    assert again.words is not None and again.words.bias == 0.25
    texts = ["I keep the blades in my pencil case", "We went to the beach"]
    assert np.allclose(again.words.risks(texts), words.risks(texts), atol=1e-2)
    older = {k: v for k, v in head_for("nssi").to_json().items() if k != "words"}
    path.write_text(json.dumps({**older, "format": 2}), encoding="utf-8")
    assert load_head(path).words is None
    broken = {**head.to_json(), "words": {"weights": older["mean"], "bias": older["mean"]}}
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(HeadError):
        load_head(path)


def test_a_line_just_after_a_lexicon_flag_is_held_to_the_lower_threshold(
    tiny_encoder: Path,
) -> None:
    transcript = (
        "Client: I want to kill myself.\n"
        "Client: The chain is still on the boat, in the shed.\n"
        "Therapist: And the weekend?\n"
        "Client: We went to the coast, the weather was lovely.\n"
        "Therapist: Good.\n"
        "Therapist: Anything else this week?\n"
        "Client: My sister visited and we cooked a big dinner together.\n"
    )
    doubtful = WordReader(np.zeros(1 << 10, np.float32), -30.0)
    head = replace(head_for("nssi", threshold=0.6), words=doubtful)  # every window reads 0.5
    screen = RiskScreen(Embedder(tiny_encoder), head)
    flags = detect_risks(transcript)
    assert [f.lines for f in flags] == [(1,)]
    assert screen.findings(transcript, flags) == []
    after = RiskScreen(Embedder(tiny_encoder), replace(head, after_flag=0.4))
    assert [f.line for f in after.findings(transcript, flags)] == [2, 4]  # not 7: too far
    assert [c.context for c in after.candidates(transcript, flags)] == [True, True, False]


def test_a_disclosure_the_screen_reads_as_unlikely_is_shown_as_possible_never_dropped(
    tiny_encoder: Path,
) -> None:
    embed = Embedder(tiny_encoder)
    doubting = replace(head_for(NONE), doubt=0.5)  # every line reads as no risk at all
    flags = detect_risks(TRANSCRIPT)
    disclosed = [f for f in flags if f.status == "disclosed"]
    review = RiskScreen(embed, doubting).review(TRANSCRIPT, flags)
    assert review.possible == () and set(review.doubted) == set(disclosed)
    shown = review.applied(flags)
    assert len(shown) == len(flags) and [f.lines for f in shown] == sorted(f.lines for f in shown)
    assert all(f.status == "possible" and f.doubted for f in shown if f.lines in
               {d.lines for d in disclosed})  # fmt: skip
    assert shown[0].describe().endswith("(a listed risk phrase, read as unlikely here)")
    # a screen that finds risk doubts nothing, and one without a doubt level never does
    assert (
        RiskScreen(embed, replace(head_for("nssi"), doubt=0.5)).review(TRANSCRIPT, flags).doubted
        == ()
    )
    assert RiskScreen(embed, head_for(NONE)).review(TRANSCRIPT, flags).doubted == ()
    net = RiskNet(screen=RiskScreen(embed, doubting))
    assert [f.status for f in net.flags(TRANSCRIPT)].count("disclosed") == 0


def test_a_doubt_level_above_the_thresholds_is_refused(tmp_path: Path) -> None:
    data = {**replace(head_for("nssi", threshold=0.8), after_flag=0.6).to_json(), "doubt": 0.7}
    path = tmp_path / "head.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(HeadError):
        load_head(path)
    path.write_text(json.dumps({**data, "doubt": 0.1}), encoding="utf-8")
    assert load_head(path).doubt == pytest.approx(0.1)


def test_the_screen_never_doubts_a_clinics_own_words(tiny_encoder: Path) -> None:
    words = risk_words_from_dict(
        {"schema_version": 1, "phrases": [{"construct": "plan", "words": "up the viaduct"}]}
    )
    transcript = "Client: I keep thinking about going up the viaduct.\nClient: I want to die."
    doubting = RiskScreen(Embedder(tiny_encoder), replace(head_for(NONE), doubt=0.5))
    net = RiskNet(clinic_words=words.phrases, screen=doubting)
    shown = {(f.category, f.status) for f in net.flags(transcript)}
    assert ("plan_or_means", "disclosed") in shown  # the clinic's phrase stays red
    assert ("suicidal_ideation", "possible") in shown  # a built-in one may be doubted
