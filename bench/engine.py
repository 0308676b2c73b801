"""Engine benchmark: our pipeline against raw llama-cpp-python, as ratios in one run.

Builds (once, cached in the user cache folder) a random-weight model of a real shape —
by default a ~134M-parameter llama (768 wide, 12 layers, 2048 feed-forward, 32k
vocabulary), written as F16 with ``gguf`` and quantized to Q4_K_M with
``llama_cpp.llama_model_quantize``: gibberish text, but the compute and memory traffic
of a real model. Then measures:

(a) ``LocalEngine.chat`` / ``.structured`` end to end against ``Llama.create_chat_completion``
    on the same prompt, sampler and token count (target: ratio <= 1.05);
(b) an operating-room style update — the same 1,500-token prefix, a changing 200-token
    tail — with prefix reuse against a fresh evaluation each time (target: >= 3x);
(c) generation tokens/s per ``n_threads``, to show the default (physical cores) is best.

    .venv/bin/python bench/engine.py [--shape small|phi3-mini] [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

import llama_cpp  # noqa: E402
import platformdirs  # noqa: E402
from gguf_builder import ModelShape, write_llama_gguf  # noqa: E402

from app.settings import physical_cores  # noqa: E402
from core.llm import llama_log  # noqa: E402
from core.llm.config import LlamaConfig  # noqa: E402
from core.llm.local import LocalEngine  # noqa: E402
from core.llm.tasks import SchemaTask  # noqa: E402
from core.llm.types import Message  # noqa: E402

SHAPES = {
    "small": ModelShape(
        n_embd=768,
        n_layer=12,
        n_ff=2048,
        n_head=12,
        n_head_kv=12,
        n_ctx_train=4096,
        extra_vocab=31_500,
    ),
    "phi3-mini": ModelShape(
        n_embd=3072,
        n_layer=32,
        n_ff=8192,
        n_head=32,
        n_head_kv=32,
        n_ctx_train=4096,
        extra_vocab=31_564,
    ),
}
SCHEMA = {
    "type": "object",
    "properties": {
        "phase": {"type": "string", "enum": ["Phase1", "Phase2", "Phase3", "Phase4"]},
        "M01": {"type": "string", "enum": ["ON", "OFF", "STANDBY", "UNCHANGED"]},
        "M02": {"type": "string", "enum": ["ON", "OFF", "STANDBY", "UNCHANGED"]},
    },
    "required": ["phase", "M01", "M02"],
    "additionalProperties": False,
}


def bench_model(shape_name: str) -> Path:
    cache = Path(platformdirs.user_cache_dir("Auralis", appauthor=False)) / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    quantized = cache / f"random-{shape_name}-q4_k_m.gguf"
    if quantized.exists():
        return quantized
    f16 = cache / f"random-{shape_name}-f16.gguf"
    print(f"building {quantized.name} (once; cached in {cache}) ...", flush=True)
    started = time.perf_counter()
    write_llama_gguf(f16, SHAPES[shape_name], name=f"random-{shape_name}")
    llama_log.install()  # keep llama.cpp's per-tensor lines off the screen
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M
    partial = quantized.with_suffix(".partial")
    code = llama_cpp.llama_model_quantize(str(f16).encode(), str(partial).encode(), params)
    if code != 0:
        sys.exit(f"quantization failed with code {code}")
    partial.rename(quantized)
    f16.unlink()
    print(
        f"built in {time.perf_counter() - started:.0f} s, {quantized.stat().st_size / 1e6:.0f} MB"
    )
    return quantized


def median_s(call: Callable[[int], object], runs: int) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        call(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def paired(ours: Callable[[], object], raw: Callable[[], object], runs: int) -> tuple[float, ...]:
    """Median times of both and the median of per-run ratios. The two alternate run by
    run (and which goes first alternates too), so drift in the machine's speed — other
    load, clock changes — hits both sides alike."""
    ours_times, raw_times, ratios = [], [], []
    for run in range(runs):
        pair = {}
        for name, call in (
            (("ours", ours), ("raw", raw)) if run % 2 == 0 else (("raw", raw), ("ours", ours))
        ):
            started = time.perf_counter()
            call()
            pair[name] = time.perf_counter() - started
        ours_times.append(pair["ours"])
        raw_times.append(pair["raw"])
        ratios.append(pair["ours"] / pair["raw"])
    return statistics.median(ours_times), statistics.median(raw_times), statistics.median(ratios)


def words(count: int, salt: int) -> str:
    return " ".join(f"w{(i * 7919 + salt) % 31_000}" for i in range(count))


def compare_with_raw(model: Path, threads: int, runs: int) -> None:
    # Greedy on both sides, so both generate exactly the same tokens.
    config = LlamaConfig(model, n_ctx=2048, n_threads=threads, seed=7, temperature_structured=0.0)
    engine = LocalEngine(config)
    raw = llama_cpp.Llama(
        str(model), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False, seed=7
    )
    sampler = {"temperature": 0.0, "top_p": 0.9, "top_k": 40, "repeat_penalty": 1.1}
    messages = [Message("system", "You summarise."), Message("user", words(300, 1))]
    dict_messages: Any = [m.as_dict() for m in messages]
    tokens: dict[str, set[int]] = {"ours": set(), "raw": set()}

    # Both sides get the same prompt and evaluate it fully each run (KV cache reset).
    def ours_chat() -> None:
        engine._llm.reset()
        tokens["ours"].add(engine.chat(messages, max_tokens=64, temperature=0.0).completion_tokens)

    def raw_chat() -> None:
        raw.reset()
        out: Any = raw.create_chat_completion(dict_messages, max_tokens=64, **sampler)
        tokens["raw"].add(out["usage"]["completion_tokens"])

    def ours_structured() -> None:
        engine._llm.reset()
        tokens["ours"].add(
            engine.structured(SchemaTask(messages, SCHEMA), max_tokens=64).completion_tokens
        )

    def raw_structured() -> None:
        raw.reset()
        out: Any = raw.create_chat_completion(
            dict_messages,
            max_tokens=64,
            response_format={"type": "json_object", "schema": SCHEMA},
            **sampler,
        )
        tokens["raw"].add(out["usage"]["completion_tokens"])

    for name, ours, base in (
        ("chat, 300-word prompt, 64 tokens", ours_chat, raw_chat),
        ("structured (schema grammar, validated)", ours_structured, raw_structured),
    ):
        ours(), base()  # warm up both
        tokens = {"ours": set(), "raw": set()}
        ours_s, raw_s, ratio = paired(ours, base, runs)
        print(
            f"(a) {name}: ours {ours_s:.3f} s, raw {raw_s:.3f} s, median ratio {ratio:.3f} "
            f"(target <= 1.05; tokens ours {sorted(tokens['ours'])}, raw {sorted(tokens['raw'])})"
        )
    engine.close()
    raw.close()


def prefix_reuse(model: Path, threads: int, runs: int) -> None:
    engine = LocalEngine(LlamaConfig(model, n_ctx=2048, n_threads=threads, seed=7))
    # The shape: a fixed 1,500-token prefix and a changing 200-token tail.
    prefix = Message("system", "Operating-room assistant. Machines and phases: " + words(1480, 1))

    def update(run: int) -> Message:
        return Message("user", "Recent transcript: " + words(190, 100 + run))

    prompt_tokens = engine.chat([prefix, update(0)], max_tokens=8).prompt_tokens
    reused: list[int] = []

    def with_reuse(run: int) -> None:
        reused.append(engine.chat([prefix, update(run + 1)], max_tokens=8).reused_prompt_tokens)

    def fresh(run: int) -> None:
        engine._llm.reset()  # forget the KV cache: a full evaluation every time
        engine.chat([prefix, update(run + 1)], max_tokens=8)

    warm = median_s(with_reuse, runs)
    cold = median_s(fresh, runs)
    print(
        f"(b) OR update, {prompt_tokens}-token prompt, median {statistics.median(reused):.0f} "
        f"tokens reused: {warm:.3f} s vs fresh {cold:.3f} s, {cold / warm:.1f}x faster "
        "(target >= 3x)"
    )
    engine.close()


def threads_sweep(model: Path, runs: int) -> None:
    default = physical_cores()
    counts = sorted({1, max(1, default // 2), default, default + 1, 2 * default})
    print(
        f"(c) generation tokens/s by n_threads (default = physical cores = {default}; "
        f"logical CPUs {os.cpu_count()}), thread counts measured round-robin:"
    )
    engines = {n: LocalEngine(LlamaConfig(model, n_ctx=1024, n_threads=n, seed=7)) for n in counts}
    speeds: dict[int, list[float]] = {n: [] for n in counts}
    for run in range(runs):
        for n, engine in engines.items():
            result = engine.complete(f"{run} " + words(20, run), max_tokens=64, temperature=0.0)
            speeds[n].append(result.tokens_per_s)
    for n, engine in engines.items():
        engine.close()
        mark = "  <- default" if n == default else ""
        print(f"    n_threads={n:<3} {statistics.median(speeds[n]):7.1f} tokens/s{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="small")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    model = bench_model(args.shape)
    threads = physical_cores()
    print(f"model {model.name}, {model.stat().st_size / 1e6:.0f} MB, n_threads={threads}")
    compare_with_raw(model, threads, args.runs)
    prefix_reuse(model, threads, args.runs)
    threads_sweep(model, args.runs)


if __name__ == "__main__":
    main()
