"""A note written by a model as plain text under headings, and read back into sections.

Small local models write headed prose far better (and faster) than JSON under a grammar,
and the text streams readably to the window. An instruct model gets chat messages; a
base model without a chat template gets a plain completion prompt that ends with the
first heading, so it simply goes on writing the note. The answer is split at the
template's headings wherever they stand on a line of their own or open one ("Results:",
"## Results", "**Results:** ...").

Only transcripts are ever put in a prompt: never a session's private notes.
"""

import re

from core.llm.types import Message
from core.notes.templates import NOT_DISCUSSED, Template

NOTE_INSTRUCTIONS = (
    "You write a clinician's note from the transcript of a clinical conversation. Use only "
    "what the transcript says; never add a medication, number or diagnosis it does not "
    f"mention. Write in the third person, in plain sentences. Under a heading the "
    f'transcript says nothing about, write "{NOT_DISCUSSED}". Quote any statement about '
    "risk of harm exactly."
)


def _heading_list(template: Template) -> str:
    return "\n".join(f"{spec.title}: {spec.instruction}".rstrip() for spec in template.sections)


def note_chat_messages(template: Template, transcript: str) -> list[Message]:
    """For an instruct model: the fixed instructions and headings first (their KV cache is
    reused from note to note), the transcript last."""
    system = f"{NOTE_INSTRUCTIONS}\n\nThe note's headings, in order:\n{_heading_list(template)}"
    titles = ", ".join(f"{spec.title}:" for spec in template.sections)
    user = (
        f"Transcript:\n{transcript}\n\n"
        f"Write the {template.title.lower()} under these headings: {titles}"
    )
    return [Message("system", system), Message("user", user)]


def note_completion_prompt(template: Template, transcript: str) -> str:
    """For a base model: the transcript, then the note's first heading to continue from."""
    return (
        f"Transcript of a clinical conversation:\n\n{transcript}\n\n"
        f"{template.title} written by the clinician from this conversation, with the "
        f"headings {', '.join(spec.title for spec in template.sections)}.\n\n"
        f"{template.sections[0].title}:\n"
    )


def _heading_pattern(template: Template) -> re.Pattern[str]:
    names = sorted(
        {name for spec in template.sections for name in (spec.title, spec.key.replace("_", " "))},
        key=len,
        reverse=True,
    )
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"[ _]+") for name in names)
    return re.compile(
        rf"(?im)^[ \t]*(?:#+[ \t]*|\*\*|__)?[ \t]*({alternatives})[ \t]*(?:\*\*|__)?[ \t]*:?"
        rf"[ \t]*(?:\*\*|__)?[ \t]*(?=\S|$)"
    )


def parse_note_text(
    template: Template, text: str, *, starts_in: str | None = None
) -> dict[str, str]:
    """The sections of a headed answer, by key ("" for a heading never written). Text
    before the first heading belongs to ``starts_in`` (the heading the prompt ended with)
    and is dropped otherwise; a heading written twice keeps both texts, in order."""
    by_name = {}
    for spec in template.sections:
        by_name[_norm(spec.title)] = spec.key
        by_name[_norm(spec.key.replace("_", " "))] = spec.key
    found: dict[str, list[str]] = {spec.key: [] for spec in template.sections}
    matches = list(_heading_pattern(template).finditer(text))
    if matches and starts_in is not None:
        found[starts_in].append(text[: matches[0].start()])
    elif not matches and starts_in is not None:
        found[starts_in].append(text)
    ends = [m.start() for m in matches[1:]] + ([len(text)] if matches else [])
    for match, end in zip(matches, ends, strict=True):
        found[by_name[_norm(match.group(1))]].append(text[match.end() : end])
    return {key: _tidy("\n".join(parts)) for key, parts in found.items()}


def _norm(name: str) -> str:
    return " ".join(re.split(r"[ _]+", name.lower())).strip()


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)
