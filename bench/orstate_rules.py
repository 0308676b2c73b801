"""Utterance rule engine timing: median and p99 microseconds per utterance.

Parses every row of ``tests/core/orstate/rule_table.py`` 50 times (one engine per surgery,
built once, debounce off) and prints the distribution. A measurement, not a test: the exit
code is always 0.

    .venv/bin/python bench/orstate_rules.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "core" / "orstate"))

from rule_table import TABLE

from core.orstate.rules import UtteranceRules
from core.orstate.surgeries import load_surgeries

REPEATS = 50


def main() -> int:
    catalog = load_surgeries()
    engines = {row.surgery: UtteranceRules(catalog.get(row.surgery)) for row in TABLE}
    samples: list[float] = []
    for _ in range(REPEATS):
        for row in TABLE:
            engine = engines[row.surgery]
            start = time.perf_counter_ns()
            engine.parse(row.text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"utterances: {len(TABLE)} x {REPEATS} = {len(samples)}")
    print(f"median: {statistics.median(samples):.1f} us")
    print(f"p99:    {p99:.1f} us")
    print(f"max:    {samples[-1]:.1f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
