"""A clinic's own risk words: a JSON file (``schemas/risk_words.schema.json``) that an
administrator puts in the configuration folder (``risk_words.json``), read by the safety
net besides its built-in phrases.

Each entry names a construct (which decides the category) and plain words; a "*" at the
end of a word stands for any ending. The words become a phrase like the built-in ones:
matched as whole words in any case, and read with the same rules (a question to the
listener is no disclosure, a negation makes a denial, "years ago" makes history).

Pure functions without state; never imports Qt.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from core.notes.risk_flags import CONSTRUCT_CATEGORY
from core.notes.risk_lexicon import Phrase, compile_phrases
from core.resources import load_schema

FILE_NAME = "risk_words.json"
SCHEMA = "risk_words.schema.json"


class RiskWordsError(ValueError):
    """The file cannot be used; the message says where and why (never its phrases)."""


def _pattern(words: str) -> str:
    parts = []
    for word in words.split():
        stem = re.escape(word.rstrip("*"))
        parts.append(stem + (r"[\w\x27\u2019-]*" if word.endswith("*") else ""))
    return r"\s+".join(parts)


@dataclass(frozen=True)
class RiskWords:
    phrases: tuple[Phrase, ...] = ()  # one per construct and language
    entries: int = 0  # the file's phrases


def risk_words_from_dict(data: Any) -> RiskWords:
    """The phrases of a parsed file, checked against the schema first."""
    if isinstance(data, dict) and isinstance(data.get("phrases"), list):
        for entry in data["phrases"]:
            if isinstance(entry, dict) and isinstance(entry.get("words"), str):
                entry["words"] = " ".join(entry["words"].split())
    validator = jsonschema.Draft7Validator(load_schema(SCHEMA))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        detail = "not in the expected form" if first.validator == "pattern" else first.message
        raise RiskWordsError(f"The risk words file is not valid at {where}: {detail}.")
    grouped: dict[tuple[str, str], list[str]] = {}
    for entry in data["phrases"]:
        key = (entry["construct"], entry.get("language", "en"))
        grouped.setdefault(key, []).append(_pattern(entry["words"]))
    phrases = tuple(
        Phrase(
            CONSTRUCT_CATEGORY[construct],
            compile_phrases(*patterns),
            construct=construct,
            language=language,
        )
        for (construct, language), patterns in sorted(grouped.items())
    )
    return RiskWords(phrases, len(data["phrases"]))


def load_risk_words(path: Path, *, required: bool = False) -> RiskWords:
    """The phrases of the file at ``path``; none when there is no file (unless
    ``required``). ``RiskWordsError`` when it cannot be read or is not valid."""
    if not path.exists() and not required:
        return RiskWords()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not valid JSON"
        raise RiskWordsError(f"The risk words file {path} cannot be read ({reason}).") from None
    return risk_words_from_dict(data)
