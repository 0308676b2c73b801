"""Which disclosures the risk safety net found in a transcript a note no longer shows: the
risk review gate's rule (the Risk panel says "removed from the note"; exporting such a
note asks for a confirmation with a reason).

The rule. A disclosure (a flag with status "disclosed") is *kept* when the note, read as
words (``{{MARKER:`` brackets, case, spacing and punctuation ignored), holds

1. its quote's words in order: all of them, or for a quote longer than
   ``QUOTE_RUN_WORDS`` words a run of at least that many consecutive words of it (a
   clinician's shortened quote); or
2. a red-marked span (``{{RED:...}}``) whose words are a run of its quote's words: the
   note still shows that disclosure in red. Each red span vouches for one disclosure
   only, so two disclosures of "kill" need two red spans.

The safety net's "Possible risk, please review" lines never keep a disclosure (they are
for review, not a record), except the line the net itself writes for a listed phrase its
second screen doubts ("... (a listed risk phrase, read as unlikely here)"): that line is
how the net records that disclosure, so an untouched draft never trips the gate.
Anything else (the quote deleted, paraphrased without its red word, or shortened below
the run) counts as *removed*. Denials, history and possible risks are never gated: only
what the client disclosed.

Pure functions; stdlib only; never imports Qt. Cost: one pass over the note per call
(a few milliseconds for a long note), so callers may run it after each autosave.
"""

import re
from collections.abc import Sequence

from core.notes.markers import RED_MARKER
from core.notes.risk_flags import LABELS, RiskFlag

QUOTE_RUN_WORDS = 6
_DOUBTED = "(a listed risk phrase, read as unlikely here)"  # RiskFlag.describe's words
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MARKER_TOKEN = re.compile(r"\{\{[A-Z][A-Z0-9_]*:|\}\}")
_FOR_REVIEW = re.compile(r"^\W*transcript:\s*possible risk, please review:", re.IGNORECASE)


def _words(text: str) -> tuple[str, ...]:
    plain = _MARKER_TOKEN.sub(" ", text)
    return tuple(w.casefold().replace("’", "'") for w in _WORD.findall(plain))


def _holds(haystack: tuple[str, ...], run: tuple[str, ...]) -> bool:
    if not run or len(run) > len(haystack):
        return False
    first = run[0]
    size = len(run)
    return any(
        haystack[i] == first and haystack[i : i + size] == run
        for i in range(len(haystack) - size + 1)
    )


class _Runs:
    """The note's runs of up to ``QUOTE_RUN_WORDS`` words, made once per length asked
    for: each quote is then a few set lookups (a long note with many disclosures stays
    within milliseconds on the GUI thread)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self._words = words
        self._by_size: dict[int, set[tuple[str, ...]]] = {}

    def has(self, run: tuple[str, ...]) -> bool:
        size = len(run)
        if size not in self._by_size:
            words = self._words
            self._by_size[size] = {words[i : i + size] for i in range(len(words) - size + 1)}
        return run in self._by_size[size]


def _quote_kept(note: _Runs, quote: tuple[str, ...]) -> bool:
    if len(quote) <= QUOTE_RUN_WORDS:
        return note.has(quote)
    return any(
        note.has(quote[i : i + QUOTE_RUN_WORDS]) for i in range(len(quote) - QUOTE_RUN_WORDS + 1)
    )


def removed_disclosures(note_text: str, flags: Sequence[RiskFlag]) -> list[RiskFlag]:
    """The disclosures among ``flags`` that ``note_text`` no longer holds (the module's
    rule), in the order given."""
    lines = [
        line
        for line in note_text.splitlines()
        if not _FOR_REVIEW.match(line) or line.rstrip().endswith(_DOUBTED)
    ]
    recorded = "\n".join(lines)
    note = _Runs(_words(recorded))
    red_spans = [_words(m.group(1)) for m in RED_MARKER.finditer(recorded)]
    removed = []
    for flag in flags:
        if flag.status != "disclosed":
            continue
        quote = _words(flag.quote)
        if not quote or _quote_kept(note, quote):
            continue
        vouching = next((i for i, span in enumerate(red_spans) if _holds(quote, span)), None)
        if vouching is not None:
            red_spans.pop(vouching)
            continue
        removed.append(flag)
    return removed


def describe_removed(flags: Sequence[RiskFlag]) -> str:
    """What is missing without any patient text: categories and transcript lines, e.g.
    "suicidal ideation (line 4), plan or means (lines 6-7)"; for messages and logs."""
    parts = []
    for flag in flags:
        first, last = min(flag.lines), max(flag.lines)
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        parts.append(f"{LABELS[flag.category].lower()} ({where})")
    return ", ".join(parts)
