"""Transcript→note pairs for fine-tuning: loaded from a CSV or JSON Lines file, checked
row by row, normalised, and split into train/valid/test parts that share no transcript.

Every row left out is reported with its number and the reason (empty, duplicate, too
long, not text, no section of the template); nothing is dropped silently. Reports hold
row numbers and counts, never a row's text.
"""

import csv
import hashlib
import io
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.lab.errors import LabError
from core.lab.sections import section_for, split_note
from core.notes.templates import Template
from core.notes.transcript import TranscriptError, decode_text

MAX_FILE_BYTES = 1 << 30  # 1 GiB: a larger file is split by the user, not read into memory
DEFAULT_MAX_CHARS = 60_000  # transcript and note together; ~15,000 tokens
PARTS = ("train", "valid", "test")


class DatasetError(LabError):
    """A dataset that cannot be used; the message is one line naming the file and why."""


@dataclass(frozen=True)
class Pair:
    row: int  # 1-based data row (a CSV's header not counted; a JSONL's line number)
    transcript: str
    note: str  # the reference note as written (normalised), for evaluation
    sections: dict[str, str]  # the note's text by template section key

    @property
    def group(self) -> str:
        """The content key that keeps one transcript in one part of a split."""
        return hashlib.sha256(self.transcript.casefold().encode("utf-8")).hexdigest()

    def as_record(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "transcript": self.transcript,
            "note": self.note,
            "sections": self.sections,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Pair":
        sections = record.get("sections")
        if not (
            isinstance(record.get("row"), int)
            and isinstance(record.get("transcript"), str)
            and isinstance(record.get("note"), str)
            and isinstance(sections, dict)
            and all(isinstance(v, str) for v in sections.values())
        ):
            raise ValueError("not a lab record")
        return cls(record["row"], record["transcript"], record["note"], dict(sections))


@dataclass
class LoadReport:
    pairs: list[Pair] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    def skip(self, row: int, reason: str) -> None:
        self.skipped.append((row, reason))


def normalise(text: str) -> str:
    """Line ends as LF, runs of spaces and tabs as one space, lines trimmed, at most one
    blank line in a row: the same text however it was typed or exported."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DatasetError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if not path.is_file():
        raise DatasetError(f"{path} is not a file.")
    if size > MAX_FILE_BYTES:
        raise DatasetError(
            f"{path} is {size / (1 << 30):.1f} GiB; the lab reads files up to 1 GiB. "
            "Split it into smaller files."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    try:
        return decode_text(data, str(path))
    except TranscriptError as exc:
        message = str(exc)
        if "not a text file" in message:
            message = f"{path} is not a text file; the lab reads a .csv or .jsonl file."
        raise DatasetError(message) from None


def _csv_records(
    text: str, path: Path, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise DatasetError(f"{path} is not a CSV file ({exc}).") from None
    _require_columns(path, header, columns)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise DatasetError(
            f"{path} is not a CSV file after row {reader.line_num} ({exc})."
        ) from None


def _jsonl_records(
    text: str, path: Path, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, Any]]]:
    any_object = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            yield number, {"\0error": "not a JSON object"}
            continue
        if not isinstance(record, dict):
            yield number, {"\0error": "not a JSON object"}
            continue
        if not any_object:
            any_object = True
            _require_columns(path, list(record), columns)
        yield number, record
    if not any_object:
        raise DatasetError(f"{path} has no JSON object on any line; it is not a JSON Lines file.")


def _require_columns(path: Path, present: Sequence[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        raise DatasetError(
            f"{path} has no column {missing[0]!r}; its columns are: "
            + (", ".join(repr(c) for c in present) or "none")
            + "."
        )


def load_pairs(
    path: Path,
    template: Template,
    *,
    transcript_column: str,
    note_column: str,
    section_column: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> LoadReport:
    """The usable pairs of a .csv or .jsonl file and every row left out, with why.
    Refuses (``DatasetError``) a file it cannot read, a missing column, or a file
    without one usable row."""
    text = _read_text(path)
    columns = tuple(c for c in (transcript_column, note_column, section_column) if c)
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        records = _jsonl_records(text, path, columns)
    else:
        records = _csv_records(text, path, columns)
    report = LoadReport()
    first_row: dict[tuple[str, str], int] = {}
    for number, record in records:
        if "\0error" in record:
            report.skip(number, record["\0error"])
            continue
        values = [record.get(c) for c in columns]
        if any(v is not None and not isinstance(v, str) for v in values):
            report.skip(number, "a value is not text")
            continue
        transcript = normalise(record.get(transcript_column) or "")
        note = normalise(record.get(note_column) or "")
        if not transcript or not note:
            report.skip(number, "empty transcript" if not transcript else "empty note")
            continue
        if len(transcript) + len(note) > max_chars:
            report.skip(number, f"longer than {max_chars:,} characters")
            continue
        if section_column:
            key = section_for(template, record.get(section_column) or "")
            sections = {key: note} if key else {}
            why = "its section names no section of the template"
        else:
            sections = split_note(template, note)
            why = "the note has none of the template's headings"
        if not sections:
            report.skip(number, why)
            continue
        identity = (transcript.casefold(), json.dumps(sections, sort_keys=True).casefold())
        if identity in first_row:
            report.skip(number, f"duplicate of row {first_row[identity]}")
            continue
        first_row[identity] = number
        report.pairs.append(Pair(number, transcript, note, sections))
    if not report.pairs:
        raise DatasetError(
            f"{path} has no usable row ({len(report.skipped)} left out; "
            + "; ".join(sorted({reason for _, reason in report.skipped})[:3])
            + ")."
        )
    return report


def parse_split(text: str) -> tuple[float, float, float]:
    """``"80/10/10"`` -> (0.8, 0.1, 0.1); parts must be whole, non-negative and sum to 100."""
    parts = text.split("/")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise DatasetError(f"the split {text!r} is not three whole percentages like 80/10/10.")
    numbers = [int(p) for p in parts]
    if sum(numbers) != 100 or numbers[0] == 0:
        raise DatasetError(f"the split {text!r} must add up to 100 with a training part above 0.")
    return numbers[0] / 100, numbers[1] / 100, numbers[2] / 100


def split_pairs(
    pairs: list[Pair], shares: tuple[float, float, float], seed: int
) -> dict[str, list[Pair]]:
    """Pairs by part; all pairs of one transcript go to one part. A part with a share
    above 0 that would get no transcript is refused (``DatasetError``)."""
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(pair.group, []).append(pair)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    n = len(order)
    sizes = [0, round(n * shares[1]), round(n * shares[2])]
    sizes = [
        size if share == 0 else max(size, 1) for size, share in zip(sizes, shares, strict=True)
    ]
    sizes[0] = n - sizes[1] - sizes[2]
    if sizes[0] < 1:
        empty = [
            name
            for name, size, share in zip(PARTS, sizes, shares, strict=True)
            if share and size < 1
        ]
        raise DatasetError(
            f"{n} distinct transcript{'s' if n != 1 else ''} cannot fill a split of "
            f"{'/'.join(str(round(s * 100)) for s in shares)}: the {empty[0]} part would be empty. "
            "Give more rows or set a part to 0 (for example --split 90/10/0)."
        )
    parts: dict[str, list[Pair]] = {}
    start = 0
    for name, size in zip(PARTS, sizes, strict=True):
        parts[name] = [p for g in order[start : start + size] for p in groups[g]]
        start += size
    check_disjoint(parts)
    return parts


def check_disjoint(parts: dict[str, list[Pair]]) -> None:
    """Refuse a split in which one transcript is in two parts."""
    owner: dict[str, str] = {}
    for name, pairs in parts.items():
        for pair in pairs:
            if owner.setdefault(pair.group, name) != name:
                raise DatasetError(
                    f"row {pair.row} is in both the {owner[pair.group]} and {name} parts."
                )


def read_part(path: Path) -> list[Pair]:
    """The pairs of one part written by ``lab data`` (train.jsonl, valid.jsonl, test.jsonl)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DatasetError(
            f"{path} does not exist; make the data folder with `auralis lab data`."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path} cannot be read ({type(exc).__name__}).") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            pairs.append(Pair.from_record(json.loads(line)))
        except (ValueError, TypeError):
            raise DatasetError(
                f"{path} line {number} is not a pair written by `auralis lab data`."
            ) from None
    return pairs
