"""Splitting a transcript that is too long for the model into parts, at line boundaries.

Each part is summarised on its own and the partial notes merged (map, then reduce).
"""

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(line: str, max_chars: int) -> list[str]:
    """A line longer than a part: cut at sentence ends, then at spaces, then anywhere."""
    if len(line) <= max_chars:
        return [line]
    pieces, current = [], ""
    for unit in _SENTENCE_END.split(line):
        while len(unit) > max_chars:
            cut = unit.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            pieces.append(unit[:cut].strip())
            unit = unit[cut:].strip()
        if current and len(current) + 1 + len(unit) > max_chars:
            pieces.append(current)
            current = unit
        else:
            current = f"{current} {unit}".strip()
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


def split_transcript(text: str, max_chars: int) -> list[str]:
    """Parts of at most ``max_chars`` characters, whole lines where possible, in order.
    Every character of every line is in exactly one part (whitespace between may not)."""
    if max_chars < 100:
        raise ValueError("parts must hold at least 100 characters")
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines():
        for piece in _pieces(line, max_chars):
            if current and size + 1 + len(piece) > max_chars:
                parts.append("\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += len(piece) + 1
    if current:
        parts.append("\n".join(current))
    return parts
