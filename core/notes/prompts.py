"""The messages sent to an engine for notes and summaries.

The fixed part (role, rules, the template's sections) comes first and the transcript
last, so a local model reuses the KV cache of the fixed part from one note to the next.
Only transcripts are ever put in a prompt: never a session's private notes.
"""

import json
from collections.abc import Sequence
from typing import Any

from core.llm.types import Message
from core.notes.templates import NOT_DISCUSSED, Template

TRANSCRIPT_HEADER = "=== TRANSCRIPT ==="
PARTIAL_NOTES_HEADER = "=== PARTIAL NOTES ==="

_ROLE = (
    "You are a clinical documentation assistant. You draft notes from a therapy session "
    "transcript for a clinician to review. Use only what the transcript says; never invent "
    f'facts. If the transcript says nothing for a section, write exactly "{NOT_DISCUSSED}". '
    "Write in the third person ('The client reports...'). Quote risk statements exactly. "
    "Answer with a JSON object with one string per section."
)


def _section_lines(template: Template) -> str:
    lines = []
    for spec in template.sections:
        style = "a short list, one item per line" if spec.style == "list" else "prose"
        lines.append(f'- "{spec.key}" ({spec.title}): {spec.instruction} {spec.guidance}, {style}.')
    return "\n".join(lines)


def note_messages(template: Template, transcript: str) -> list[Message]:
    system = f"{_ROLE}\n\nTemplate: {template.title}. Sections:\n{_section_lines(template)}"
    return [Message("system", system), Message("user", f"{TRANSCRIPT_HEADER}\n{transcript}")]


def merge_messages(template: Template, partial_notes: Sequence[dict[str, Any]]) -> list[Message]:
    """The reduce step for a long transcript: one note from the notes of its parts."""
    system = (
        f"{_ROLE}\n\nThe transcript was long, so each part was summarised separately. Merge "
        f"the partial notes into one {template.title}, keeping every risk statement. "
        f"Sections:\n{_section_lines(template)}"
    )
    parts = "\n".join(json.dumps(note, ensure_ascii=False) for note in partial_notes)
    return [Message("system", system), Message("user", f"{PARTIAL_NOTES_HEADER}\n{parts}")]


def summary_messages(sessions_text: str) -> list[Message]:
    system = (
        "You are a clinical documentation assistant. Summarise a client's therapy sessions "
        "for the treating clinician: progress, recurring themes, risk, and what to follow up. "
        "Use only what the sessions say. Answer with a JSON object: a summary paragraph "
        "and up to 8 key points."
    )
    return [Message("system", system), Message("user", f"{TRANSCRIPT_HEADER}\n{sessions_text}")]
