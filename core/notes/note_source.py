"""What a model reads to write a note: the transcript itself, or the rule draft of it.

A capable model reads the transcript. A very small one reads a 2,500-token visit badly
(it loses track of who said what and invents details), but rewrites well: given the
rule draft (sentences the rules took from the transcript, already sorted under the
note's headings, about a third as long), it writes them as a clinician would. Which of
the two a model was trained on travels with it, as ``auralis.note_source`` in its GGUF
file (an adapter's or a merged model's), so drafting and training always build the same
prompt (``note_prompt``).
"""

from dataclasses import dataclass
from typing import Literal

from core.llm.adapter_file import NOTE_SOURCE_KEY
from core.llm.types import Message
from core.notes.note_text import note_chat_messages, note_completion_prompt
from core.notes.rules_note import rule_note_sections
from core.notes.templates import NOT_DISCUSSED, Template

NoteSource = Literal["transcript", "rule_draft"]
NOTE_SOURCES: tuple[NoteSource, ...] = ("transcript", "rule_draft")
__all__ = [
    "NOTE_SOURCES",
    "NOTE_SOURCE_KEY",
    "NotePrompt",
    "note_prompt",
    "note_source_of",
    "rough_draft",
]

REWRITE_INSTRUCTIONS = (
    "You write a clinician's note from a rough draft: sentences taken from the transcript "
    "of a clinical conversation and sorted under the note's headings. Say what matters "
    "clinically, concisely, and leave out chatter. Never add a medication, number or "
    "diagnosis the draft does not mention. Write in the third person, in plain sentences. "
    f'Under a heading the draft says nothing about, write "{NOT_DISCUSSED}".'
)


@dataclass(frozen=True)
class NotePrompt:
    """The chat messages (instruct models), the completion prompt (base models), and the
    text they were given to read, which is not an instruction (the echo check)."""

    messages: list[Message]
    completion: str
    shown: str


def rough_draft(template: Template, transcript: str) -> str:
    """The rule draft's sections under their headings, without Risk (the safety net's)."""
    rules = rule_note_sections(transcript, template.sections)
    return "\n\n".join(
        f"{spec.title}:\n{rules[spec.key]}" for spec in template.sections if not spec.is_risk
    )


def note_prompt(template: Template, transcript: str, source: NoteSource) -> NotePrompt:
    """The prompt drafting sends (and training learns from) for ``transcript``."""
    if source == "transcript":
        return NotePrompt(
            note_chat_messages(template, transcript),
            note_completion_prompt(template, transcript),
            transcript,
        )
    draft = rough_draft(template, transcript)
    titles = ", ".join(f"{spec.title}:" for spec in template.sections)
    task = f"Write the {template.title.lower()} under these headings: {titles}"
    user = f"Rough draft:\n{draft}\n\n{task}"
    completion = (
        f"Rough draft of a clinical note, sentences taken from the conversation:\n\n{draft}\n\n"
        f"{template.title} written by the clinician from this draft, with the headings "
        f"{', '.join(spec.title for spec in template.sections)}.\n\n"
        f"{template.sections[0].title}:\n"
    )
    return NotePrompt(
        [Message("system", REWRITE_INSTRUCTIONS), Message("user", user)], completion, draft
    )


def note_source_of(value: object) -> NoteSource:
    """A GGUF file's ``auralis.note_source`` value as a source; anything else (missing,
    unknown) is the transcript."""
    return "rule_draft" if value == "rule_draft" else "transcript"
