"""The visit note's rule draft, read from a conversation in the shape of a real visit."""

from core.notes.rules_note import rule_note_sections
from core.notes.rules_visit import read_visit
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

VISIT = "\n".join(
    [
        "[doctor] hi , anna . how are you ?",
        "[patient] i'm doing okay .",
        "[doctor] anna is a 44-year-old female with a history of gout who presents today"
        " for follow up of her knee pain .",
        "[doctor] so how is the knee ?",
        "[patient] um , my right knee has been , has been swelling up after i walk , and"
        " i ca n't climb stairs .",
        "[doctor] okay . any fever or chills ?",
        "[patient] no .",
        "[doctor] any redness ?",
        "[patient] yes , a little .",
        "[doctor] all right . let's do a quick physical exam . on physical examination ,"
        " your right knee has a small effusion and you do have pain to palpation .",
        "[doctor] hey , dragon , show me the right knee x-ray . looking at your x-ray ,"
        " there's no fracture , but there is some arthritis .",
        "[doctor] so let's talk about my assessment and plan . for your knee pain , i"
        " want you to continue the ibuprofen , 400 milligrams , twice a day , okay ?",
        "[doctor] and i'm going to refer you to physical therapy .",
        "[patient] okay , thank you .",
    ]
)


def _visit() -> dict[str, str]:
    return rule_note_sections(VISIT, BUILTIN_TEMPLATES["visit"].sections)


def test_the_visit_is_read_in_its_order() -> None:
    reading = read_visit(VISIT)
    assert reading.subject == "she"
    assert 0 < reading.exam_start < reading.plan_start < len(reading.turns)


def test_each_section_takes_its_part_of_the_visit() -> None:
    note = _visit()
    assert note["chief_complaint"] == "Follow up of her knee pain."
    hpi = note["history_of_present_illness"]
    assert hpi.startswith("Anna is a 44-year-old female")
    assert "Her right knee has been swelling up after she walks, and she can't climb stairs." in hpi
    assert "how is the knee" not in hpi.lower()  # the clinician's questions are not history
    assert note["review_of_systems"] == "Denies fever or chills.\nReports redness."
    exam = note["physical_examination"]
    assert "her right knee has a small effusion and she does have pain to palpation." in exam
    assert "let's do" not in exam.lower() and "x-ray" not in exam
    assert (
        note["results"] == "Looking at her x-ray, there's no fracture, but there is some arthritis."
    )
    plan = note["assessment_and_plan"]
    assert "I want her to continue the ibuprofen, 400 milligrams, twice a day." in plan
    assert "I'm going to refer her to physical therapy." in plan
    assert "dragon" not in " ".join(note.values()).lower()
    assert note["risk"] == NOT_DISCUSSED  # the safety net writes it


def test_sections_keep_whole_sentences_within_their_cap() -> None:
    spec = next(s for s in BUILTIN_TEMPLATES["visit"].sections if s.key == "assessment_and_plan")
    tight = (type(spec)(spec.title, spec.instruction, spec.length, spec.style, max_words=15),)
    plan = rule_note_sections(VISIT, tight)["assessment_and_plan"]
    assert plan.endswith(".") and len(plan.split()) <= 20
    assert plan.startswith("For her knee pain")


def test_a_conversation_without_an_examination_or_plan() -> None:
    note = rule_note_sections(
        "Doctor: What brings you in today?\nPatient: I have had a cough for three weeks now.\n",
        BUILTIN_TEMPLATES["visit"].sections,
    )
    assert note["chief_complaint"] == "The patient has had a cough for three weeks now."
    assert note["physical_examination"] == NOT_DISCUSSED
    assert note["assessment_and_plan"] == NOT_DISCUSSED
