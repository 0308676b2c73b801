"""Risk detection benchmark.

Without options: ``detect_risks`` over every item of ``tests/core/notes/risk_labelled.py``
(sentences written alongside the detector: a check that nothing is broken), per
category and overall, precision and recall for disclosures, the accuracy of denied and
historical statuses, and every miss.

With ``--transcripts dev|test``: the transcripts written blind by other authors
(``bench/data/risk_eval``): recall per construct, false flags and "possible risk" items
per risk-free transcript (see ``bench/risk_transcripts.py``). ``--show`` lists the misses
and false flags, for the development part only: the test part's text is never printed.

A measurement, not a test: the exit code is always 0.

    .venv/bin/python bench/risk.py [--transcripts dev|test [--show]]
"""

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "core" / "notes"))

from risk_labelled import LABELLED, Labelled

from core.notes.risk import RiskCategory, detect_risks

sys.path.insert(0, str(Path(__file__).resolve().parent))
import risk_transcripts

Pair = tuple[RiskCategory, str]


def predict(item: Labelled) -> frozenset[Pair]:
    text = f"{item.speaker}: {item.sentence}" if item.speaker else item.sentence
    return frozenset((flag.category, flag.status) for flag in detect_risks(text))


def ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  n/a"


def transcripts(part: str, show: bool) -> None:
    def detect(text: str) -> list[risk_transcripts.Flag]:
        return [risk_transcripts.Flag(f.category, f.status, f.lines) for f in detect_risks(text)]

    result = risk_transcripts.score(risk_transcripts.load(part), detect)
    risk_transcripts.report(f"{part} part", result, show=show and part == "dev")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transcripts", choices=["dev", "test"], help="score a blind set part")
    parser.add_argument("--show", action="store_true", help="list misses (dev part only)")
    args = parser.parse_args()
    if args.transcripts:
        transcripts(args.transcripts, args.show)
        return 0
    return labelled()


def labelled() -> int:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    status_total: Counter[str] = Counter()
    status_right: Counter[str] = Counter()
    misses: list[str] = []
    for item in LABELLED:
        got = predict(item)
        for category in get_args(RiskCategory):
            want_d = (category, "disclosed") in item.expected
            got_d = (category, "disclosed") in got
            if want_d and got_d:
                tp[category] += 1
            elif got_d:
                fp[category] += 1
            elif want_d:
                fn[category] += 1
        for category, status in item.expected:
            if status != "disclosed":
                status_total[status] += 1
                status_right[status] += (category, status) in got
        if got != item.expected:
            misses.append(
                f"  [{item.kind}] {item.speaker or '-'}: {item.sentence!r}\n"
                f"      expected {sorted(item.expected)}\n      got      {sorted(got)}"
            )
    kinds = Counter(item.kind for item in LABELLED)
    print(f"Labelled items: {len(LABELLED)}  ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    print(f"{'category':<20}{'items':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    for category in get_args(RiskCategory):
        items = sum(any(c == category for c, _ in it.expected) for it in LABELLED)
        t, f, n = tp[category], fp[category], fn[category]
        print(
            f"{category:<20}{items:>6}{t:>5}{f:>5}{n:>5}{ratio(t, t + f):>11}{ratio(t, t + n):>8}"
        )
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'overall':<20}{'':>6}{t:>5}{f:>5}{n:>5}{ratio(t, t + f):>11}{ratio(t, t + n):>8}")
    for status in ("denied", "historical"):
        right, total = status_right[status], status_total[status]
        print(f"{status} status accuracy: {right}/{total} = {ratio(right, total)}")
    print(f"Items with any difference: {len(misses)}")
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
