"""The risk net's second screen: a learned reading of each client utterance that catches
what no listed phrase says, as "possible risk, please review", never as a disclosure.

Each client line is read alone and, when it answers the clinician's line just before it,
together with that question ("Therapist: ... Client: ..."). A sentence encoder
(all-MiniLM-L6-v2, run by llama.cpp: ``core.llm.embedder``) turns each window into a
vector; a small classifier (``core.notes.risk_screen_head``, trained by
``lab/train_risk_screen.py`` on utterances and transcripts written for it, never on the
evaluation set) gives the probability of each screened construct and of none. A window
whose probability of some risk passes the head's threshold becomes a "possible" flag,
unless the lexicon already flagged that line (disclosed, historical or denied): it is
shown for review already.

The net never depends on it: with no encoder installed ``detect_risks`` is the whole net.
Stateless apart from the encoder it is given; numpy only; never imports Qt.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    """A line's likeliest risk reading and how likely the screen finds some risk there."""

    risk: float
    flag: RiskFlag


class RiskScreen:
    """The second screen: an encoder and the classifier trained on its vectors."""

    def __init__(self, embed: Embed, head: ScreenHead) -> None:
        self._embed = embed
        self.head = head
        self._risk_labels = [i for i, label in enumerate(head.labels) if label != NONE]
        self._none = head.labels.index(NONE)

    def candidates(self, transcript: str, flags: Sequence[RiskFlag]) -> list[Candidate]:
        """Each client line's likeliest risk reading, with its probability, whatever the
        threshold, in line order; lines the lexicon's ``flags`` rest on are not read
        again (they are already shown for review)."""
        seen = {line for flag in flags for line in flag.lines}  # already for review
        readings = windows(transcript)
        if not readings:
            return []
        probabilities = self.head.probabilities(self._embed([w.text for w in readings]))
        best: dict[int, Candidate] = {}
        for window, row in zip(readings, probabilities, strict=True):
            risk = 1.0 - float(row[self._none])
            label = self.head.labels[max(self._risk_labels, key=lambda i: row[i])]
            category = CONSTRUCT_CATEGORY[label]
            number = window.turn.number
            if number in seen:
                continue
            kept = best.get(number)
            if kept is None or risk > kept.risk:
                quote = window.turn.text.strip()
                flag = RiskFlag(category, "possible", quote, number, window.turn.speaker, label)
                best[number] = Candidate(risk, flag)
        return [best[number] for number in sorted(best)]

    def findings(self, transcript: str, flags: Sequence[RiskFlag]) -> list[RiskFlag]:
        """ "Possible risk" flags, one per line at most, in line order."""
        return [c.flag for c in self.candidates(transcript, flags) if c.risk >= self.head.threshold]
