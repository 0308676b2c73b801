"""The model lab end to end on this machine's CPUs: the default model (SmolLM2-135M-
Instruct Q4_1) fine-tuned with LoRA on ACI-Bench's training split, exported as a GGUF
adapter, and evaluated base against fine-tuned on ACI-Bench's validation split (20
visits, never trained or tuned on), through the app's own drafting. Every step is the
`auralis lab` command a user would run; printed: each step's time and peak memory, and
the scores (ROUGE-Lsum of the saved draft, as `notes eval` measures it).

    .venv/bin/python bench/lab.py [--out /tmp/auralis-lab] [--epochs 2] [--rank 16]
        [--targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "aci-bench"
ALL_LINEAR = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"


def run(step: str, *args: str) -> float:
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "main.py"), "lab", *args]
    print(f"== {step}: auralis lab {' '.join(args)}", flush=True)
    subprocess.run(command, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"== {step}: {seconds:.0f} s, peak memory of any step so far {peak:.0f} MB", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", type=Path, default=ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/auralis-lab"))
    parser.add_argument("--epochs", default="2")
    parser.add_argument("--rank", default="16")
    parser.add_argument("--learning-rate", default="3e-4")
    parser.add_argument("--accumulation", default="2")
    parser.add_argument("--targets", default=ALL_LINEAR)
    parser.add_argument("--limit", default="20", help="validation visits to draft")
    args = parser.parse_args()
    out, model = args.out, str(args.model)
    times = {
        "data": run(
            "data",
            "data",
            str(DATA / "train.csv"),
            "--transcript-col",
            "dialogue",
            "--note-col",
            "note",
            "--out",
            str(out / "data"),
            "--split",
            "90/10/0",
            "--model",
            model,
        )
    }
    run(
        "held-back set",
        "data",
        str(DATA / "valid.csv"),
        "--transcript-col",
        "dialogue",
        "--note-col",
        "note",
        "--out",
        str(out / "valid"),
        "--split",
        "100/0/0",
    )
    times["train"] = run(
        "train",
        "train",
        "--base",
        model,
        "--data",
        str(out / "data"),
        "--out",
        str(out / "run"),
        "--epochs",
        args.epochs,
        "--rank",
        args.rank,
        "--alpha",
        str(2 * int(args.rank)),
        "--learning-rate",
        args.learning_rate,
        "--accumulation",
        args.accumulation,
        "--targets",
        args.targets,
        "--checkpoint-every",
        "10",
    )
    times["export"] = run(
        "export", "export", "--adapter", str(out / "run"), "--out", str(out / "adapter.gguf")
    )
    times["eval"] = run(
        "eval",
        "eval",
        "--model",
        model,
        "--adapter",
        str(out / "adapter.gguf"),
        "--data",
        str(out / "valid" / "train.jsonl"),
        "--limit",
        args.limit,
        "--out",
        str(out / "eval"),
    )
    data = json.loads((out / "eval" / "eval.json").read_text())
    training = json.loads((out / "run" / "training.json").read_text())
    base, tuned = data["runs"]["base"], data["runs"]["fine-tuned"]
    print()
    print(f"ROUGE-Lsum on ACI-Bench valid ({base['notes']} visits), saved drafts:")
    print(f"  base model        {base['draft']['rougeLsum']:.3f}")
    print(f"  fine-tuned        {tuned['draft']['rougeLsum']:.3f}")
    print(f"  transcript pasted {base['transcript_as_note']['rougeLsum']:.3f}")
    print("ROUGE-Lsum of the model's own text as written (before the checks):")
    print(f"  base model        {base['model_as_written']['rougeLsum']:.3f}")
    print(f"  fine-tuned        {tuned['model_as_written']['rougeLsum']:.3f}")
    for label, run_data in (("base", base), ("fine-tuned", tuned)):
        kept, possible = run_data["model_sections_kept"], run_data["model_sections_possible"]
        print(f"  model sections kept, {label}: {kept}/{possible}")
    result = training["result"]
    print(
        f"Training: {result['steps']} steps, {result['seconds']:.0f} s, "
        f"peak {result['peak_rss_mb']:.0f} MB"
    )
    print("Step times (s): " + ", ".join(f"{k} {v:.0f}" for k, v in times.items()))


if __name__ == "__main__":
    main()
