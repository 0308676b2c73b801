"""Drafting a note or a patient summary on the inference thread, for both front ends.

A drafting is prepared from the store on the database's thread (``start_note``,
``start_summary``), runs as one job on the thread that owns the engine (``run``: engine
only, no database), and its result is saved back on the database's thread (``save``,
``finish``). The window submits ``job()`` to its inference worker, the command line to a
queue served by a plain thread: the same work, the same time limit, the same save.

The time limit: ``inference.timeout_s`` is the time allowed for an answer of
``inference.max_tokens`` tokens, counted from when the job starts to run; the window and
the command line use the same limit. A note is one answer of at most ``max_tokens`` per
part of the transcript (a long one is drafted in parts), so it may take ``timeout_s`` per
part; when the time is up the note is the rule draft, labelled so. A summary may generate
more: one answer per part and one more to merge them, and the structured-output policy
may try an answer again with twice the budget; it may take ``timeout_s`` for every
``max_tokens`` tokens it may generate.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from app.engines import transcript_part_chars
from app.settings import InferenceSettings
from app.usecases.notes import NoteRequest, NoteResult, prepare_note, save_draft
from app.usecases.summaries import SummaryRequest, prepare_summary, record_summary
from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, Priority
from core.llm.structured_policy import ATTEMPT_BUDGETS
from core.llm.types import GenerationCancelled
from core.notes.chunking import split_transcript
from core.notes.drafting import NoteDraft, PatientSummary, draft_note, draft_summary
from core.notes.model_note import model_free_keys
from core.notes.risk_net import RiskNet
from core.store.errors import StoreError

__all__ = [
    "PROMPT_STAGE",
    "TIMED_OUT_STAGE",
    "NoteDrafting",
    "SummaryDrafting",
    "drafting_timeout_s",
    "note_timeout_s",
    "start_note",
    "start_summary",
    "writing_status",
]

PROMPT_STAGE = "prompt"  # progress while the model reads the transcript, before a token
# Reported once, just before the result, when the time was up and the rules drafted.
TIMED_OUT_STAGE = "timed_out"
RULE_ENGINE = "rules"


def drafting_timeout_s(
    inference: InferenceSettings, text: str, answer_tokens: int | None = None
) -> float:
    """How long drafting from ``text`` may take (see the module docstring), for answers
    of at most ``answer_tokens`` tokens (None: ``max_tokens``). The parts are counted as
    the local model would cut them, the smallest parts there are."""
    parts = len(split_transcript(text, transcript_part_chars(inference, "local")))
    answers = parts + (1 if parts > 1 else 0)
    tokens = answers * ATTEMPT_BUDGETS * (answer_tokens or inference.max_tokens)
    return inference.timeout_s * max(1.0, tokens / inference.max_tokens)


def note_timeout_s(inference: InferenceSettings, text: str) -> float:
    """How long drafting a note from ``text`` may take: ``timeout_s`` per part."""
    parts = len(split_transcript(text, transcript_part_chars(inference, "local")))
    return inference.timeout_s * parts


def writing_status(tokens: int, seconds: float, budget: int, elapsed_s: float = 0.0) -> str:
    """What the window shows while a model writes: ``"Writing… 120 tokens, 58 tokens/s,
    about 7 s left at most · 9 s so far"`` (the answer stops at ``budget`` tokens, or
    sooner; the time so far counts from the start of the drafting, when given)."""
    text = f"Writing… {tokens} token{'' if tokens == 1 else 's'}"
    if tokens > 1 and seconds > 0:
        rate = (tokens - 1) / seconds
        left = max(budget - tokens, 0) / rate if rate > 0 else 0.0
        text += f", {rate:.0f} tokens/s, about {left:.0f} s left at most"
    if elapsed_s >= 1.0:
        text += f" · {elapsed_s:.0f} s so far"
    return text


def rule_written(draft: NoteDraft, template_keys: tuple[str, ...]) -> NoteDraft:
    """The draft as it is labelled: one whose every model section the rules wrote (the
    model timed out, failed, or its text was set aside) is a rule draft, whatever engine
    was asked; the model's name stays with it."""
    if draft.engine == RULE_ENGINE or not draft.degraded:
        return draft
    if template_keys and set(template_keys) <= set(draft.rule_sections):
        return replace(draft, engine=RULE_ENGINE)
    return draft


def _context(engine: Engine) -> int | None:
    """The context a local engine was opened with (it may be the model's own, smaller
    than the setting)."""
    n_ctx = engine.info().details.get("n_ctx")
    return n_ctx if isinstance(n_ctx, int) else None


def _interactive_job(kind: str, run: Callable[[Engine, JobContext], Any], timeout_s: float) -> Job:
    """A job a clinician waits for: before operating-room updates and batch work."""
    return Job(kind=kind, priority=Priority.INTERACTIVE, run=run, timeout_s=timeout_s)


@dataclass(frozen=True)
class NoteDrafting:
    """One note to draft: ``run`` on the engine's thread, then ``save`` its draft."""

    request: NoteRequest
    inference: InferenceSettings
    kind: str = "note"
    risk_net: RiskNet = field(default_factory=RiskNet)

    @property
    def timeout_s(self) -> float:
        return note_timeout_s(self.inference, self.request.transcript)

    def run(self, engine: Engine, ctx: JobContext) -> NoteDraft:
        """Draft with ``engine``, streaming tokens; the engine's thread, no database.
        A timeout or a failure gives the rule draft; so does a cancel of a first note,
        but a cancelled regeneration leaves the session's note as it was. A timeout is
        reported (``TIMED_OUT_STAGE``) just before the rule draft is returned."""
        ctx.emit_progress(PROMPT_STAGE)
        draft = draft_note(
            engine,
            self.request.template,
            self.request.transcript,
            max_chunk_chars=transcript_part_chars(self.inference, engine.name, _context(engine)),
            max_answer_tokens=self.inference.max_tokens,
            on_token=ctx.emit_token,
            cancel=ctx.cancel,
            risk_net=self.risk_net,
        )
        if self.request.replaces_note and ctx.cancel.reason == "cancelled":
            raise GenerationCancelled("cancelled")
        if ctx.cancel.reason == "timeout":
            ctx.emit_progress(TIMED_OUT_STAGE)
        return draft

    def job(self) -> Job:
        return _interactive_job(self.kind, self.run, self.timeout_s)

    def save(self, db: Database, draft: NoteDraft) -> NoteResult:
        """Store the draft as the session's new AI version (database thread), labelled
        by who wrote its text (``rule_written``)."""
        if self.request.session_id is None:
            raise StoreError("A draft of a transcript file is not stored.")
        keys = model_free_keys(self.request.template)
        return save_draft(db, self.request.session_id, rule_written(draft, keys))


@dataclass(frozen=True)
class SummaryDrafting:
    """One patient summary to draft over all sessions: ``run``, then ``finish``."""

    request: SummaryRequest
    inference: InferenceSettings
    kind: str = "summary"

    @property
    def timeout_s(self) -> float:
        return drafting_timeout_s(self.inference, self.request.text)

    def run(self, engine: Engine, ctx: JobContext) -> PatientSummary:
        ctx.emit_progress(PROMPT_STAGE)
        chunk = transcript_part_chars(self.inference, engine.name)
        return draft_summary(engine, self.request, max_chunk_chars=chunk, cancel=ctx.cancel)

    def job(self) -> Job:
        return _interactive_job(self.kind, self.run, self.timeout_s)

    def finish(self, db: Database, summary: PatientSummary) -> PatientSummary:
        """Record that the summary was made (the summary itself is not stored)."""
        record_summary(db, summary)
        return summary


def start_note(
    db: Database,
    session_id: int,
    template: str,
    inference: InferenceSettings,
    *,
    regenerate: bool = False,
    risk_net: RiskNet | None = None,
) -> NoteDrafting:
    """Prepare a session's note (raises ``NoteExistsError``, ``StoreError``,
    ``TemplateError`` before anything runs); its Risk section gets every flag of
    ``risk_net`` (default: the lexicon alone)."""
    request = prepare_note(db, session_id, template, regenerate=regenerate)
    return NoteDrafting(request, inference, risk_net=risk_net or RiskNet())


def start_summary(db: Database, patient_id: int, inference: InferenceSettings) -> SummaryDrafting:
    return SummaryDrafting(prepare_summary(db, patient_id), inference)
