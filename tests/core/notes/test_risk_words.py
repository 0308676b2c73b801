"""A clinic's own risk words: the file an administrator deploys, checked by its schema,
read by the net with the same rules as the built-in phrases."""

import json
import re
from pathlib import Path

import pytest

from core.notes.risk import detect_risks
from core.notes.risk_words import RiskWords, RiskWordsError, load_risk_words, risk_words_from_dict

WORDS = {
    "schema_version": 1,
    "description": "Local words, reviewed by the safeguarding lead",
    "phrases": [
        {"construct": "plan", "words": "up  the viaduct", "note": "the local spot"},
        {"construct": "overdose_event", "words": "necked my script*"},
        {"construct": "wish_to_be_dead", "words": "quiero desaparecer", "language": "es"},
    ],
}


def flags(transcript: str, words: RiskWords) -> list[tuple[str, str, str, int]]:
    return [
        (f.category, f.status, f.construct, f.line) for f in detect_risks(transcript, words.phrases)
    ]


def test_a_clinics_words_are_read_with_the_nets_rules() -> None:
    words = risk_words_from_dict(json.loads(json.dumps(WORDS)))
    assert words.entries == 3
    transcript = (
        "Client: I keep thinking about going up the Viaduct on Friday.\n"
        "Client: I necked my scripts last night.\n"
        "Client: I'd never go up the viaduct, don't worry.\n"
        "Client: Did you ever go up the viaduct as a kid?\n"
        "Client: A veces quiero desaparecer.\n"
    )
    assert flags(transcript, words) == [
        ("plan_or_means", "disclosed", "plan", 1),
        ("overdose", "disclosed", "overdose_event", 2),
        ("plan_or_means", "denied", "plan", 3),
        ("suicidal_ideation", "disclosed", "wish_to_be_dead", 5),
    ]
    assert flags("Client: We walked under the viaduct.", words) == []
    # without the file, the built-in phrases alone: nothing on the local words' lines
    assert not {n for *_, n in flags(transcript, RiskWords())} & {1, 3}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"schema_version": 2}, "schema_version"),
        ({"phrases": [{"construct": "plan", "words": "(up|down) the viaduct"}]}, "phrases/0/words"),
        ({"phrases": [{"construct": "plan", "words": "x"}]}, "phrases/0/words"),
        ({"phrases": [{"construct": "bridges", "words": "up the viaduct"}]}, "phrases/0/construct"),
        ({"phrases": [{"construct": "plan", "words": "up*the viaduct"}]}, "phrases/0/words"),
        ({"phrases": [{"construct": "plan"}]}, "phrases/0"),
        ({"extra": True}, "(top level)"),
    ],
)
def test_an_invalid_file_says_where(change: dict[str, object], where: str) -> None:
    with pytest.raises(RiskWordsError, match=re.escape(f"not valid at {where}:")):
        risk_words_from_dict({**json.loads(json.dumps(WORDS)), **change})


def test_no_file_means_no_extra_words_and_a_bad_file_is_one_clear_message(
    tmp_path: Path,
) -> None:
    assert load_risk_words(tmp_path / "risk_words.json") == RiskWords()
    with pytest.raises(RiskWordsError, match="cannot be read"):
        load_risk_words(tmp_path / "risk_words.json", required=True)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(RiskWordsError, match="not valid JSON"):
        load_risk_words(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(WORDS), encoding="utf-8")
    assert load_risk_words(good).entries == 3
