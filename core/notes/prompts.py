"""The messages sent to an engine for a summary of sessions (a note's prompt is
``core.notes.note_text``).

The fixed part comes first and the transcripts last, so a local model reuses the KV cache
of the fixed part. Only transcripts are ever put in a prompt: never a session's private
notes.
"""

from core.llm.types import Message

TRANSCRIPT_HEADER = "=== TRANSCRIPT ==="


def summary_messages(sessions_text: str) -> list[Message]:
    system = (
        "You are a clinical documentation assistant. Summarise a client's therapy sessions "
        "for the treating clinician: progress, recurring themes, risk, and what to follow up. "
        "Use only what the sessions say. Answer with a JSON object: a summary paragraph "
        "and up to 8 key points."
    )
    return [Message("system", system), Message("user", f"{TRANSCRIPT_HEADER}\n{sessions_text}")]
