"""Inline markers in notes and transcripts: ``{{RED:word}}`` marks an urgent risk word.

One definition for everything that reads or writes them. A marker is one line long and
holds no braces; its kind is upper-case (only RED is written today; others pass through).
"""

import re

# Everything str.splitlines() breaks on, so a marker never spans lines.
_BODY = "[^{}\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*"

RED_MARKER = re.compile(r"\{\{RED:(" + _BODY + r")\}\}")
"""A red marker; group 1 is the marked text."""

RED_MARKER_SPAN = re.compile(r"(\{\{RED:" + _BODY + r"\}\})")
"""The same, as one capturing group, for ``re.split`` keeping the markers."""

ANY_MARKER = re.compile(r"\{\{[A-Z][A-Z0-9_]*:(" + _BODY + r")\}\}")
"""A marker of any kind; group 1 is the marked text."""


def red(text: str) -> str:
    return "{{RED:" + text + "}}"


def strip_markers(text: str) -> str:
    """``"a {{RED:kill}} b"`` -> ``"a kill b"``, for every marker kind."""
    return ANY_MARKER.sub(lambda m: m.group(1), text)
