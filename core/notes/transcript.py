"""Transcript import: bytes of a .txt, .vtt, .srt or .json file -> a ``Transcript``.

Pure functions, no Qt, no shared state: safe to call from any thread. Detects the text
encoding and the format, keeps speakers and times, and normalises whitespace while
keeping ``{{RED:...}}`` risk markers intact. Every refusal is a ``TranscriptError`` whose
message names the file and a line, position or item index, never the transcript's words
(messages end up in logs and dialogs; patient text must not).
"""

import html
import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.notes.markers import RED_MARKER_SPAN
from core.notes.speakers import split_speaker

MAX_BYTES = 50 * 1024 * 1024

Format = Literal["text", "vtt", "srt", "json", "audio"]


@dataclass(frozen=True)
class Segment:
    """One utterance: normalised, non-empty text, its speaker as written, and times in
    seconds when the file has them."""

    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("a Segment needs non-empty text")


@dataclass(frozen=True)
class Transcript:
    """The segments of one imported file, in file order, with how it was read."""

    segments: tuple[Segment, ...]
    source_format: Format
    encoding: str

    def as_text(self) -> str:
        """One line per segment, ``Speaker: text`` or ``text``: what the store keeps and
        what engines read."""
        return "\n".join(f"{s.speaker}: {s.text}" if s.speaker else s.text for s in self.segments)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))


def time_stamp(seconds: float) -> str:
    """A line's time as people read it: 12:05, or 1:02:05 past the first hour."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class TranscriptError(ValueError):
    """A transcript that cannot be imported; the message says why and what to do."""


_EMPTY = "{} is empty; choose the file that holds the transcript."
_NOT_TEXT = "{} is not a text file; import a .txt, .vtt, .srt or .json transcript."
_TOO_LARGE = f"{{}} is larger than {MAX_BYTES >> 20} MB; split it and import the parts one by one."
_BAD_UTF8 = (
    "{} is not valid UTF-8 (invalid byte at position {}); save it as UTF-8 and import it again."
)


# A marker never spans a line or contains braces: that keeps ``as_text`` one line per
# segment and the scan linear (no backtracking over a long unclosed "{{RED:"). The group
# makes ``split`` return the markers at odd indexes.
_WHITESPACE = re.compile(r"\s+")
# Control characters that are not whitespace, and invisible format characters (zero-width
# space/joiners, bidi controls, word joiner, BOM, soft hyphen).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def normalize_whitespace(text: str) -> str:
    """Collapse every whitespace run to one space, trim the ends and drop invisible
    characters, but leave each ``{{RED:...}}`` marker exactly as it is. Idempotent."""
    parts = RED_MARKER_SPAN.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _WHITESPACE.sub(" ", _INVISIBLE.sub("", parts[i]))
    return "".join(parts).strip()


def read_transcript_file(path: Path) -> Transcript:
    """Read and parse ``path``. The size is checked before anything is read, so a huge
    file costs nothing; folders, devices and pipes are refused without opening them."""
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise TranscriptError(f"{name} is a folder; choose a transcript file inside it.")
        if not stat.S_ISREG(info.st_mode):
            raise TranscriptError(f"{name} is not a regular file; choose a transcript file.")
        if info.st_size > MAX_BYTES:
            raise TranscriptError(_TOO_LARGE.format(name))
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except FileNotFoundError:
        raise TranscriptError(f"{name} does not exist; check the path and try again.") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TranscriptError(f"{name} cannot be read ({reason}); check its permissions.") from None
    return parse_transcript(data, filename=name)


def parse_transcript(data: bytes, *, filename: str | None = None) -> Transcript:
    """Decode ``data``, detect its format and split it into segments.

    The content decides the format (a ``WEBVTT`` header, numbered ``-->`` cues, JSON);
    the extension of ``filename`` only decides when the content is not recognised, so a
    mislabelled file still imports and a broken .vtt/.srt/.json gets a precise message.
    """
    name = filename or "The transcript"
    if len(data) > MAX_BYTES:
        raise TranscriptError(_TOO_LARGE.format(name))
    text, encoding = _decode(data, name)
    hint = Path(filename).suffix.lower() if filename else ""
    source_format, segments = _parse_text(text, hint, name)
    if not segments:
        raise TranscriptError(f"{name} contains no transcript text; check it is the right file.")
    return Transcript(tuple(segments), source_format, encoding)


def decode_text(data: bytes, name: str) -> str:
    """The text of a file as a transcript's is read (UTF-8 or UTF-16 with or without a
    BOM, cp1252 for Western 8-bit text), or a TranscriptError naming ``name``."""
    return _decode(data, name)[0]


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the codec that reads it back, or a TranscriptError."""
    if not data.strip():
        raise TranscriptError(_EMPTY.format(name))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data:
        # No BOM: mostly-Latin UTF-16 has a NUL in every other byte, binaries do not.
        half, even, odd = len(data) // 2, data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and odd >= half / 2 and even <= half / 10:
            encoding = "utf-16-le"
        elif len(data) % 2 == 0 and even >= half / 2 and odd <= half / 10:
            encoding = "utf-16-be"
        else:
            raise TranscriptError(_NOT_TEXT.format(name))
    else:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding.startswith("utf-16"):
            raise TranscriptError(
                f"{name} is not valid UTF-16 (invalid data at position {exc.start}); "
                "save it as UTF-8 and import it again."
            ) from None
        # A BOM shifts positions: report them as offsets into the file.
        text, encoding = _decode_legacy(data, exc.start + len(data) - len(exc.object), name)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise TranscriptError(_EMPTY.format(name))
    # Text files hold a stray control character at most; binaries are full of them.
    if len(_CONTROL.findall(text)) > len(text) // 10:
        raise TranscriptError(_NOT_TEXT.format(name))
    return text, encoding


def _decode_legacy(data: bytes, bad: int, name: str) -> tuple[str, str]:
    """cp1252 for Western 8-bit text; damaged UTF-8 and junk are refused."""
    broken = TranscriptError(_BAD_UTF8.format(name, bad))
    # Valid multi-byte sequences next to invalid bytes mean damaged UTF-8: cp1252 prose
    # practically never forms one. (Dropping the invalid bytes leaves only valid ones.)
    if data.startswith(b"\xef\xbb\xbf") or not data.decode("utf-8", "ignore").isascii():
        raise broken
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise broken from None
    # Western text is mostly ASCII; a file mostly of high bytes is junk, not cp1252 prose.
    high = len(data.translate(None, bytes(range(128))))
    if high * 10 > len(data.translate(None, b" \t\r\n\x0b\x0c")) * 3:
        raise broken
    return text, "cp1252"


# --- formats ----------------------------------------------------------------------------

# Hours are bounded: a timestamp of thousands of digits is refused as invalid instead of
# overflowing int() or float() (ValueError/OverflowError, not a TranscriptError).
_TIME = r"(?:(\d{1,6}):)?([0-5]?\d):([0-5]\d)[.,](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?", re.ASCII)
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
# HTML-like tags and ASS overrides like {\an8}. A tag holds no "<": every attempt stops at
# the next one, so a long line of unclosed "<" is scanned in linear, not quadratic, time.
_TAG = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?[ \t]+([^<>]*)>")
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def _parse_text(text: str, hint: str, name: str) -> tuple[Format, list[Segment]]:
    lines = text.splitlines()
    if _VTT_HEADER.fullmatch(next((line.strip() for line in lines if line.strip()), "")):
        return "vtt", _parse_vtt(lines, name)
    if text.lstrip().startswith(("[", "{")) or hint == ".json":
        try:
            value = json.loads(text)
        except RecursionError:
            raise _json_error(name, "it is nested too deeply") from None
        except ValueError as exc:  # bad syntax, or an integer with thousands of digits
            if hint == ".json":
                where = "it holds a number that cannot be read"
                if isinstance(exc, json.JSONDecodeError):
                    where = f"line {exc.lineno} column {exc.colno}: {exc.msg.lower()}"
                raise _json_error(name, where) from None
        else:
            return "json", _parse_json(value, name)
    block = next((b for _, b in _blocks(lines[:64])), [""])
    numbered_cue = block[0].strip().isdigit() and len(block) > 1 and _TIMING.fullmatch(block[1])
    if numbered_cue or hint == ".srt":
        return "srt", _parse_srt(lines, name)
    if hint == ".vtt":
        return "vtt", _parse_vtt(lines, name)
    return "text", [seg for line in lines if (seg := _labelled(line)) is not None]


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the 1-based number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, 1):
        if line.strip() and blocks and blocks[-1][0] + len(blocks[-1][1]) == number:
            blocks[-1][1].append(line)
        elif line.strip():
            blocks.append((number, [line]))
    return blocks


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction}")


def _cue(block: list[str], first: int, kind: str, name: str) -> list[Segment]:
    """Segments of one cue: an optional identifier, the timing line, the text lines."""
    at = 0 if "-->" in block[0] else 1
    timing = _TIMING.fullmatch(block[at]) if at < len(block) else None
    if timing is None:
        problem = f"line {first} has no timestamp"
        if at < len(block) and "-->" in block[at]:
            problem = f"line {first + at} has an invalid timestamp"
        raise TranscriptError(
            f"{name} is not a valid {kind} file: {problem}; fix the file or export it again."
        )
    times = timing.groups()
    start, end = _seconds(*times[:4]), _seconds(*times[4:])
    payload = " ".join(block[at + 1 :])
    voices = list(_VOICE.finditer(payload))
    if not voices:
        seg = _labelled(html.unescape(_TAG.sub("", payload)), start, end)
        return [] if seg is None else [seg]
    # A cue may hold several voices ("<v A>Hi <v B>Hello"): one segment per voice.
    spans = [(None, payload[: voices[0].start()])] + [
        (v.group(1), payload[v.end() : nxt.start() if nxt else None])
        for v, nxt in zip(voices, [*voices[1:], None], strict=True)
    ]
    return [
        Segment(body, normalize_whitespace(speaker or "") or None, start, end)
        for speaker, span in spans
        if (body := normalize_whitespace(html.unescape(_TAG.sub("", span))))
    ]


def _parse_vtt(lines: list[str], name: str) -> list[Segment]:
    blocks = _blocks(lines)
    if not _VTT_HEADER.fullmatch(blocks[0][1][0].strip()):
        raise TranscriptError(
            f"{name} is not a valid WebVTT file: line {blocks[0][0]} is not the WEBVTT "
            "header; fix the file or export it again."
        )
    (first, header), cues = blocks[0], blocks[1:]
    # Tolerate a cue glued to the header without the blank line the format asks for.
    glued = next((i for i, line in enumerate(header) if i and "-->" in line), None)
    if glued is not None:
        cues.insert(0, (first + glued, header[glued:]))
    segments: list[Segment] = []
    for number, block in cues:
        if block[0].split(maxsplit=1)[0] not in ("NOTE", "STYLE", "REGION"):
            segments.extend(_cue(block, number, "WebVTT", name))
    return segments


def _parse_srt(lines: list[str], name: str) -> list[Segment]:
    segments: list[Segment] = []
    for number, block in _blocks(lines):
        skip = 1 if block[0].strip().isdigit() and len(block) > 1 else 0  # the cue index
        segments.extend(_cue(block[skip:], number + skip, "SubRip (SRT)", name))
    return segments


def _json_error(name: str, problem: str) -> TranscriptError:
    return TranscriptError(
        f"{name} cannot be read as JSON segments: {problem}; it should be a list of "
        '{"speaker", "start", "end", "text"} objects.'
    )


def _parse_json(value: Any, name: str) -> list[Segment]:
    if isinstance(value, dict) and isinstance(value.get("segments"), list):
        value = value["segments"]
    if not isinstance(value, list):
        raise _json_error(name, 'expected a list of segments or an object with "segments"')
    segments: list[Segment] = []
    for index, item in enumerate(value):
        where = f"the item at index {index}"
        if not isinstance(item, dict):
            raise _json_error(name, f"{where} is not an object")
        if "text" not in item:
            raise _json_error(name, f'{where} has no "text"')
        text, speaker = item["text"], item.get("speaker")
        if not isinstance(text, str):
            raise _json_error(name, f'"text" of {where} is not a string')
        if speaker is not None and not isinstance(speaker, str):
            raise _json_error(name, f'"speaker" of {where} is not a string')
        # A "\ud800" escape decodes to a lone surrogate, which no UTF-8 store can keep.
        if not _is_unicode(text) or (speaker is not None and not _is_unicode(speaker)):
            raise _json_error(name, f"{where} holds an unpaired surrogate escape, not text")
        start, end = (_json_time(item.get(key), key, where, name) for key in ("start", "end"))
        if body := normalize_whitespace(text):
            segments.append(Segment(body, normalize_whitespace(speaker or "") or None, start, end))
    return segments


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_time(value: object, key: str, where: str, name: str) -> float | None:
    """Seconds from a number or a numeric string; None when absent."""
    if value is None:
        return None
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        value = float(value)
    # The bound also refuses NaN, infinity and integers too big for a float.
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1e9:
        return float(value)
    raise _json_error(name, f'"{key}" of {where} is not a number of seconds')


def _labelled(line: str, start: float | None = None, end: float | None = None) -> Segment | None:
    """The segment of one line, with its speaker when it starts with a label such as
    ``Therapist:``, ``Dr. Lee:`` or ``Speaker 1:``; None when the line has no text."""
    speaker, text = split_speaker(line)
    body = normalize_whitespace(text)
    return Segment(body, speaker, start, end) if body else None
