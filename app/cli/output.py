"""Printing command results: ``--json`` for programs, aligned text for people.

Everything the command line prints passes through ``escape_controls``: a patient name, a
transcript or a model's reply holding terminal escape sequences is shown with each
control character made visible (``\\x1b``, ``\\u202e``) instead of acted on by the
terminal. ``guarded_output`` puts it in front of stdout and stderr for a whole command;
``print_table`` and ``print_fields`` also escape newlines and tabs inside one cell.
"""

import dataclasses
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

# What a terminal acts on or what reorders text: C0 controls, DEL, C1 controls, the bidi
# marks, embeddings, overrides and isolates; lone surrogates (undecodable input) too,
# which the terminal's encoding could not print at all.
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_CONTROLS_BUT_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Outside C0 the JSON escape form, so that escaped JSON output stays valid JSON.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    if match.group() in _NAMED:
        return _NAMED[match.group()]
    code = ord(match.group())
    # Beyond C0 (which json.dumps always escapes) the JSON form: JSON lines printed
    # through the guarded stream stay valid JSON.
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def _visible_in_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str, *, multiline: bool = True) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\x9b``,
    ``\\u202e``) instead of acted on by the terminal; newline and tab are kept when
    ``multiline`` (a note, a transcript), escaped in a one-line value (a name, a cell)."""
    pattern = _CONTROLS_BUT_LINES if multiline else _CONTROLS
    return pattern.sub(_visible, text)


class EscapingStream:
    """A text stream in front of another that escapes control characters in every write
    (newline and tab kept). ``write_progress`` is the one way to rewrite the current
    line (a carriage return, then the escaped text)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(escape_controls(text))
        return len(text)

    def write_progress(self, text: str, end: str = "") -> None:
        self.stream.write("\r" + escape_controls(text, multiline=False) + end)
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, ...
        return getattr(self.stream, name)


@contextmanager
def guarded_output() -> Iterator[None]:
    """Escape control characters in everything written to stdout and stderr meanwhile."""
    saved = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(saved[0])
    sys.stderr = EscapingStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def print_progress(line: str, *, last: bool = False) -> None:
    """Rewrite the current stderr line with ``line`` (a terminal's progress line)."""
    end = "\n" if last else ""
    if isinstance(sys.stderr, EscapingStream):
        sys.stderr.write_progress(line, end)
    else:
        print("\r" + escape_controls(line, multiline=False), end=end, file=sys.stderr, flush=True)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, paths and containers as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: to_jsonable(item) for key, item in dataclasses.asdict(value).items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


def print_json(value: Any) -> None:
    """Readable UTF-8 JSON; control characters (which ``json.dumps`` leaves raw outside
    C0: DEL, C1, bidi controls) are written as ``\\uXXXX`` escapes, still valid JSON."""
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    print(_JSON_UNSAFE.sub(_visible_in_json, text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str) -> None:
    """Columns padded to their widest cell; ``empty`` when there are no rows."""
    if not rows:
        print(empty)
        return
    cells = [[escape_controls(str(cell), multiline=False) for cell in row] for row in rows]
    widths = [max(len(header), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def print_fields(values: Mapping[str, Any], *, width: int) -> None:
    """``name: value`` lines, names (underscores as spaces) padded to ``width``."""
    for name, value in values.items():
        shown = escape_controls(str(value), multiline=False)
        print(f"{name.replace('_', ' ') + ':':{width}} {shown}")
