"""Risk detection benchmark.

Without options: ``detect_risks`` over every item of ``tests/core/notes/risk_labelled.py``
(sentences written alongside the detector: a check that nothing is broken), per
category and overall, precision and recall for disclosures, the accuracy of denied and
historical statuses, and every miss.

With ``--transcripts dev|test``: the transcripts written blind by other authors
(``bench/data/risk_eval``): recall per construct, false flags and "possible risk" items
per risk-free transcript (see ``bench/risk_transcripts.py``), for the lexicon alone and,
when its encoder is installed, the lexicon with the second screen. ``--show`` lists the
misses and false flags, for the development part only: the test part's text is never
printed.

With ``--speed``: the time to screen a 1-hour transcript, lexicon alone and second screen.

A measurement, not a test: the exit code is always 0.

    .venv/bin/python bench/risk.py [--transcripts dev|test [--show]] [--speed]
"""

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "core" / "notes"))

from risk_labelled import LABELLED, Labelled

from core.llm.embedder import Embedder
from core.notes.risk import RiskCategory, detect_risks
from core.notes.risk_dialogue import asked_all
from core.notes.risk_lines import read_line
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import SCREEN_MODEL_NAME, RiskScreen, load_head, windows

sys.path.insert(0, str(Path(__file__).resolve().parent))
import risk_transcripts

ROOT = Path(__file__).resolve().parent.parent
Pair = tuple[RiskCategory, str]


def predict(item: Labelled) -> frozenset[Pair]:
    text = f"{item.speaker}: {item.sentence}" if item.speaker else item.sentence
    return frozenset((flag.category, flag.status) for flag in detect_risks(text))


def ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  n/a"


def transcripts(part: str | Path, show: bool) -> None:
    def lexicon(text: str) -> list[risk_transcripts.Flag]:
        return [risk_transcripts.Flag(f.category, f.status, f.lines) for f in detect_risks(text)]

    if part == "fresh":  # the four fresh writers together
        items = [i for path in sorted(FRESH.glob("*.jsonl")) for i in risk_transcripts.load(path)]
    else:
        items = risk_transcripts.load(part)
    # the test part's text and the fresh writers' are never shown
    blind = part in ("test", "fresh") or (isinstance(part, Path) and FRESH in part.parents)
    show = show and not blind
    label = part if isinstance(part, str) else part.name
    risk_transcripts.report(
        f"{label} part, lexicon alone", risk_transcripts.score(items, lexicon), show=show
    )
    screen = _screen()
    if screen is None:
        print(f"(no second screen: {ENCODER} is not installed; `make` installs it)")
        return

    net = RiskNet(screen=screen)

    def both(text: str) -> list[risk_transcripts.Flag]:
        # the lexicon's flags (those the screen doubts shown as possible) and the screen's
        return [risk_transcripts.Flag(f.category, f.status, f.lines) for f in net.flags(text)]

    print()
    name = f"{label} part, lexicon + second screen (threshold {screen.head.threshold})"
    risk_transcripts.report(name, risk_transcripts.score(items, both), show=show)


ENCODER = ROOT / "models" / "screen" / SCREEN_MODEL_NAME
FRESH = (ROOT / "bench" / "data" / "risk_fresh").resolve()  # scored only, like the test part


def _screen() -> RiskScreen | None:
    if not ENCODER.is_file():
        return None
    return RiskScreen(Embedder(ENCODER), load_head())


def speed() -> None:
    """The time to screen a 1-hour session (9,000 words, about 150 a minute), stitched
    from the development part's lines; the best of three runs."""
    lines: list[str] = []
    words = 0
    while words < HOUR_WORDS:
        for item in risk_transcripts.load("dev"):
            for line in item["lines"]:
                if words < HOUR_WORDS:
                    lines.append(line)
                    words += len(line.split())
    text = "\n".join(lines)
    print(f"A 1-hour transcript: {len(lines)} lines, {words} words, {len(text)} characters")

    def lexicon() -> object:
        read_line.cache_clear()  # nothing kept from an earlier run
        asked_all.cache_clear()
        return detect_risks(text)

    best = _best_of(3, lexicon)
    print(f"  lexicon alone (detect_risks): {best * 1000:.0f} ms")
    screen = _screen()
    if screen is None:
        print(f"  (no second screen: {ENCODER} is not installed)")
        return
    flags = detect_risks(text)
    screen.findings("Client: warm-up line for the encoder", [])
    took = _best_of(1, lambda: screen.review(text, flags))
    print(f"  second screen ({len(windows(text))} windows): {took:.1f} s, "
          f"{took / best:.0f} times the lexicon's time")  # fmt: skip


HOUR_WORDS = 9_000


def _best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--transcripts",
        choices=["dev", "test", "fresh"],
        help="score a blind set: the evaluation set's parts, or the four fresh writers",
    )
    parser.add_argument(
        "--file", type=Path, help="score transcripts in the same format (e.g. lab/data/...)"
    )
    parser.add_argument("--show", action="store_true", help="list misses (never the test part)")
    parser.add_argument("--speed", action="store_true", help="time a 1-hour transcript")
    args = parser.parse_args()
    if args.speed:
        speed()
        return 0
    if args.transcripts or args.file:
        transcripts(args.file.resolve() if args.file else args.transcripts, args.show)
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
