"""Transcript segments as JSON lines, the way a speech recogniser (or an export) writes
them: ``{"t": 12.5, "speaker": "surgeon", "text": "...", "final": true}``."""

import json

# t (seconds), speaker, text, final
Segment = tuple[float, str, str, bool]


def parse_segment_line(line: str) -> Segment | None:
    """The segment on one line; None for a blank line. Raises ``ValueError`` for a line
    that is not a segment (bad JSON, no number ``t``, no string ``text``); the message
    never quotes the line. ``speaker`` defaults to ``"unknown"``, ``final`` to true."""
    if not line.strip():
        return None
    try:
        item = json.loads(line)
        t, text = float(item["t"]), item["text"]
        if not isinstance(text, str):
            raise TypeError
        return t, str(item.get("speaker") or "unknown"), text, bool(item.get("final", True))
    except (ValueError, KeyError, TypeError):
        raise ValueError("not a transcript segment") from None
