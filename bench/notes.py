"""Note drafting with a real model against raw llama-cpp-python, as ratios in one run.

For each transcript (default: the first rows of ACI-Bench's training split, the
development part), the app drafts a note with the model (``draft_note``: the rule draft,
the risk net, the prompt, the streamed answer, the section checks). Then raw
llama-cpp-python, with the same model file and settings, answers the same chat messages
with as many tokens as the app's model wrote, with no constraints. Printed per note:
seconds, prompt and generated tokens, and the ratio app / raw (goal <= 1.2).

    .venv/bin/python bench/notes.py [--model models/SmolLM2-135M-Instruct.Q4_1.gguf]
        [--csv ../shared/data/aci-bench/train.csv] [--rows 5] [--template visit]
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import llama_cpp  # noqa: E402

from app.settings import InferenceSettings  # noqa: E402
from core.llm.config import LlamaConfig  # noqa: E402
from core.llm.local import LocalEngine  # noqa: E402
from core.notes.drafting import draft_note  # noqa: E402
from core.notes.note_text import note_chat_messages  # noqa: E402
from core.notes.templates import BUILTIN_TEMPLATES  # noqa: E402
from core.notes.transcript import parse_transcript  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "aci-bench" / "train.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", type=Path, default=ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
    )
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--column", default="dialogue")
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--template", default="visit")
    args = parser.parse_args()
    settings = InferenceSettings()
    template = BUILTIN_TEMPLATES[args.template]
    config = LlamaConfig(
        args.model, n_ctx=settings.n_ctx, n_threads=settings.n_threads, n_batch=settings.n_batch
    )
    engine = LocalEngine(config)
    raw = llama_cpp.Llama(
        str(args.model),
        n_ctx=engine.config.n_ctx,
        n_threads=config.n_threads,
        n_threads_batch=config.n_threads,
        n_batch=config.n_batch,
        n_ubatch=min(config.n_batch, 512),
        verbose=False,
    )
    csv.field_size_limit(10_000_000)
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = [row[args.column] for row in csv.DictReader(handle)][: args.rows]
    print(f"{args.model.name}, {config.n_threads} threads, n_ctx {engine.config.n_ctx}, "
          f"max_tokens {settings.max_tokens}, template {template.name}")  # fmt: skip
    print(f"{'note':>4} {'app s':>7} {'raw s':>7} {'ratio':>6} {'prompt':>7} {'tokens':>7}")
    ratios, seconds = [], []
    for number, dialogue in enumerate(rows, start=1):
        transcript = parse_transcript(dialogue.encode("utf-8"), filename="row.txt").as_text()
        pieces: list[str] = []
        started = time.perf_counter()
        draft_note(
            engine, template, transcript, max_answer_tokens=settings.max_tokens,
            on_token=pieces.append,
        )  # fmt: skip
        app_s = time.perf_counter() - started
        messages = [m.as_dict() for m in note_chat_messages(template, transcript)]
        started = time.perf_counter()
        answer = raw.create_chat_completion(
            messages,  # type: ignore[arg-type]
            max_tokens=max(len(pieces), 1),
            temperature=0.0,
        )
        raw_s = time.perf_counter() - started
        prompt_tokens = answer["usage"]["prompt_tokens"]  # type: ignore[index]
        ratios.append(app_s / raw_s)
        seconds.append(app_s)
        print(
            f"{number:>4} {app_s:>7.1f} {raw_s:>7.1f} {app_s / raw_s:>6.2f} "
            f"{prompt_tokens:>7} {len(pieces):>7}"
        )
    engine.close()
    raw.close()
    print(f"mean {statistics.fmean(seconds):.1f} s per note (max {max(seconds):.1f}); "
          f"ratio app/raw median {statistics.median(ratios):.2f} (goal <= 1.2)")  # fmt: skip


if __name__ == "__main__":
    main()
