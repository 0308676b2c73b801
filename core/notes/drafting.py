"""Drafting notes and patient summaries with an engine: no database here.

Threading contract: ``draft_note`` and ``draft_summary`` use only the engine, on the
thread that owns it (the inference thread); reading what to draft and saving the draft
are the use cases' (``app.usecases``), on the database's thread.

Every engine's answer goes through the same finishing: sections cleaned ("Not
discussed" for an empty one), list styles applied, capped at each section's word limit,
the risk safety net applied to the Risk section, and urgent risk words marked
``{{RED:...}}`` everywhere. Private notes of a session are never sent to any engine.
"""

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.llm.engine import Engine
from core.llm.tasks import StructuredTask
from core.llm.types import (
    CancelToken,
    EngineError,
    GenerationCancelled,
    GenerationResult,
    TokenSink,
)
from core.notes.answer_checks import SectionProblem
from core.notes.chunking import split_transcript
from core.notes.model_note import ModelAnswer, check_answer, model_free_keys, write_note
from core.notes.render import cap_words, render_note, styled, word_count
from core.notes.risk import RiskFlag, apply_risk_safety_net, mark_urgent_words
from core.notes.risk_net import RiskNet
from core.notes.rules_note import rule_note_sections
from core.notes.summary_risks import with_current_risks
from core.notes.tasks import SessionsSummaryTask
from core.notes.templates import NOT_DISCUSSED, Template

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHUNK_CHARS = 100_000
TOKENS_PER_WORD = 1.3
SECTION_OVERHEAD_TOKENS = 25  # the heading and spacing around a section's text


def note_answer_tokens(template: Template) -> int:
    """The most tokens one answer of a note of ``template`` may have: each section's word
    cap in tokens (220 for a 150-word section, with its heading)."""
    return sum(
        int(spec.max_words * TOKENS_PER_WORD) + SECTION_OVERHEAD_TOKENS
        for spec in template.sections
    )


@dataclass(frozen=True)
class NoteDraft:
    """A finished draft, before it is saved."""

    template: str
    sections: dict[str, str]
    text: str
    risk_flags: tuple[RiskFlag, ...]
    word_count: int
    engine: str
    model_name: str
    degraded: bool
    inference_time_s: float
    parts: int = 1  # more than one: a long transcript, drafted part by part
    repairs: tuple[str, ...] = ()
    # Sections the rules drafted in place of a model's unusable text (keys), and why.
    rule_sections: tuple[str, ...] = ()
    section_problems: tuple[SectionProblem, ...] = ()
    # The model's sections as it wrote them, before any check (empty when no model
    # answered): what evaluation scores as the model's own note. Never shown or saved.
    model_text: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class PatientSummary:
    patient_id: int
    summary: str
    key_points: list[str]
    session_count: int
    total_text_length: int
    inference_time_s: float
    engine: str
    degraded: bool
    parts: int = 1
    repairs: tuple[str, ...] = field(default=())


def _finish_sections(
    template: Template, raw: Mapping[str, Any], flags: tuple[RiskFlag, ...]
) -> dict[str, str]:
    sections = {}
    for spec in template.sections:
        value = raw.get(spec.key)
        text = " ".join(value.split()) if spec.style != "list" and isinstance(value, str) else ""
        if spec.style == "list" and isinstance(value, str):
            text = value.strip()
        text = styled(text, spec.style) or NOT_DISCUSSED
        if spec.is_risk:
            # The safety net may add quotes beyond the cap: risk is never cut short.
            text = apply_risk_safety_net(cap_words(text, spec.max_words), flags)
        else:
            text = mark_urgent_words(cap_words(text, spec.max_words))
        sections[spec.key] = text
    return sections


def _notices(
    template: Template, engine: str, fallback: str | None, problems: Sequence[SectionProblem]
) -> list[str]:
    if engine == "rules":
        return ["Rule-based draft (no language model): sentences taken from the transcript."]
    if fallback is not None:
        return [f"Rule-based draft: {fallback}."]
    titles = {spec.key: spec.title for spec in template.sections}
    if not problems:
        return []
    listed = "; ".join(f"{titles[p.key]} ({p.reason})" for p in problems)
    return [f"Drafted by the rules instead of the model, after checking its text: {listed}."]


@dataclass(frozen=True)
class ModelOutcome:
    """What became of the model's part of a draft: its answer, or why there is none."""

    engine: str  # the engine's name: "rules" drafted with no model at all
    model_name: str
    answer: ModelAnswer | None = None
    stopped: str | None = None  # why the model gave no answer (a timeout, a failure)
    parts: int = 1


def draft_note(
    engine: Engine,
    template: Template,
    transcript: str,
    *,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    max_answer_tokens: int | None = None,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
    risk_net: RiskNet | None = None,
) -> NoteDraft:
    """Draft a note from a transcript: a clinician always gets one. Uses no database;
    runs on the engine's thread.

    A model writes the note as headed text (a long transcript part by part); the rest is
    ``assemble_draft``. A timeout, cancellation or failure of the model gives the rule
    draft, labelled so. The Risk section gets every flag of ``risk_net`` (default: the
    lexicon alone)."""
    started = time.perf_counter()
    flags = tuple((risk_net or RiskNet()).flags(transcript))
    outcome = ModelOutcome(engine.name, engine.info().model_name)
    if engine.name != "rules":
        pieces = split_transcript(transcript, max_chunk_chars)
        budget = note_answer_tokens(template)
        if max_answer_tokens:
            budget = min(budget, max_answer_tokens)
        try:
            answer = write_note(
                engine, template, pieces, max_tokens=budget, on_token=on_token, cancel=cancel
            )
        except GenerationCancelled as stopped:
            reason = _STOPPED.get(stopped.reason, _STOPPED["cancelled"])
            outcome = replace(outcome, stopped=reason, parts=len(pieces))
        except EngineError:
            logger.warning("notes.model_failed", exc_info=False)
            outcome = replace(outcome, stopped=_STOPPED["failed"], parts=len(pieces))
        else:
            outcome = replace(outcome, answer=answer, parts=len(pieces))
    return assemble_draft(template, transcript, flags, outcome, started=started)


def assemble_draft(
    template: Template,
    transcript: str,
    flags: tuple[RiskFlag, ...],
    outcome: ModelOutcome,
    *,
    started: float | None = None,
) -> NoteDraft:
    """The draft a clinician sees, whatever the model did. The rules draft every section;
    each of the model's sections that passes the checks (``core.notes.answer_checks``)
    takes the rule section's place, and the notice names every section the rules kept
    and why. Then each section is capped, the Risk section gets the safety net, and risk
    words are marked. Pure: no engine, no database."""
    rules = rule_note_sections(transcript, template.sections, flags)
    chosen, problems, fallback = dict(rules), [], outcome.stopped
    if outcome.answer is not None:
        checked = check_answer(template, outcome.answer, rules, transcript=transcript, flags=flags)
        chosen, problems, fallback = checked.sections, checked.problems, checked.fallback
    model_used = outcome.engine != "rules"
    degraded = fallback is not None or not model_used
    sections = _finish_sections(template, chosen, flags)
    notices = _notices(template, outcome.engine, fallback, problems)
    if outcome.parts > 1:
        notices.append(
            f"Built from a long transcript in {outcome.parts} parts; check it against the "
            "transcript."
        )
    rule_keys = (
        model_free_keys(template)
        if fallback is not None
        else tuple(p.key for p in problems if p.key in model_free_keys(template))
    )
    return NoteDraft(
        template=template.name,
        sections=sections,
        text=render_note(template, sections, notices=notices),
        risk_flags=flags,
        word_count=sum(word_count(s) for s in sections.values()),
        engine=outcome.engine,
        model_name=outcome.model_name,
        degraded=degraded,
        inference_time_s=0.0 if started is None else time.perf_counter() - started,
        parts=outcome.parts,
        rule_sections=rule_keys if model_used else (),
        section_problems=tuple(problems),
        model_text=dict(outcome.answer.sections) if outcome.answer is not None else {},
    )


_STOPPED = {
    "timeout": "the language model did not finish within the time limit",
    "cancelled": "the language model's draft was cancelled",
    "failed": "the language model failed while writing",
}


# --- summaries ---------------------------------------------------------------------------


def _map_then_reduce(
    engine: Engine,
    parts: list[str],
    part_task: Callable[[str], StructuredTask],
    merge_task: Callable[[list[dict[str, Any]]], StructuredTask],
    *,
    max_tokens: int | None = None,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
) -> list[GenerationResult]:
    """One answer per part and, for several parts, one more that merges theirs: the last
    result is the final answer, and only it streams tokens."""
    if len(parts) == 1:
        task = part_task(parts[0])
        return [engine.structured(task, max_tokens=max_tokens, on_token=on_token, cancel=cancel)]
    results = [
        engine.structured(part_task(part), max_tokens=max_tokens, cancel=cancel) for part in parts
    ]
    merged = merge_task([result.obj or {} for result in results])
    results.append(
        engine.structured(merged, max_tokens=max_tokens, on_token=on_token, cancel=cancel)
    )
    return results


def _all_repairs(results: list[GenerationResult]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(repair for result in results for repair in result.repairs))


@dataclass(frozen=True)
class SummaryRequest:
    patient_id: int
    text: str  # every session's transcript, oldest first, each under its own header
    session_count: int
    # the newest session's disclosures as key points (core.notes.summary_risks): added
    # after the model's answer, whatever it says
    current_risks: tuple[str, ...] = ()


def _summary_of_summaries(partials: list[dict[str, Any]]) -> SessionsSummaryTask:
    return SessionsSummaryTask("\n".join(str(p.get("summary", "")) for p in partials))


def draft_summary(
    engine: Engine,
    request: SummaryRequest,
    *,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    cancel: CancelToken | None = None,
) -> PatientSummary:
    """One summary over all sessions (in parts when long, then merged). Engine thread."""
    started = time.perf_counter()
    parts = split_transcript(request.text, max_chunk_chars)
    results = _map_then_reduce(
        engine,
        parts,
        SessionsSummaryTask,
        _summary_of_summaries,
        cancel=cancel,
    )
    final = results[-1].obj or {}
    return PatientSummary(
        patient_id=request.patient_id,
        summary=mark_urgent_words(str(final.get("summary", ""))),
        key_points=with_current_risks(
            [mark_urgent_words(str(p)) for p in final.get("key_points", [])],
            request.current_risks,
        ),
        session_count=request.session_count,
        total_text_length=len(request.text),
        inference_time_s=time.perf_counter() - started,
        engine=results[-1].engine,
        degraded=any(r.degraded for r in results),
        parts=len(parts),
        repairs=_all_repairs(results),
    )
