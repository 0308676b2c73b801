"""Evaluating drafted notes against reference notes: a CSV of transcripts and the notes
written from them (ACI-Bench's ``dialogue``/``note``, MTS-Dialog's
``dialogue``/``section_text``), each transcript imported as a user's .txt file would be,
drafted with the template and engine a clinician would use, and scored beside the
transcript pasted as the note (the baseline every drafting must beat).

Nothing is stored. Reports hold numbers only, never a row's text: they go to the
terminal, JSON files and logs.
"""

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import InferenceSettings
from app.usecases.drafting import NoteDrafting
from app.usecases.notes import NoteRequest
from core.notes.answer_checks import check_sections, says_no_risk, says_nothing
from core.notes.drafting import NoteDraft
from core.notes.note_metrics import (
    TextScores,
    note_body,
    risk_marker_recall,
    score_texts,
    section_coverage,
    summary_of,
    words,
)
from core.notes.note_text import note_chat_messages
from core.notes.risk_net import RiskNet
from core.notes.templates import Template
from core.notes.transcript import TranscriptError, parse_transcript
from core.store.errors import StoreError

MAX_FIELD_CHARS = 10_000_000


class EvalSetError(StoreError):
    """An evaluation file that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class EvalRow:
    number: int  # 1-based row of the CSV, its header not counted
    transcript: str
    reference: str


def load_eval_csv(
    path: Path, transcript_column: str, note_column: str, *, limit: int | None = None
) -> list[EvalRow]:
    """The rows of a CSV with a transcript and a reference note each; rows with either
    empty are left out. Refuses (``EvalSetError``) a missing file, a missing column (the
    message lists the columns there are) or a file without a usable row."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in (transcript_column, note_column) if c not in columns]
            if missing:
                raise EvalSetError(
                    f"{path} has no column {missing[0]!r}; its columns are: "
                    + (", ".join(repr(c) for c in columns) or "none")
                    + ". Name them with --transcript-column and --note-column."
                )
            rows = []
            for number, record in enumerate(reader, start=1):
                transcript = (record.get(transcript_column) or "").strip()
                reference = (record.get(note_column) or "").strip()
                if transcript and reference:
                    rows.append(EvalRow(number, transcript, reference))
                if limit is not None and len(rows) >= limit:
                    break
    except OSError as exc:
        raise EvalSetError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise EvalSetError(f"{path} is not a UTF-8 CSV file ({type(exc).__name__}).") from None
    if not rows:
        raise EvalSetError(f"{path} has no row with both a transcript and a note.")
    return rows


@dataclass(frozen=True)
class NoteScore:
    """One row's numbers (no text)."""

    row: int
    seconds: float
    words: int
    reference_words: int
    degraded: bool
    engine: str
    rule_sections: int
    replaced_for: tuple[str, ...] = ()  # the check that set each replaced section aside
    echo_left: int = 0  # sections kept from the model that still echo the instructions
    model_sections: int = 0  # sections with text the model wrote that passed the checks
    contradiction_left: bool = False  # a kept Risk text says "no risk" beside a disclosure


def _left_in(draft: NoteDraft, template: Template, transcript: str) -> tuple[int, bool]:
    """What the checks would still find in the saved draft's model sections: echoed
    instructions, and a Risk section denying a disclosure (both should be 0)."""
    if draft.engine == "rules":
        return 0, False
    kept = {k: v for k, v in draft.sections.items() if k not in draft.rule_sections}
    instructions = "\n".join(m.content for m in note_chat_messages(template, " "))
    found = check_sections(template, kept, transcript=transcript, instructions=instructions)
    echoes = sum(p.code == "echo" and p.key in kept for p in found)
    disclosed = any(flag.status == "disclosed" for flag in draft.risk_flags)
    risk = draft.sections.get(template.risk_key, "")
    return echoes, disclosed and says_no_risk(risk)


def _as_written(draft: NoteDraft, template: Template) -> str:
    """The model's note as it wrote it (headings, then each section's text), before any
    check replaced a section; empty when no model answered."""
    return "\n\n".join(
        f"{spec.title}:\n{draft.model_text[spec.key]}"
        for spec in template.sections
        if not spec.is_risk and draft.model_text.get(spec.key, "").strip()
    )


def _model_sections(draft: NoteDraft, template: Template) -> int:
    """How many sections of the saved draft the model wrote, with something to say."""
    if draft.engine == "rules" or draft.degraded:
        return 0
    return sum(
        1
        for key, text in draft.sections.items()
        if key != template.risk_key and key not in draft.rule_sections and not says_nothing(text)
    )


@dataclass
class NoteEvalReport:
    set_name: str
    template: str
    engine: str = ""
    model_name: str = ""
    notes: list[NoteScore] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows that could not be imported
    draft: TextScores | None = None
    transcript: TextScores | None = None
    model_written: TextScores | None = None  # the model's text before checks (none: "")
    coverage: float = 0.0
    risk_recall: float | None = None

    def as_dict(self) -> dict[str, Any]:
        seconds = [n.seconds for n in self.notes]
        return {
            "set": self.set_name,
            "template": self.template,
            "engine": self.engine,
            "model": self.model_name,
            "notes": len(self.notes),
            "skipped_rows": self.skipped,
            "draft": self.draft.as_dict() if self.draft else None,
            "transcript_as_note": self.transcript.as_dict() if self.transcript else None,
            "model_as_written": self.model_written.as_dict() if self.model_written else None,
            "section_coverage": round(self.coverage, 3),
            "risk_marker_recall": None if self.risk_recall is None else round(self.risk_recall, 3),
            "words": summary_of([n.words for n in self.notes]),
            "reference_words": summary_of([n.reference_words for n in self.notes]),
            "seconds_per_note": summary_of(seconds),
            # a model's answer that could not be used (a rule engine's drafts are rules)
            "degraded": sum(n.degraded and n.engine != "rules" for n in self.notes),
            "rule_sections": sum(n.rule_sections for n in self.notes),
            "model_sections": sum(n.model_sections for n in self.notes),
            "replaced_for": dict(Counter(code for n in self.notes for code in n.replaced_for)),
            "echoes_left": sum(n.echo_left for n in self.notes),
            "risk_contradictions_left": sum(n.contradiction_left for n in self.notes),
            "per_note": [vars(n) for n in self.notes],
        }


DraftOne = Callable[[NoteDrafting], NoteDraft]
Progress = Callable[[int, int, NoteScore | None], None]


def evaluate_notes(
    rows: Sequence[EvalRow],
    template: Template,
    inference: InferenceSettings,
    draft_one: DraftOne,
    *,
    set_name: str = "",
    risk_net: RiskNet | None = None,
    on_progress: Progress | None = None,
) -> NoteEvalReport:
    """Draft every row's note with ``draft_one`` (which runs a ``NoteDrafting`` as the
    front end runs it: same job, same time limit) and score the drafts and the
    transcripts against the references."""
    report = NoteEvalReport(set_name, template.name)
    drafts: list[NoteDraft] = []
    scored: list[EvalRow] = []
    for done, row in enumerate(rows):
        if on_progress:
            on_progress(done, len(rows), None)
        try:
            transcript = parse_transcript(row.transcript.encode("utf-8"), filename="row.txt")
        except TranscriptError:
            report.skipped.append(row.number)
            continue
        request = NoteRequest(None, template, transcript.as_text())
        draft = draft_one(NoteDrafting(request, inference, risk_net=risk_net or RiskNet()))
        drafts.append(draft)
        scored.append(row)
        echo_left, contradiction_left = _left_in(draft, template, request.transcript)
        score = NoteScore(
            row=row.number,
            seconds=round(draft.inference_time_s, 3),
            words=words(note_body(draft.text)),
            reference_words=words(row.reference),
            degraded=draft.degraded,
            engine=draft.engine,
            rule_sections=len(draft.rule_sections),
            replaced_for=tuple(p.code for p in draft.section_problems if p.code != "empty"),
            echo_left=echo_left,
            contradiction_left=contradiction_left,
            model_sections=_model_sections(draft, template),
        )
        report.notes.append(score)
        report.engine, report.model_name = draft.engine, draft.model_name
        if on_progress:
            on_progress(done + 1, len(rows), score)
    if not drafts:
        raise EvalSetError(f"No row of {set_name or 'the set'} could be read as a transcript.")
    references = [row.reference for row in scored]
    report.draft = score_texts([note_body(d.text) for d in drafts], references)
    report.transcript = score_texts([row.transcript for row in scored], references)
    report.model_written = score_texts([_as_written(d, template) for d in drafts], references)
    report.coverage = sum(section_coverage(d.sections) for d in drafts) / len(drafts)
    report.risk_recall = risk_marker_recall(
        [d.risk_flags for d in drafts], [d.sections.get(template.risk_key, "") for d in drafts]
    )
    return report


def progress_line(done: int, total: int, seconds: Sequence[float]) -> str:
    """``[#######.............] 7/20  12.3 s/note  about 2.7 min left``."""
    width = 20
    filled = width * done // max(total, 1)
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
    if seconds:
        mean = sum(seconds) / len(seconds)
        left = mean * (total - done)
        line += f"  {mean:.1f} s/note"
        if done < total:
            line += (
                f"  about {left / 60:.1f} min left" if left >= 90 else f"  about {left:.0f} s left"
            )
    return line
