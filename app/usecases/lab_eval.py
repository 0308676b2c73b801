"""``lab eval``: notes drafted from a ``lab data`` part by a base model and by the same
model with its fine-tuned adapter, through the app's own drafting (prompt, checks, rule
fall-back), scored with the metrics of ``notes eval``, and written as JSON, a Markdown
report and a bar chart. Numbers only: no row's text.
"""

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.usecases.note_eval import EvalRow, NoteEvalReport
from core.files import write_text_atomically
from core.lab.dataset import read_part
from core.lab.errors import LabError
from core.lab.plots import score_bars
from core.notes.templates import Template

PLOTTED = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def eval_rows(part: Path, limit: int | None = None) -> list[EvalRow]:
    """A lab part's pairs as evaluation rows: the transcript, and the note as written."""
    pairs = read_part(part)
    rows = [EvalRow(p.row, p.transcript, p.note) for p in pairs]
    return rows[:limit] if limit else rows


def comparison(reports: Mapping[str, NoteEvalReport], template: Template) -> dict[str, Any]:
    result: dict[str, Any] = {"template": template.name, "runs": {}}
    for label, report in reports.items():
        data = report.as_dict()
        data.pop("per_note")
        data["model_sections_kept"] = data["model_sections"]
        data["model_sections_possible"] = len(report.notes) * sum(
            1 for spec in template.sections if not spec.is_risk
        )
        result["runs"][label] = data
    return result


def markdown_report(data: Mapping[str, Any], set_name: str) -> str:
    runs: dict[str, dict[str, Any]] = data["runs"]
    labels = list(runs)
    first = runs[labels[0]]
    lines = [
        f"# Lab evaluation: {set_name}",
        "",
        f"{first['notes']} notes, template `{data['template']}`. Scores of the saved draft "
        "(the model's sections that pass the checks, the rules' elsewhere) against the "
        "reference notes; the transcript pasted as the note is the baseline.",
        "",
        "| measure | " + " | ".join(labels) + " | transcript as note |",
        "|---|" + "---|" * (len(labels) + 1),
    ]
    for metric in ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu"):
        cells = [f"{runs[label]['draft'][metric]:.3f}" for label in labels]
        lines.append(
            f"| {metric} | " + " | ".join(cells) + f" | {first['transcript_as_note'][metric]:.3f} |"
        )
    lines += [
        "",
        "The model's own text as it wrote it, before the checks set any section aside (a "
        "note with nothing under the template's headings scores 0):",
        "",
        "| measure | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for metric in ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu"):
        cells = [f"{runs[label]['model_as_written'][metric]:.3f}" for label in labels]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    lines += ["", "| | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for name in (
        "sections written by the model and kept",
        "section coverage",
        "risk-marker recall",
        "words per note (mean)",
        "seconds per note (mean)",
        "degraded drafts",
    ):
        lines.append(
            f"| {name} | " + " | ".join(_cell(name, runs[label]) for label in labels) + " |"
        )
    lines += ["", f"Reference notes: {first['reference_words']['mean']} words on average.", ""]
    return "\n".join(lines)


def _cell(name: str, run: Mapping[str, Any]) -> str:
    if name.startswith("sections written"):
        return f"{run['model_sections_kept']}/{run['model_sections_possible']}"
    if name == "section coverage":
        return f"{run['section_coverage']:.3f}"
    if name == "risk-marker recall":
        recall = run["risk_marker_recall"]
        return "no disclosures" if recall is None else f"{recall:.3f}"
    if name.startswith("words"):
        return str(run["words"]["mean"])
    if name.startswith("seconds"):
        return str(run["seconds_per_note"]["mean"])
    return str(run["degraded"])


def write_eval_outputs(data: Mapping[str, Any], out: Path, set_name: str) -> list[Path]:
    """``eval.json``, ``eval.md`` and ``eval.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_text_atomically(out / "eval.json", json.dumps(data, indent=1) + "\n"),
        write_text_atomically(out / "eval.md", markdown_report(data, set_name)),
    ]
    scores = {
        label: {m: float(run["draft"][m]) for m in PLOTTED} for label, run in data["runs"].items()
    }
    first = next(iter(data["runs"].values()))
    scores["transcript as note"] = {m: float(first["transcript_as_note"][m]) for m in PLOTTED}
    # Without matplotlib (an install without the lab extra) the numbers are still written.
    with contextlib.suppress(LabError):
        written.append(
            score_bars(scores, out / "eval.png", title=f"Drafts against references: {set_name}")
        )
    return written
