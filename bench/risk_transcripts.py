"""Scoring the risk safety net on whole transcripts written by authors who never saw it
(``bench/data/risk_eval/``): recall per construct, false disclosed flags and "possible
risk" items per risk-free transcript, and the misses, for any detector that turns a
transcript into ``RiskFlag``s.

A labelled disclosure counts as found when a flag of its category covers one of its
lines: status "disclosed" for a current one, "disclosed" or "historical" for one the
author marked historical. "Possible risk" flags (the second screen) are counted apart:
found-as-possible is not found.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "risk_eval"

# The constructs the authors labelled, and the category of the net that reports each.
CATEGORY = {
    "wish_to_be_dead": "suicidal_ideation",
    "active_ideation": "suicidal_ideation",
    "intent": "suicidal_ideation",
    "method": "plan_or_means",
    "plan": "plan_or_means",
    "preparatory_acts": "plan_or_means",
    "past_attempt": "suicidal_ideation",
    "nssi": "self_harm",
    "homicidal_ideation": "violence",
    "weapon_access": "violence",
    "abuse_physical": "abuse",
    "abuse_sexual": "abuse",
    "abuse_emotional": "abuse",
    "abuse_financial": "abuse",
    "neglect": "abuse",
    "coercive_control": "abuse",
    "overdose_event": "overdose",
    "intoxication_event": "overdose",
}
# A construct is also found when the net reports it under a neighbouring category: a
# method or a plan is often said in the words of ideation ("jump off the bridge").
ALSO = {
    "method": {"suicidal_ideation", "self_harm", "overdose"},
    "plan": {"suicidal_ideation", "self_harm", "overdose"},
    "preparatory_acts": {"suicidal_ideation", "overdose"},
    "intent": {"plan_or_means"},
    "past_attempt": {"overdose", "plan_or_means", "self_harm"},
    "weapon_access": {"plan_or_means", "suicidal_ideation"},
    "overdose_event": {"suicidal_ideation", "plan_or_means"},
    # Abuse or neglect the client does to someone in their care is violence toward others.
    "abuse_physical": {"violence"},
    "neglect": {"violence"},
}


@dataclass(frozen=True)
class Flag:
    category: str
    status: str  # "disclosed", "historical", "denied" or "possible"
    lines: tuple[int, ...]


@dataclass
class Score:
    transcripts: int = 0
    risk_free: int = 0
    disclosures: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    possible: Counter[str] = field(default_factory=Counter)  # found only as "possible"
    false_disclosed: int = 0  # disclosed flags in risk-free transcripts
    false_possible: int = 0  # possible flags in risk-free transcripts
    misses: list[str] = field(default_factory=list)
    false_flags: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = sum(self.disclosures.values())
        return sum(self.found.values()) / total if total else 0.0

    @property
    def recall_with_possible(self) -> float:
        total = sum(self.disclosures.values())
        return (sum(self.found.values()) + sum(self.possible.values())) / total if total else 0.0


def load(part: str | Path) -> list[dict[str, Any]]:
    """The transcripts of ``part`` ("dev" or "test"), or of a file in the same format."""
    path = part if isinstance(part, Path) else DATA / f"{part}.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _covers(flag: Flag, disclosure: dict[str, Any], statuses: Iterable[str]) -> bool:
    construct = disclosure["construct"]
    categories = {CATEGORY[construct], *ALSO.get(construct, ())}
    on_its_lines = any(line in disclosure["lines"] for line in flag.lines)
    return on_its_lines and flag.category in categories and flag.status in statuses


def score(transcripts: Sequence[dict[str, Any]], detect: Callable[[str], Sequence[Flag]]) -> Score:
    result = Score()
    for item in transcripts:
        result.transcripts += 1
        lines: list[str] = item["lines"]
        flags = list(detect("\n".join(lines)))
        if item["risk_free"]:
            result.risk_free += 1
            for flag in flags:
                if flag.status == "disclosed":
                    result.false_disclosed += 1
                    said = " / ".join(lines[i - 1] for i in flag.lines)
                    result.false_flags.append(f"  {item['id']} {flag.category}: {said!r}")
                elif flag.status == "possible":
                    result.false_possible += 1
        for disclosure in item["disclosures"]:
            construct = disclosure["construct"]
            result.disclosures[construct] += 1
            wanted = (
                ("disclosed", "historical")
                if disclosure["time"] == "historical"
                else ("disclosed",)
            )
            if any(_covers(flag, disclosure, wanted) for flag in flags):
                result.found[construct] += 1
            elif any(_covers(flag, disclosure, ("possible",)) for flag in flags):
                result.possible[construct] += 1
            else:
                quoted = " / ".join(lines[i - 1] for i in disclosure["lines"])
                forms = ",".join(disclosure.get("form", []))
                result.misses.append(f"  {item['id']} {construct} [{forms}]: {quoted!r}")
    return result


def report(name: str, result: Score, *, show: bool) -> None:
    print(f"{name}: {result.transcripts} transcripts, {result.risk_free} risk-free, "
          f"{sum(result.disclosures.values())} disclosures")  # fmt: skip
    print(f"  {'construct':<20}{'n':>4}{'found':>7}{'possible':>10}{'recall':>8}")
    for construct in CATEGORY:
        n = result.disclosures[construct]
        if n:
            found, possible = result.found[construct], result.possible[construct]
            print(f"  {construct:<20}{n:>4}{found:>7}{possible:>10}{found / n:>8.2f}")
    print(f"  recall {result.recall:.3f} (with 'possible risk': {result.recall_with_possible:.3f})")
    per = max(result.risk_free, 1)
    print(f"  false disclosed flags per risk-free transcript: {result.false_disclosed / per:.2f} "
          f"({result.false_disclosed} in {result.risk_free})")  # fmt: skip
    print(f"  'possible risk' items per risk-free transcript: {result.false_possible / per:.2f}")
    if show:
        print("  misses:")
        print("\n".join(result.misses) or "  (none)")
        print("  false disclosed flags:")
        print("\n".join(result.false_flags) or "  (none)")
