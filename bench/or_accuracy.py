"""Exact-match accuracy of the operating-room rules on labelled command sets.

An utterance is right when the set of its toggles, each (machine, action, temporal
category), equals the labelled set (no toggle for a "NONE" row); a deferred command counts
as (machine, "PENDING", category). A wrong toggle is a state change whose (machine, action)
the label does not hold: the harm the display must never show.

Sets: OR-Symphony's public ``ruleqa.csv`` as labelled and with ``ruleqa_corrections.csv``
applied (each correction's reason is in the README), our own ``rule_table.py``, and the
independent ``bench/data/or_commands/dev.csv`` and ``or_commands2/dev.csv`` when present
(``or_commands/test.csv`` only when asked).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.orstate.rules import UtteranceRules
from core.orstate.surgeries import SurgeryCatalog

ROOT = Path(__file__).resolve().parent.parent
RULEQA = ROOT.parent / "shared" / "data" / "or-symphony" / "ruleqa.csv"
CORRECTIONS = ROOT / "bench" / "data" / "ruleqa_corrections.csv"
OWN_SETS = ROOT / "bench" / "data" / "or_commands"

Expected = frozenset[tuple[str, str, str]]


@dataclass(frozen=True)
class Case:
    surgery: str
    text: str
    expected: Expected


@dataclass
class Score:
    name: str
    total: int = 0
    right: int = 0
    wrong_toggles: int = 0
    misses: list[str] | None = None

    def line(self) -> str:
        acc = self.right / self.total if self.total else 0.0
        return (
            f"{self.name}: {self.right}/{self.total} exact = {acc:.3f}, "
            f"wrong toggles {self.wrong_toggles}"
        )


def expected_of(machines: str, action: str, temporal: str) -> Expected:
    """The label's toggles: ``M05+M06`` / ``ON`` / ``none``; ``NONE`` or no id: none."""
    ids = [m.strip() for m in machines.replace(",", "+").split("+") if m.strip()]
    action = action.strip().upper()
    if not ids or action in ("", "NONE"):
        return frozenset()
    when = (temporal or "none").strip().lower() or "none"
    return frozenset((m, action, when) for m in ids)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def changes_of(changes: str, temporal: str) -> Expected:
    """Our sets' label: ``M05:ON;M06:ON`` (PENDING for a deferral), empty for no change."""
    when = (temporal or "none").strip().lower() or "none"
    out = set()
    for item in changes.split(";"):
        if item.strip():
            machine, _, action = item.strip().partition(":")
            out.add((machine.strip(), action.strip().upper(), when))
    return frozenset(out)


def csv_cases(rows: Iterable[dict[str, str]]) -> list[Case]:
    """Cases from either layout: OR-Symphony's (``expected_machine_id``...) or ours
    (``changes``, ``temporal``)."""
    return [
        Case(
            r["surgery"],
            r["sentence"],
            changes_of(r["changes"], r.get("temporal", ""))
            if "changes" in r
            else expected_of(
                r.get("expected_machine_id", ""),
                r.get("expected_action", ""),
                r.get("expected_temporal", ""),
            ),
        )
        for r in rows
    ]


def corrected(
    rows: list[dict[str, str]], corrections: list[dict[str, str]]
) -> list[dict[str, str]]:
    """``rows`` with each correction (matched by sentence and surgery) applied."""
    fixes = {(c["sentence"], c["surgery"]): c for c in corrections}
    out = []
    for row in rows:
        fix = fixes.get((row["sentence"], row["surgery"]))
        if fix is None:
            out.append(row)
        else:
            out.append(
                {
                    **row,
                    **{
                        k: fix[k]
                        for k in ("expected_machine_id", "expected_action", "expected_temporal")
                    },
                }
            )
    return out


def score(name: str, cases: list[Case], catalog: SurgeryCatalog) -> Score:
    engines: dict[str, UtteranceRules] = {}
    result = Score(name, misses=[])
    for case in cases:
        key = case.surgery.lower()
        if key not in engines:
            engines[key] = UtteranceRules(catalog.get(case.surgery))
        parsed = engines[key].parse(case.text)
        got = frozenset(
            [(t.machine_id, t.action, t.temporal) for t in parsed.toggles]
            + [(t.machine_id, "PENDING", t.temporal) for t in parsed.pending]
        )
        pairs = {(m, a) for m, a, _ in case.expected}
        result.total += 1
        result.wrong_toggles += sum((m, a) not in pairs and a != "PENDING" for m, a, _ in got)
        if got == case.expected:
            result.right += 1
        else:
            assert result.misses is not None
            result.misses.append(
                f"  {case.surgery}: {case.text!r} got {sorted(got)} want {sorted(case.expected)}"
            )
    return result


def table_cases() -> list[Case]:
    """Our own table (``tests/core/orstate/rule_table.py``), as exact-match cases."""
    from rule_table import TABLE

    return [
        Case(
            row.surgery,
            row.text,
            frozenset(
                [(m, a, row.when) for m, a in row.toggles]
                + [(m, "PENDING", row.when) for m, _ in row.pending]
            ),
        )
        for row in TABLE
    ]


def report(*, test: bool = False, show_misses: bool = False) -> list[Score]:
    """Print and return the scores of every set there is."""
    from core.orstate.surgeries import load_surgeries

    catalog = load_surgeries()
    sets: list[tuple[str, list[Case]]] = []
    if RULEQA.exists():
        rows = read_csv(RULEQA)
        fixes = read_csv(CORRECTIONS)
        sets.append(("ruleqa.csv as labelled", csv_cases(rows)))
        sets.append(
            (f"ruleqa.csv with {len(fixes)} corrections", csv_cases(corrected(rows, fixes)))
        )
    sets.append(("rule_table.py", table_cases()))
    names = ["or_commands/dev.csv", "or_commands2/dev.csv"]
    for name in [*names, *(["or_commands/test.csv"] if test else [])]:
        path = OWN_SETS.parent / name
        if path.exists():
            sets.append((name, csv_cases(read_csv(path))))
    scores = []
    print("(c) rule accuracy, exact match (every toggle's machine, action, temporal category):")
    for name, cases in sets:
        result = score(name, cases, catalog)
        scores.append(result)
        print("    " + result.line())
        if show_misses and result.misses:
            print("\n".join(result.misses))
    return scores
