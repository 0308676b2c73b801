"""Turning what a user types into a safe FTS5 query."""

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """An FTS5 query matching rows that contain every word of ``text`` (prefixes too).

    Each word is quoted, so user input can never be read as FTS5 syntax (a stray
    quote, ``NEAR``, ``-`` or ``*`` would otherwise be a syntax error or change meaning).
    An input with no words gives a query that matches nothing.
    """
    words = _WORD.findall(text)
    if not words:
        return '""'
    return " ".join(f'"{word}"*' for word in words)
