"""The risk review gate's rule: a disclosure the safety net found is "removed from the
note" when the note no longer quotes it or shows it in red (core.notes.risk_review)."""

from dataclasses import replace

from risk_labelled import LABELLED

from core.llm.rules import RuleEngine
from core.notes.drafting import draft_note
from core.notes.risk import apply_risk_safety_net, detect_risks
from core.notes.risk_flags import RiskFlag
from core.notes.risk_review import describe_removed, removed_disclosures
from core.notes.templates import BUILTIN_TEMPLATES

TRANSCRIPT = """Therapist: How has the week gone?
Client: Badly. Some nights I think everyone would be better off if I was gone for good.
Therapist: Anything else?
Client: I have been stockpiling my sleeping tablets in the drawer.
Therapist: Any thoughts of hurting anyone else?
Client: No, nothing like that.
"""


def _disclosed() -> list[RiskFlag]:
    flags = detect_risks(TRANSCRIPT)
    assert [f.status for f in flags].count("disclosed") == 2, flags
    return flags


def test_the_safety_nets_own_risk_section_removes_nothing() -> None:
    flags = _disclosed()
    note = "Risk:\n" + apply_risk_safety_net("Not discussed", flags) + "\n\nPlan:\nReview.\n"
    assert removed_disclosures(note, flags) == []


def test_deleting_the_quote_of_a_disclosure_removes_it() -> None:
    flags = _disclosed()
    risk = apply_risk_safety_net("", flags)
    kept = [line for line in risk.splitlines() if "tablets" not in line]
    removed = removed_disclosures("Risk:\n" + "\n".join(kept), flags)
    assert [f.category for f in removed] == ["plan_or_means"]
    assert "tablets" not in describe_removed(removed)
    assert describe_removed(removed) == "plan or means (line 4)"


def test_an_empty_note_removes_every_disclosure_but_never_a_denial() -> None:
    flags = _disclosed()
    removed = removed_disclosures("", flags)
    assert {f.status for f in removed} == {"disclosed"} and len(removed) == 2


def test_a_shortened_quote_of_six_words_keeps_it_whatever_case_spacing_and_markers() -> None:
    flags = _disclosed()
    note = (
        'Risk: client said EVERYONE would be   better off if {{RED:I}} was gone; and "been '
        'stockpiling my sleeping tablets in".'
    )
    assert removed_disclosures(note, flags) == []


def test_five_words_of_a_long_quote_do_not_keep_it() -> None:
    flags = _disclosed()
    note = "Risk: stockpiling my sleeping tablets in... nights I think everyone would"
    removed = removed_disclosures(note, flags)
    assert [f.category for f in removed] == ["suicidal_ideation", "plan_or_means"]
    six = "Risk: stockpiling my sleeping tablets in the... Some nights I think everyone would"
    assert removed_disclosures(six, flags) == []


def test_a_red_word_of_the_quote_keeps_one_disclosure_only() -> None:
    transcript = (
        "Client: I want to kill myself.\n"
        "Therapist: Go on.\n"
        "Client: Last week I wanted to kill him, my boss.\n"
    )
    flags = [f for f in detect_risks(transcript) if f.status == "disclosed"]
    assert len(flags) == 2, flags
    one_red = "Risk: thoughts to {{RED:kill}} reported; see transcript."
    assert len(removed_disclosures(one_red, flags)) == 1
    two_red = "Risk: {{RED:kill}} (self); {{RED:kill}} (boss)."
    assert removed_disclosures(two_red, flags) == []
    # The same word, unmarked, is a paraphrase: not shown as a disclosure.
    assert len(removed_disclosures("Risk: thoughts to kill reported.", flags)) == 2


def test_a_possible_risk_line_for_review_does_not_keep_a_disclosure() -> None:
    flags = _disclosed()
    tablets = next(f for f in flags if f.category == "plan_or_means")
    review_line = (
        "Transcript: Possible risk, please review: plan or means (line 4, Client): "
        f'"{tablets.quote}"'
    )
    removed = removed_disclosures(review_line, [tablets])
    assert removed == [tablets]


def test_a_short_quote_must_be_there_whole() -> None:
    flag = RiskFlag("self_harm", "disclosed", "I cut again.", 3, "Client")
    assert removed_disclosures('Client: "I cut again."', [flag]) == []
    assert removed_disclosures("Client said I cut", [flag]) == [flag]


def test_the_nets_line_for_a_disclosure_its_screen_doubts_keeps_it() -> None:
    flags = _disclosed()
    doubted = [
        replace(f, status="possible", doubted=True) if f.category == "plan_or_means" else f
        for f in flags
    ]
    note = "Risk:\n" + apply_risk_safety_net("Not discussed", doubted)
    assert "read as unlikely here" in note
    assert removed_disclosures(note, flags) == []  # the lexicon's flags, as the gate reads


def test_no_drafted_note_of_the_labelled_sentences_trips_the_gate() -> None:
    """Every rule draft, as drafted, holds every disclosure it was drafted from."""
    for item in LABELLED:
        line = f"{item.speaker}: {item.sentence}" if item.speaker else item.sentence
        transcript = f"Therapist: How have things been?\n{line}\n"
        for name in ("default", "soap"):
            draft = draft_note(RuleEngine(), BUILTIN_TEMPLATES[name], transcript)
            assert removed_disclosures(draft.text, detect_risks(transcript)) == [], item
