"""``auralis notes eval``: draft a note for every row of a CSV of transcripts and
reference notes, and score the drafts beside the transcript pasted as the note."""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli.context import CliContext
from app.cli.engine_args import (
    JobRunner,
    add_engine_options,
    choose_engine,
    inference_settings,
    job_value,
)
from app.cli.output import print_json, print_progress, print_table
from app.cli.parsing import Subcommands, add_command
from app.settings import InferenceSettings
from app.usecases.drafting import NoteDrafting
from app.usecases.note_eval import (
    EvalRow,
    NoteEvalReport,
    NoteScore,
    evaluate_notes,
    load_eval_csv,
    progress_line,
)
from app.usecases.notes import NoteDraft, template_named
from core.llm.engine import Engine
from core.notes.templates import Template


def register(actions: Subcommands) -> None:
    evaluate = add_command(
        actions, "eval", "draft a note for every row of a CSV and score it against its reference"
    )
    evaluate.add_argument("csv", type=Path, metavar="CSV", help="transcripts and reference notes")
    evaluate.add_argument(
        "--transcript-column", default="dialogue", metavar="NAME", help="(default: dialogue)"
    )
    evaluate.add_argument(
        "--note-column",
        default="note",
        metavar="NAME",
        help="the reference note (default: note; MTS-Dialog: section_text)",
    )
    evaluate.add_argument("--template", default="visit", help="template name (default: visit)")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N rows")
    evaluate.add_argument(
        "--output", type=Path, metavar="FILE", help="also write the JSON report to FILE"
    )
    add_engine_options(evaluate)
    evaluate.set_defaults(handler=_eval)


def _eval(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = load_eval_csv(args.csv, args.transcript_column, args.note_column, limit=args.limit)
    template = template_named(args.template, lambda: ctx.db)
    inference = inference_settings(ctx, args)
    choice = choose_engine(ctx, args)
    report = evaluate_on(ctx, choice.engine, rows, template, inference, set_name=str(args.csv))
    data = report.as_dict()
    if args.output is not None:
        args.output.write_text(_json_text(data), encoding="utf-8")
    if args.json:
        print_json(data)
        return 0
    _print_report(report, choice.description)
    return 0


def evaluate_on(
    ctx: CliContext,
    engine: Engine,
    rows: Sequence[EvalRow],
    template: Template,
    inference: InferenceSettings,
    *,
    set_name: str,
    label: str = "",
) -> NoteEvalReport:
    """Draft and score every row with ``engine`` (closed afterwards) as the window would,
    one job after another, with a progress line on stderr (prefixed with ``label``)."""
    seconds: list[float] = []
    terminal = sys.stderr.isatty()
    prefix = f"{label}: " if label else ""
    runner = JobRunner(engine)

    def draft_one(drafting: NoteDrafting) -> NoteDraft:
        draft: NoteDraft = job_value(*runner.run(drafting.job()), "Drafting")
        return draft

    def show(done: int, total: int, score: NoteScore | None) -> None:
        if score is not None:
            seconds.append(score.seconds)
        line = prefix + progress_line(done, total, seconds)
        if terminal:
            print_progress(line, last=done == total)
        elif score is not None:
            print(line, file=sys.stderr, flush=True)

    try:
        return evaluate_notes(
            rows,
            template,
            inference,
            draft_one,
            set_name=set_name,
            risk_net=ctx.risk_net,
            on_progress=show,
        )
    finally:
        runner.close()


def _reasons(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{code} {n}" for code, n in sorted(counts.items(), key=lambda c: -c[1])) or "-"
    )


def _json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _print_report(report: NoteEvalReport, engine: str) -> None:
    data = report.as_dict()
    print(f"{report.set_name}: {data['notes']} notes, template {report.template}, {engine}")
    if report.skipped:
        print(f"Rows left out (not readable as a transcript): {report.skipped}")
    draft, pasted = data["draft"], data["transcript_as_note"]
    print_table(
        ["METRIC", "DRAFT", "TRANSCRIPT AS NOTE"],
        [
            [name, draft[name], pasted[name]]
            for name in ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu")
        ],
        empty="",
    )
    recall = data["risk_marker_recall"]
    print()
    print_table(
        ["MEASURE", "VALUE"],
        [
            ["section coverage", data["section_coverage"]],
            ["risk-marker recall", "no disclosures" if recall is None else recall],
            ["words per note (mean)", data["words"]["mean"]],
            ["reference words (mean)", data["reference_words"]["mean"]],
            ["seconds per note (mean)", data["seconds_per_note"]["mean"]],
            ["seconds per note (max)", data["seconds_per_note"]["max"]],
            ["degraded drafts", data["degraded"]],
            ["sections drafted by rules", data["rule_sections"]],
            ["  set aside because", _reasons(data["replaced_for"])],
            ["echoed instructions left", data["echoes_left"]],
            ["risk contradictions left", data["risk_contradictions_left"]],
        ],
        empty="",
    )
