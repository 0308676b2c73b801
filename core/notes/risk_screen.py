"""The risk net's second screen: a learned reading of each client utterance that catches
what no listed phrase says, as "possible risk, please review", never as a disclosure.

Each client line is read alone and, when it answers the clinician's line just before it,
together with that question ("Therapist: ... Client: ..."). A sentence encoder
(all-MiniLM-L6-v2, run by llama.cpp: ``core.llm.embedder``) turns each window into a
vector; a small classifier (``core.notes.risk_screen_head``, trained by
``lab/train_risk_screen.py`` on utterances and transcripts written for it, never on the
evaluation set) gives the probability of each screened construct and of none, and a word
reader (``core.notes.risk_screen_words``) a second probability of some risk from the
window's wording; the two are averaged. A window whose probability of some risk passes
the head's threshold (a lower one within a few lines after a lexicon flag) becomes a
"possible" flag, unless the lexicon already flagged that line (disclosed, historical or
denied): it is shown for review already.

The net never depends on it: with no encoder installed ``detect_risks`` is the whole net.
Stateless apart from the encoder it is given; numpy only; never imports Qt.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.notes.risk_dialogue import Turn, turns_of
from core.notes.risk_flags import CONSTRUCT_CATEGORY, RiskFlag
from core.notes.risk_screen_head import HEAD_FILE as HEAD_FILE
from core.notes.risk_screen_head import NONE, ScreenHead
from core.notes.risk_screen_head import HeadError as HeadError
from core.notes.risk_screen_head import load_head as load_head

SCREEN_MODEL_NAME = "all-minilm-l6-v2-f16.gguf"  # in a models folder's screen/

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts -> one row of floats per text (the encoder's mean-pooled output, unnormalised)."""


@dataclass(frozen=True)
class Window:
    """What one reading of the screen sees: a client line, alone or with its question."""

    turn: Turn
    text: str


MIN_WORDS_ALONE = 4  # "Yeah.", "Sunday." mean something only as an answer


def windows(transcript: str) -> list[Window]:
    """Each client line alone (unless it is only a word or two) and, after a clinician's
    question, as the answer to it."""
    found = []
    previous: Turn | None = None
    for turn in turns_of(transcript):
        if not turn.clinician:
            if len(turn.text.split()) >= MIN_WORDS_ALONE:
                found.append(Window(turn, turn.text.strip()))
            if previous is not None and previous.clinician and "?" in previous.text:
                pair = f"Therapist: {previous.text.strip()} Client: {turn.text.strip()}"
                found.append(Window(turn, pair))
        previous = turn
    return found


@dataclass(frozen=True)
class Candidate:
    """A line's likeliest risk reading and how likely the screen finds some risk there;
    ``context``: whether the lexicon flagged one of the few lines before it."""

    risk: float
    flag: RiskFlag
    context: bool = False


CONTEXT_LINES = 4  # a line this close after a lexicon flag is read in that context
_CONTEXT_STATUSES = ("disclosed", "historical", "possible")


class RiskScreen:
    """The second screen: an encoder and the classifier trained on its vectors."""

    def __init__(self, embed: Embed, head: ScreenHead) -> None:
        self._embed = embed
        self.head = head
        self._risk_labels = [i for i, label in enumerate(head.labels) if label != NONE]

    def candidates(self, transcript: str, flags: Sequence[RiskFlag]) -> list[Candidate]:
        """Each client line's likeliest risk reading, with its probability, whatever the
        threshold, in line order; lines the lexicon's ``flags`` rest on are not read
        again (they are already shown for review)."""
        return unflagged(self.lines(transcript), flags)

    def review(self, transcript: str, flags: Sequence[RiskFlag]) -> "ScreenReview":
        """What the screen adds to the lexicon's ``flags``: "possible risk" flags, one per
        line at most, in line order (a line just after one the lexicon flagged is held to
        the head's lower threshold: what follows a disclosure often continues it in words
        that say nothing alone), and the lexicon's disclosures whose every line it reads
        as less likely than the head's ``doubt``."""
        lines = self.lines(transcript)
        possible = [
            c.flag
            for c in unflagged(lines, flags)
            if c.risk >= (self.head.context_threshold if c.context else self.head.threshold)
        ]
        doubted = [f for f in flags if f.status == "disclosed" and self._doubts(f, lines)]
        return ScreenReview(tuple(possible), tuple(doubted))

    def findings(self, transcript: str, flags: Sequence[RiskFlag]) -> list[RiskFlag]:
        """ "Possible risk" flags, one per line at most, in line order."""
        return list(self.review(transcript, flags).possible)

    def _doubts(self, flag: RiskFlag, lines: dict[int, Candidate]) -> bool:
        risks = [lines[n].risk for n in flag.lines if n in lines]
        return self.head.doubt is not None and bool(risks) and max(risks) < self.head.doubt

    def lines(self, transcript: str) -> dict[int, Candidate]:
        """Every client line's likeliest risk reading, by line number."""
        readings = windows(transcript)
        if not readings:
            return {}
        texts = [w.text for w in readings]
        probabilities = self.head.probabilities(self._embed(texts))
        risks = self.head.risks(texts, probabilities)
        best: dict[int, Candidate] = {}
        for window, row, reading in zip(readings, probabilities, risks, strict=True):
            risk = float(reading)
            number = window.turn.number
            kept = best.get(number)
            if kept is None or risk > kept.risk:
                label = self.head.labels[max(self._risk_labels, key=lambda i: row[i])]
                category = CONSTRUCT_CATEGORY[label]
                quote = window.turn.text.strip()
                flag = RiskFlag(category, "possible", quote, number, window.turn.speaker, label)
                best[number] = Candidate(risk, flag)
        return best


def unflagged(lines: dict[int, Candidate], flags: Sequence[RiskFlag]) -> list[Candidate]:
    """The readings of lines no flag rests on, in line order, each marked when the
    lexicon flagged one of the few lines before it."""
    seen = {line for flag in flags for line in flag.lines}  # already for review
    raised = {line for flag in flags if flag.status in _CONTEXT_STATUSES for line in flag.lines}
    return [
        replace(c, context=any(number - CONTEXT_LINES <= line < number for line in raised))
        for number, c in sorted(lines.items())
        if number not in seen
    ]


@dataclass(frozen=True)
class ScreenReview:
    """What the second screen adds to the lexicon's flags: its own "possible risk"
    findings, and the lexicon's disclosures it reads as unlikely. Those are shown as
    possible risks too, for a clinician to weigh: never dropped."""

    possible: tuple[RiskFlag, ...] = ()
    doubted: tuple[RiskFlag, ...] = ()

    def applied(self, flags: Sequence[RiskFlag]) -> list[RiskFlag]:
        """``flags`` with the doubted ones shown as possible, and the findings, in line
        order."""
        doubted = set(self.doubted)
        shown = [replace(f, status="possible", doubted=True) if f in doubted else f for f in flags]
        return sorted([*shown, *self.possible], key=lambda f: f.lines)
