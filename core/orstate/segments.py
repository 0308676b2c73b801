"""Transcript segments as JSON lines, the way a speech recogniser (or an export) writes
them: ``{"t": 12.5, "speaker": "surgeon", "text": "...", "final": true}``."""

import json
import math

# t (seconds), speaker, text, final
Segment = tuple[float, str, str, bool]


def parse_segment_line(line: str) -> Segment | None:
    """The segment on one line; None for a blank line. Raises ``ValueError`` for a line
    that is not a segment (bad JSON, JSON nested too deeply, no finite number ``t``, no
    string ``text``, text that is not valid Unicode); the message never quotes the line.
    ``speaker`` defaults to ``"unknown"``, ``final`` to true."""
    if not line.strip():
        return None
    try:
        item = json.loads(line)
        t, text = float(item["t"]), item["text"]
        if not isinstance(text, str) or not math.isfinite(t):
            raise TypeError
        speaker = str(item.get("speaker") or "unknown")
        # Lone surrogates (undecodable bytes, or a "\ud800" escape) cannot be stored.
        text.encode("utf-8")
        speaker.encode("utf-8")
        return t, speaker, text, bool(item.get("final", True))
    # RecursionError: "[[[[..." nested deeper than the parser's stack; OverflowError: an
    # integer too large for a float.
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError):
        raise ValueError("not a transcript segment") from None
