"""``auralis lab``: prepare transcript→note pairs, fine-tune a LoRA adapter on them,
export it as GGUF, and evaluate base against fine-tuned. Training and export need the
``[lab]`` extra (a CPU build of torch, transformers, peft)."""

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from app.cli.context import CliContext
from app.cli.notes_eval import evaluate_on
from app.cli.output import print_json, print_progress, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.engines import build_engine
from app.usecases.lab_data import prepare_dataset
from app.usecases.lab_eval import comparison, eval_rows, write_eval_outputs
from app.usecases.lab_train import train_adapter
from app.usecases.note_eval import NoteEvalReport
from app.usecases.notes import template_named
from core.lab.dataset import DEFAULT_MAX_CHARS
from core.lab.errors import LabError
from core.lab.train import Progress, TrainSettings


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "lab", "fine-tune the drafting model on your own notes")
    data = add_command(actions, "data", "check and split a CSV or JSONL of transcripts and notes")
    data.add_argument("file", type=Path, metavar="FILE", help=".csv or .jsonl")
    data.add_argument("--transcript-col", required=True, metavar="NAME")
    data.add_argument("--note-col", required=True, metavar="NAME")
    data.add_argument(
        "--section-col", metavar="NAME", help="a column naming the note's section, per row"
    )
    data.add_argument("--out", type=Path, required=True, metavar="DIR")
    data.add_argument("--split", default="80/10/10", help="train/valid/test percent (80/10/10)")
    data.add_argument("--seed", type=int, default=0)
    data.add_argument("--template", default="visit", help="template name (default: visit)")
    data.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, metavar="N")
    data.add_argument(
        "--model", type=Path, metavar="GGUF", help="count tokens with this model's tokenizer"
    )
    data.set_defaults(handler=_data)

    train = add_command(actions, "train", "fine-tune a LoRA adapter on a `lab data` folder")
    train.add_argument("--base", type=Path, required=True, metavar="GGUF")
    train.add_argument("--data", type=Path, required=True, metavar="DIR")
    train.add_argument("--out", type=Path, required=True, metavar="DIR")
    train.add_argument("--template", default="visit")
    train.add_argument("--epochs", type=float, default=1.0)
    train.add_argument(
        "--max-steps", type=int, metavar="N", help="optimizer steps (overrides --epochs)"
    )
    train.add_argument("--rank", type=int, default=8)
    train.add_argument("--alpha", type=int, default=16)
    train.add_argument("--learning-rate", type=float, default=2e-4)
    train.add_argument("--accumulation", type=int, default=4, help="examples per optimizer step")
    train.add_argument("--checkpoint-every", type=int, default=20, metavar="N")
    train.add_argument("--max-tokens", type=int, default=4096, help="longer examples are left out")
    train.add_argument(
        "--targets",
        metavar="NAMES",
        help="comma-separated projections to adapt (default: q_proj,v_proj; Phi-3: qkv_proj)",
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--resume", action="store_true", help="go on from the last checkpoint")
    train.set_defaults(handler=_train)

    exporting = add_command(actions, "export", "write a trained adapter as GGUF")
    exporting.add_argument("--adapter", type=Path, required=True, metavar="DIR")
    exporting.add_argument("--out", type=Path, required=True, metavar="FILE")
    exporting.add_argument(
        "--base", type=Path, metavar="GGUF", help="(default: the one trained on)"
    )
    exporting.add_argument(
        "--merge",
        choices=["f16", "q8_0", "q4_k_m"],
        help="a whole merged model instead of an adapter",
    )
    exporting.set_defaults(handler=_export)

    evaluate = add_command(actions, "eval", "score base and fine-tuned drafts on a lab part")
    evaluate.add_argument("--model", type=Path, required=True, metavar="GGUF")
    evaluate.add_argument("--adapter", type=Path, metavar="GGUF", help="the exported adapter")
    evaluate.add_argument(
        "--data", type=Path, required=True, metavar="FILE", help="e.g. test.jsonl"
    )
    evaluate.add_argument("--template", default="visit")
    evaluate.add_argument("--limit", type=int, metavar="N")
    evaluate.add_argument(
        "--out", type=Path, metavar="DIR", help="write eval.json, eval.md, eval.png"
    )
    evaluate.set_defaults(handler=_eval)


def _data(ctx: CliContext, args: argparse.Namespace) -> int:
    template = template_named(args.template, lambda: ctx.db)
    result = prepare_dataset(
        args.file,
        args.out,
        template,
        transcript_column=args.transcript_col,
        note_column=args.note_col,
        section_column=args.section_col,
        split=args.split,
        seed=args.seed,
        max_chars=args.max_chars,
        model=args.model,
    )
    if args.json:
        print_json(
            {
                "out": str(result.out),
                "counts": result.counts,
                "skipped": [{"row": r, "reason": why} for r, why in result.skipped],
                "tokens": {k: v.as_dict() for k, v in result.tokens.items()}
                if result.tokens
                else None,
            }
        )
        return 0
    kept = sum(result.counts.values())
    print(f"{kept} pairs kept, {len(result.skipped)} rows left out; written to {result.out}")
    for row, why in result.skipped[:20]:
        print(f"  row {row}: {why}")
    if len(result.skipped) > 20:
        print(f"  ... and {len(result.skipped) - 20} more (all are in manifest.json)")
    rows = []
    for part, count in result.counts.items():
        stats = result.tokens.get(part) if result.tokens else None
        rows.append(
            [part, count]
            + (
                [stats.minimum, stats.median, stats.maximum, stats.over_context]
                if stats
                else ["-"] * 4
            )
        )
    print_table(["PART", "PAIRS", "TOKENS MIN", "MEDIAN", "MAX", "OVER CONTEXT"], rows, empty="")
    if result.tokens is None:
        print("Token counts need a model's tokenizer: add --model FILE.gguf.")
    return 0


def _bar(progress: Progress) -> str:
    width = 20
    filled = width * progress.step // max(progress.total, 1)
    line = (
        f"[{'#' * filled}{'.' * (width - filled)}] step {progress.step}/{progress.total}"
        f"  loss {progress.loss:.3f}"
    )
    if progress.valid_loss is not None:
        line += f"  held-out {progress.valid_loss:.3f}"
    left = progress.seconds_left
    line += f"  {progress.tokens_per_s:.0f} tokens/s  about "
    line += f"{left / 60:.1f} min left" if left >= 90 else f"{left:.0f} s left"
    return line


def _train(ctx: CliContext, args: argparse.Namespace) -> int:
    template = template_named(args.template, lambda: ctx.db)
    settings = TrainSettings(
        rank=args.rank,
        alpha=args.alpha,
        learning_rate=args.learning_rate,
        epochs=args.epochs,
        max_steps=args.max_steps,
        accumulation=args.accumulation,
        checkpoint_every=args.checkpoint_every,
        seed=args.seed,
        targets=tuple(t.strip() for t in args.targets.split(",") if t.strip())
        if args.targets
        else None,
    )
    terminal = sys.stderr.isatty()

    def show(progress: Progress) -> None:
        if terminal:
            print_progress(_bar(progress), last=progress.step == progress.total)
        else:
            print(_bar(progress), file=sys.stderr, flush=True)

    result = train_adapter(
        args.base,
        args.data,
        args.out,
        template,
        settings,
        max_tokens=args.max_tokens,
        resume=args.resume,
        on_progress=show,
        on_status=lambda text: print(f"auralis: {text}", file=sys.stderr, flush=True),
    )
    if args.json:
        print_json(asdict(result))
        return 0
    print(
        f"Trained {result.steps} steps on {result.examples} examples in {result.seconds:.0f} s "
        f"(peak memory {result.peak_rss_mb:.0f} MB); adapter in {result.out / 'adapter'}"
    )
    if result.valid_loss is not None:
        print(
            f"Held-out loss at the end: {result.valid_loss:.3f}; curve in {result.out / 'loss.png'}"
        )
    return 0


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    # The GGUF writer (the gguf package) comes with the lab extra: imported when used.
    try:
        from app.usecases.lab_export import export
    except ImportError:
        raise LabError(
            "lab export needs the lab extra (the gguf package); run it where `make lab` "
            "installed it."
        ) from None

    result = export(args.adapter, args.out, base=args.base, merge=args.merge)
    if args.json:
        print_json(asdict(result))
        return 0
    what = "GGUF adapter" if result.kind == "adapter" else f"merged model ({result.kind.upper()})"
    print(f"{what} written to {result.path} ({result.size / 1e6:.1f} MB, sha256 {result.sha256})")
    if result.kind == "adapter":
        print(
            f"Use it with: auralis notes generate ... --model {result.base} --adapter {result.path}"
        )
    return 0


def _eval(ctx: CliContext, args: argparse.Namespace) -> int:
    template = template_named(args.template, lambda: ctx.db)
    rows = eval_rows(args.data, args.limit)
    base_settings = ctx.loaded.settings.inference.model_copy(
        update={"model_path": args.model, "engine": "local", "adapter_path": None}
    )
    runs = {"base": base_settings}
    if args.adapter is not None:
        runs["fine-tuned"] = base_settings.model_copy(update={"adapter_path": args.adapter})
    reports: dict[str, NoteEvalReport] = {}
    for label, inference in runs.items():
        choice = build_engine(ctx.paths, inference)
        if choice.degraded:
            choice.engine.close()
            raise LabError(choice.problems[-1])
        reports[label] = evaluate_on(
            ctx, choice.engine, rows, template, inference, set_name=str(args.data), label=label
        )
    data = comparison(reports, template)
    written = write_eval_outputs(data, args.out, args.data.name) if args.out else []
    if args.json:
        print_json(data)
        return 0
    labels = list(reports)
    runs_data = data["runs"]
    print(f"{args.data}: {len(rows)} notes, template {template.name}")
    print_table(
        ["METRIC", *[label.upper() for label in labels], "TRANSCRIPT AS NOTE"],
        [
            [
                m,
                *[runs_data[label]["draft"][m] for label in labels],
                runs_data[labels[0]]["transcript_as_note"][m],
            ]
            for m in ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu")
        ]
        + [
            [
                "rougeLsum as written",
                *[runs_data[label]["model_as_written"]["rougeLsum"] for label in labels],
                "",
            ],
            [
                "model sections kept",
                *[
                    f"{runs_data[label]['model_sections_kept']}/{runs_data[label]['model_sections_possible']}"
                    for label in labels
                ],
                "",
            ],
            [
                "seconds per note",
                *[runs_data[label]["seconds_per_note"]["mean"] for label in labels],
                "",
            ],
        ],
        empty="",
    )
    if args.out is not None:
        print("Report: " + ", ".join(str(path) for path in written))
    return 0
