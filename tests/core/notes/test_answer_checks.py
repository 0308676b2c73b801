"""Each check on a model's note, with crafted model text."""

import pytest

from core.notes.answer_checks import check_sections
from core.notes.note_text import note_chat_messages
from core.notes.risk import detect_risks
from core.notes.rules_note import rule_note_sections
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

VISIT = BUILTIN_TEMPLATES["visit"]
TRANSCRIPT = (
    "Doctor: What brings you in today?\n"
    "Patient: I have had a cough for three weeks, and I take lisinopril 20 milligrams.\n"
    "Doctor: Any fever?\nPatient: No.\n"
    "Doctor: On examination your lungs have some wheezing.\n"
    "Doctor: I think this is bronchitis. Use the inhaler twice a day.\n"
)
INSTRUCTIONS = "\n".join(m.content for m in note_chat_messages(VISIT, " "))
GOOD = {
    "chief_complaint": "Cough for three weeks.",
    "history_of_present_illness": "The patient has had a cough for three weeks. She takes "
    "lisinopril 20 milligrams.",
    "review_of_systems": "Denies fever.",
    "physical_examination": "Lungs with some wheezing.",
    "results": NOT_DISCUSSED,
    "assessment_and_plan": "Bronchitis. Use the inhaler twice a day.",
    "risk": NOT_DISCUSSED,
}


def _problems(changes: dict[str, str], transcript: str = TRANSCRIPT) -> dict[str, str]:
    sections = {**GOOD, **changes}
    found = check_sections(
        VISIT,
        sections,
        transcript=transcript,
        instructions=INSTRUCTIONS,
        flags=detect_risks(transcript),
        rule_sections=rule_note_sections(transcript, VISIT.sections),
    )
    return {p.key: p.code for p in found}


def test_a_faithful_note_passes() -> None:
    # "Not discussed" is no text: where the rules have nothing either, it stays
    assert _problems({}) == {"results": "empty", "risk": "empty"}


@pytest.mark.parametrize(
    ("key", "text", "code"),
    [
        ("physical_examination", "The examination findings the clinician stated.", "echo"),
        ("chief_complaint", "Use only what the transcript says; never add a medication.", "echo"),
        ("results", "[insert results here]", "placeholder"),
        ("results", '"]["', "placeholder"),
        ("history_of_present_illness", "Cough. " + "She has a cough for three weeks. " * 3,
         "repeated"),
        ("assessment_and_plan", GOOD["history_of_present_illness"], "copied"),
        ("physical_examination", "Blood pressure 150 over 90, lungs with wheezing.", "ungrounded"),
        ("assessment_and_plan", "Bronchitis. Start amoxicillin twice a day.", "ungrounded"),
        ("assessment_and_plan", "Pneumonia with cough. Use the inhaler.", "ungrounded"),
        ("history_of_present_illness", "The gardener travelled abroad, bought vegetables "
         "and repaired the greenhouse roof yesterday.", "unsupported"),
        ("results", "Tests ordered.", "thin"),
        ("risk", "The patient is doing well with the inhaler.", "off_topic"),
        ("history_of_present_illness", "You have had a cough for three weeks.",
         "second_person"),
        ("review_of_systems", "Symptoms asked about: cough.", "echo"),
        ("physical_examination", "Lungs with some wheezing. I have had wheezing.",
         "patient_voice"),
        ("history_of_present_illness", "- I've had a cough for three weeks.", "patient_voice"),
        ("history_of_present_illness", "She has a cough.", "thin"),
    ],
)  # fmt: skip
def test_each_problem_is_found(key: str, text: str, code: str) -> None:
    assert _problems({key: text}).get(key) == code


def test_a_risk_section_that_denies_a_disclosure_contradicts_the_safety_net() -> None:
    disclosed = TRANSCRIPT + "Patient: Some nights I think about killing myself.\n"
    assert _problems({"risk": "No suicidal ideation."}, disclosed)["risk"] == "contradicts_risk"
    assert "risk" not in _problems({"risk": "No suicidal ideation."})  # a true denial


def test_a_clinicians_own_i_is_not_the_patients_voice() -> None:
    plan = "Bronchitis. I advised her to use the inhaler twice a day."
    assert "assessment_and_plan" not in _problems({"assessment_and_plan": plan})


def test_numbers_said_in_words_are_grounded() -> None:
    assert "chief_complaint" not in _problems({"chief_complaint": "Cough for 3 weeks."})


def test_a_diagnosis_said_in_another_form_is_grounded() -> None:
    anxious = TRANSCRIPT + "Patient: I feel anxious about it.\n"
    assert "history_of_present_illness" not in _problems(
        {"history_of_present_illness": "Cough for three weeks, with anxiety about it."}, anxious
    )
