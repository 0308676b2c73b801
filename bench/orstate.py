"""Operating-room benchmark: rule latency per utterance, and the end-to-end latency of a
live update with the model, prefix reuse against none, as ratios in one run.

(a) Rules: every row of ``tests/core/orstate/rule_table.py`` parsed 50 times (one engine
    per surgery, built once, debounce off): median, p99 and max microseconds; then the
    whole rule path of a live case (``LiveCase.on_segment``: buffer, rules, phase,
    serializer) per final segment.
(b) Model updates: a scripted 15-minute PCNL case; after each final segment, the update
    the app runs (request from the rolling window, ``LocalEngine.structured`` under the
    answer schema's grammar, merge into the rule state). Three arms on the same model,
    alternating run by run: ours as the app runs it (one engine, so the fixed prefix's KV
    cache is reused), ours with the KV cache reset before every update (no reuse), and
    raw llama-cpp-python ``create_chat_completion`` with the same messages and schema.

(c) Accuracy (``bench/or_accuracy.py``): exact match of every utterance's toggles
    (machine, action, temporal category) and the count of wrong toggles, on OR-Symphony's
    ``ruleqa.csv`` as labelled and with ``bench/data/ruleqa_corrections.csv``, on our
    ``rule_table.py``, and on ``bench/data/or_commands/dev.csv`` and
    ``or_commands2/dev.csv`` when present (``or_commands/test.csv`` only with ``--test``:
    it is scored only when a change is finished).

Uses the random-weight model that ``bench/engine.py`` builds and caches (134M parameters,
Q4_K_M): its answers are gibberish that fill the answer schema's text bounds, the worst
case for generation; prompt work is what reuse saves.

    .venv/bin/python bench/orstate.py [--runs 3] [--max-tokens 512] [--segments 21]
    .venv/bin/python bench/orstate.py --accuracy [--misses]    # (c) only, no model
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "core" / "orstate")]

import llama_cpp  # noqa: E402
from engine import bench_model  # noqa: E402
from or_accuracy import report  # noqa: E402
from rule_table import TABLE  # noqa: E402

from app.settings import physical_cores  # noqa: E402
from core.llm.config import LlamaConfig  # noqa: E402
from core.llm.local import LocalEngine  # noqa: E402
from core.orstate.live import LiveCase  # noqa: E402
from core.orstate.rules import UtteranceRules  # noqa: E402
from core.orstate.serializer import get_validation_errors  # noqa: E402
from core.orstate.surgeries import get_surgery, load_surgeries  # noqa: E402

REPEATS = 50
SCRIPT = [
    (0, "nurse", "patient is in the room, let's start the time-out"),
    (12, "circulator", "monitor is on, sats ninety nine"),
    (40, "anesthetist", "starting induction now"),
    (55, "anesthetist", "hook up the ventilator please"),
    (70, "anesthetist", "tube is in, intubation confirmed"),
    (120, "surgeon", "positioning prone, can we get the lights on"),
    (160, "surgeon", "needle access under fluoro, fire up the c-arm"),
    (190, "surgeon", "guide wire is in, dilating the tract"),
    (230, "surgeon", "start the irrigation"),
    (250, "surgeon", "scope in, turn on the camera"),
    (300, "surgeon", "there's the stone, start the lithotripter"),
    (340, "surgeon", "uh suction suction on please"),
    (380, "scrub", "is the irrigation pressure okay"),
    (420, "surgeon", "fragments are out, stop the lithotripter"),
    (460, "surgeon", "don't stop the suction yet"),
    (520, "surgeon", "c-arm off, we're done with fluoro"),
    (580, "surgeon", "closing now, stop the irrigation"),
    (640, "surgeon", "kill the suction"),
    (700, "anesthetist", "waking her up, extubation in a minute"),
    (760, "anesthetist", "ventilator to standby"),
    (820, "nurse", "lights off, transferring to recovery"),
]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def rule_latency() -> None:
    catalog = load_surgeries()
    engines = {row.surgery: UtteranceRules(catalog.get(row.surgery)) for row in TABLE}
    samples: list[float] = []
    for _ in range(REPEATS):
        for row in TABLE:
            engine = engines[row.surgery]
            start = time.perf_counter_ns()
            engine.parse(row.text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    print(
        f"(a) rules, {len(TABLE)} utterances x {REPEATS}: median "
        f"{statistics.median(samples):.1f} us, p99 {percentile(samples, 0.99):.1f} us, "
        f"max {max(samples):.1f} us (target < 1000 us)"
    )
    live: list[float] = []
    for _ in range(REPEATS):
        case = LiveCase(get_surgery("pcnl"))
        for t, speaker, text in SCRIPT:
            start = time.perf_counter_ns()
            case.on_segment(float(t), speaker, text)
            live.append((time.perf_counter_ns() - start) / 1000)
    print(
        f"    rule state of a live case (buffer + rules + phase + serializer), "
        f"{len(SCRIPT)} segments x {REPEATS}: median {statistics.median(live):.0f} us, "
        f"p99 {percentile(live, 0.99):.0f} us"
    )


def model_updates(
    model: Path, threads: int, runs: int, max_tokens: int, script: list[tuple[int, str, str]]
) -> None:
    config = LlamaConfig(
        model,
        n_ctx=4096,
        n_threads=threads,
        seed=7,
        temperature_structured=0.0,
        max_tokens=max_tokens,
    )
    engine = LocalEngine(config)
    raw = llama_cpp.Llama(
        str(model), n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False, seed=7
    )
    times: dict[str, list[float]] = {"reuse": [], "fresh": [], "raw": []}
    tokens: dict[str, list[int]] = {"prompt": [], "reused": [], "generated": [], "raw": []}
    invalid = 0

    def ours(case: LiveCase, reset: bool) -> float:
        if reset:
            engine._llm.reset()
        started = time.perf_counter()
        request = case.model_request()
        result = engine.structured(request)
        state = case.apply_model_result(result)
        elapsed = time.perf_counter() - started
        nonlocal invalid
        invalid += bool(get_validation_errors(state))
        if not reset:
            tokens["prompt"].append(result.prompt_tokens)
            tokens["reused"].append(result.reused_prompt_tokens)
            tokens["generated"].append(result.completion_tokens)
        return elapsed

    def raw_update(case: LiveCase) -> float:
        request = case.model_request()
        started = time.perf_counter()
        out: Any = raw.create_chat_completion(
            [m.as_dict() for m in request.messages],  # type: ignore[misc]
            max_tokens=max_tokens,
            temperature=0.0,
            response_format={"type": "json_object", "schema": request.schema},
        )
        elapsed = time.perf_counter() - started
        tokens["raw"].append(out["usage"]["completion_tokens"])
        return elapsed

    for run in range(runs):
        cases = {name: LiveCase(get_surgery("pcnl")) for name in times}
        for i, (t, speaker, text) in enumerate(script):
            order = ["reuse", "fresh", "raw"] if (run + i) % 2 == 0 else ["raw", "fresh", "reuse"]
            for name in order:
                cases[name].on_segment(float(t), speaker, text)
                elapsed = (
                    raw_update(cases[name])
                    if name == "raw"
                    else ours(cases[name], reset=name == "fresh")
                )
                if i > 0:  # the first update of a case has nothing to reuse
                    times[name].append(elapsed)
    engine.close()
    raw.close()
    reuse, fresh, base = (statistics.median(times[k]) for k in ("reuse", "fresh", "raw"))
    print(
        f"(b) model update of a live case ({len(script)} segments x {runs} runs, "
        f"prompt median {statistics.median(tokens['prompt']):.0f} tokens, "
        f"{statistics.median(tokens['reused']):.0f} reused, "
        f"{statistics.median(tokens['generated']):.0f} generated; raw generated "
        f"{statistics.median(tokens['raw']):.0f}):"
    )
    p90 = percentile(times["reuse"], 0.9)
    print(f"    ours, prefix reused:  median {reuse:.3f} s, p90 {p90:.3f} s")
    print(
        f"    ours, no reuse:       median {fresh:.3f} s  -> reuse is {fresh / reuse:.2f}x faster"
    )
    print(f"    raw llama-cpp-python: median {base:.3f} s  -> ours / raw = {reuse / base:.3f}")
    print(f"    states failing the schema: {invalid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument(
        "--segments", type=int, default=len(SCRIPT), help="use the first N segments of the case"
    )
    parser.add_argument("--accuracy", action="store_true", help="only (c): no timing, no model")
    parser.add_argument("--misses", action="store_true", help="list every utterance missed")
    parser.add_argument("--test", action="store_true", help="also score or_commands/test.csv")
    args = parser.parse_args()
    report(test=args.test, show_misses=args.misses)
    if args.accuracy:
        return
    rule_latency()
    model = bench_model("small")
    threads = physical_cores()
    print(f"model {model.name}, {model.stat().st_size / 1e6:.0f} MB, n_threads={threads}")
    model_updates(model, threads, args.runs, args.max_tokens, SCRIPT[: args.segments])


if __name__ == "__main__":
    main()
