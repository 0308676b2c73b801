"""What a model reads for a note: the transcript, or the rule draft of it (for a small
model trained to rewrite it). Both prompts come from one function, which training uses
too (``tests/core/lab/test_examples.py`` checks the tokens)."""

from core.notes.note_source import note_prompt, note_source_of, rough_draft
from core.notes.note_text import note_chat_messages, note_completion_prompt
from core.notes.rules_note import rule_note_sections
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

VISIT = BUILTIN_TEMPLATES["visit"]
TRANSCRIPT = (
    "[doctor] What brings you in today?\n"
    "[patient] Um, so my right knee has been really swollen since I fell off my bike on "
    "Tuesday, you know.\n"
    "[doctor] Okay. I'm going to order an x-ray of the right knee and start you on "
    "ibuprofen 400 milligrams three times a day.\n"
)


def test_the_transcript_prompt_is_the_one_drafting_always_sent() -> None:
    prompt = note_prompt(VISIT, TRANSCRIPT, "transcript")
    assert prompt.messages == note_chat_messages(VISIT, TRANSCRIPT)
    assert prompt.completion == note_completion_prompt(VISIT, TRANSCRIPT)
    assert prompt.shown == TRANSCRIPT


def test_the_rule_draft_prompt_holds_the_rule_sections_under_their_headings() -> None:
    prompt = note_prompt(VISIT, TRANSCRIPT, "rule_draft")
    rules = rule_note_sections(TRANSCRIPT, VISIT.sections)
    user = prompt.messages[-1].content
    assert prompt.shown == rough_draft(VISIT, TRANSCRIPT) and prompt.shown in user
    for spec in VISIT.sections:
        if spec.is_risk:
            assert f"{spec.title}:\n" not in prompt.shown  # the safety net's, not the model's
        else:
            assert f"{spec.title}:\n{rules[spec.key]}" in prompt.shown
    assert "ibuprofen 400 milligrams" in user
    assert "[doctor]" not in user and "[patient]" not in user  # the draft, not the transcript
    system = prompt.messages[0].content
    assert "rough draft" in system and NOT_DISCUSSED in system
    assert prompt.completion.startswith("Rough draft of a clinical note")
    assert prompt.completion.endswith(f"\n\n{VISIT.sections[0].title}:\n")


def test_a_files_note_source_is_read_safely() -> None:
    assert note_source_of("rule_draft") == "rule_draft"
    for odd in ("transcript", None, "", "RULE_DRAFT", 3, ["rule_draft"]):
        assert note_source_of(odd) == "transcript"
