from core.notes.note_text import note_chat_messages, note_completion_prompt, parse_note_text
from core.notes.templates import BUILTIN_TEMPLATES

VISIT = BUILTIN_TEMPLATES["visit"]
TRANSCRIPT = "Doctor: What brings you in?\nPatient: A cough for three weeks."


def test_headed_text_is_read_back_into_sections() -> None:
    answer = (
        "Chief Complaint: Cough.\n\n"
        "## History of Present Illness\nThree weeks of cough.\nWorse at night.\n"
        "**Physical Examination:** Wheezing.\n"
        "assessment and plan:\nBronchitis; inhaler.\n"
        "Review_of_Systems: Denies fever.\n"
    )
    sections = parse_note_text(VISIT, answer)
    assert sections["chief_complaint"] == "Cough."
    assert sections["history_of_present_illness"] == "Three weeks of cough.\nWorse at night."
    assert sections["physical_examination"] == "Wheezing."
    assert sections["assessment_and_plan"] == "Bronchitis; inhaler."
    assert sections["review_of_systems"] == "Denies fever."  # out of order, by its key
    assert sections["results"] == "" and sections["risk"] == ""


def test_text_before_the_first_heading_belongs_to_the_prompts_last_heading() -> None:
    answer = "Cough for three weeks.\nResults: None done."
    assert parse_note_text(VISIT, answer)["chief_complaint"] == ""
    continued = parse_note_text(VISIT, answer, starts_in="chief_complaint")
    assert continued["chief_complaint"] == "Cough for three weeks."
    assert continued["results"] == "None done."
    assert parse_note_text(VISIT, "no headings at all")["chief_complaint"] == ""


def test_a_heading_inside_a_sentence_is_not_a_heading() -> None:
    sections = parse_note_text(VISIT, "Results: The results of the x-ray were normal.")
    assert sections["results"] == "The results of the x-ray were normal."


def test_the_prompts_put_the_transcript_last_and_name_every_heading() -> None:
    system, user = note_chat_messages(VISIT, TRANSCRIPT)
    assert TRANSCRIPT not in system.content  # the fixed part is reused from note to note
    assert user.content.startswith(f"Transcript:\n{TRANSCRIPT}")
    assert all(f"{spec.title}:" in user.content for spec in VISIT.sections)
    prompt = note_completion_prompt(VISIT, TRANSCRIPT)
    assert TRANSCRIPT in prompt and prompt.endswith("Chief Complaint:\n")
