"""The risk screen's two thresholds, chosen on transcripts its classifier never learnt
from (``lab/train_risk_screen.py`` reads each group of writers with a classifier trained
without them).

A client line is held to the plain threshold, or, when the lexicon flagged one of the
few lines before it, to the threshold after a flag (``core.notes.risk_screen``). Every
threshold after a flag from ``CONTEXT_FLOOR`` up to the plain one is tried; for each,
the plain threshold is the lowest that keeps "possible risk" items on the risk-free
transcripts at or under the allowed rate, and the pair that finds the most disclosures
(lexicon or possible) is kept; between equals, the higher threshold after a flag.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import risk_transcripts

from core.notes.risk import detect_risks
from core.notes.risk_flags import RiskFlag
from core.notes.risk_screen import Candidate, RiskScreen, unflagged

FLOOR = 0.5  # never below an even chance of some risk
CONTEXT_FLOOR = 0.25  # just after a flag, never below one chance in four


@dataclass(frozen=True)
class Reading:
    """A transcript, the lexicon's flags, a screen's candidates for it and its reading
    of every client line (those the lexicon flagged too)."""

    transcript: dict[str, Any]
    flags: tuple[RiskFlag, ...]
    candidates: tuple[Candidate, ...]
    line_risks: dict[int, float] = field(default_factory=dict)


def read(screen: RiskScreen, transcripts: Sequence[dict[str, Any]]) -> list[Reading]:
    readings = []
    for item in transcripts:
        text = "\n".join(item["lines"])
        flags = detect_risks(text)
        lines = screen.lines(text)  # read once: every line, and those no flag rests on
        every = {number: c.risk for number, c in lines.items()}
        readings.append(Reading(item, tuple(flags), tuple(unflagged(lines, flags)), every))
    return readings


@dataclass(frozen=True)
class Doubts:
    """What a doubt level does to the lexicon's disclosures: how many it would show as
    possible, of those on risk-free transcripts (false) and of those that are a labelled
    disclosure (true)."""

    false: int
    false_total: int
    true: int
    true_total: int


def doubts(readings: Sequence[Reading], doubt: float) -> Doubts:
    false = false_total = true = true_total = 0
    for reading in readings:
        for flag in reading.flags:
            if flag.status != "disclosed":
                continue
            risks = [reading.line_risks[n] for n in flag.lines if n in reading.line_risks]
            doubted = bool(risks) and max(risks) < doubt
            if reading.transcript["risk_free"]:
                false_total += 1
                false += doubted
            elif _labelled(flag, reading.transcript):
                true_total += 1
                true += doubted
    return Doubts(false, false_total, true, true_total)


def _labelled(flag: RiskFlag, transcript: dict[str, Any]) -> bool:
    """Whether ``flag`` is on the lines of a labelled disclosure of its category."""
    for disclosure in transcript["disclosures"]:
        construct = disclosure["construct"]
        categories = {
            risk_transcripts.CATEGORY[construct],
            *risk_transcripts.ALSO.get(construct, ()),
        }
        if flag.category in categories and set(flag.lines) & set(disclosure["lines"]):
            return True
    return False


@dataclass(frozen=True)
class Thresholds:
    plain: float
    after_flag: float
    possible: float  # "possible risk" items per risk-free transcript
    recall: float  # the lexicon's, on the transcripts with disclosures
    with_possible: float  # counting the screen's possible items as found


def lowest_threshold(risks: Sequence[float], allowed: int, floor: float) -> float:
    """The lowest threshold (four decimals, never under ``floor``) that leaves at most
    ``allowed`` of ``risks`` at or above it: just above the first one it must leave out."""
    ordered = sorted(risks, reverse=True)
    if allowed >= len(ordered):
        return floor
    return max(floor, math.ceil(ordered[allowed] * 10_000 + 1e-6) / 10_000)


def choose(readings: Sequence[Reading], max_possible: float) -> Thresholds:
    risk_free = [r for r in readings if r.transcript["risk_free"]]
    allowed = int(max_possible * len(risk_free) + 1e-9)
    plain_risks = [c.risk for r in risk_free for c in r.candidates if not c.context]
    after_risks = [c.risk for r in risk_free for c in r.candidates if c.context]
    best: Thresholds | None = None
    for step in range(round(CONTEXT_FLOOR * 100), 100):
        after_flag = step / 100
        used = sum(risk >= after_flag for risk in after_risks)
        if used > allowed:
            continue
        plain = lowest_threshold(plain_risks, allowed - used, FLOOR)
        if after_flag > plain:
            break  # only ever lower after a flag, and higher ones only raise the plain one
        found = score(readings, plain, after_flag)
        if best is None or found.with_possible >= best.with_possible:
            best = found
    if best is None:  # nothing after a flag fits: the plain threshold everywhere
        plain = lowest_threshold(plain_risks + after_risks, allowed, FLOOR)
        best = score(readings, plain, plain)
    return best


def score(readings: Sequence[Reading], plain: float, after_flag: float) -> Thresholds:
    """Recall and the "possible" rate of ``readings`` with these thresholds."""
    in_order = iter(readings)  # score() reads the transcripts once each, in order

    def detect(text: str) -> list[risk_transcripts.Flag]:
        reading = next(in_order)
        assert text == "\n".join(reading.transcript["lines"])
        passed = [
            c.flag for c in reading.candidates if c.risk >= (after_flag if c.context else plain)
        ]
        return [
            risk_transcripts.Flag(f.category, f.status, f.lines) for f in [*reading.flags, *passed]
        ]

    result = risk_transcripts.score([r.transcript for r in readings], detect)
    total = max(sum(result.disclosures.values()), 1)
    found = sum(result.found.values())
    return Thresholds(
        plain=plain,
        after_flag=after_flag,
        possible=result.false_possible / max(result.risk_free, 1),
        recall=found / total,
        with_possible=(found + sum(result.possible.values())) / total,
    )
