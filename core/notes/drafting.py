"""Drafting notes and patient summaries with an engine: no database here.

Threading contract: ``draft_note`` and ``draft_summary`` use only the engine, on the
thread that owns it (the inference thread); reading what to draft and saving the draft
are the use cases' (``app.usecases``), on the database's thread.

Every engine's answer goes through the same finishing: sections cleaned ("Not
discussed" for an empty one), list styles applied, capped at each section's word limit,
the risk safety net applied to the Risk section, and urgent risk words marked
``{{RED:...}}`` everywhere. Private notes of a session are never sent to any engine.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.llm.engine import Engine
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, GenerationResult, TokenSink
from core.notes.chunking import split_transcript
from core.notes.render import cap_words, render_note, styled, word_count
from core.notes.risk import RiskFlag, apply_risk_safety_net, mark_urgent_words
from core.notes.risk_net import RiskNet
from core.notes.tasks import MergedNoteTask, NoteSectionsTask, SessionsSummaryTask
from core.notes.templates import NOT_DISCUSSED, Template

DEFAULT_MAX_CHUNK_CHARS = 100_000
TOKENS_PER_WORD = 1.3
SECTION_OVERHEAD_TOKENS = 25  # the JSON around a section's text


def note_answer_tokens(template: Template) -> int:
    """The most tokens one answer of a note of ``template`` may have: each section's word
    cap in tokens (220 for a 150-word section), and the JSON around it."""
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
    parts: int = 1  # more than one: built from a long transcript, map then reduce
    repairs: tuple[str, ...] = ()
    # Sections the rules drafted in place of a model's unusable text (keys), and why.
    rule_sections: tuple[str, ...] = ()


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


def _notices(engine: str, degraded: bool, parts: int) -> list[str]:
    notices = []
    if engine == "rules":
        notices.append("Rule-based draft (no language model): sentences taken from the transcript.")
    elif degraded:
        notices.append("Rule-based draft: the language model's answer could not be used.")
    if parts > 1:
        notices.append(
            f"Built from a long transcript in {parts} parts; check it against the transcript."
        )
    return notices


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


def draft_note(
    engine: Engine,
    template: Template,
    transcript: str,
    *,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
    risk_net: RiskNet | None = None,
) -> NoteDraft:
    """Draft a note from a transcript with ``engine`` (a long transcript: each part,
    then a merge). Uses no database; runs on the engine's thread. The Risk section gets
    every flag of ``risk_net`` (default: the lexicon alone)."""
    started = time.perf_counter()
    flags = tuple((risk_net or RiskNet()).flags(transcript))
    parts = split_transcript(transcript, max_chunk_chars)
    results = _map_then_reduce(
        engine,
        parts,
        lambda part: NoteSectionsTask(template, part),
        lambda partials: MergedNoteTask(template, partials),
        max_tokens=note_answer_tokens(template),
        on_token=on_token,
        cancel=cancel,
    )
    final = results[-1]
    degraded = any(r.degraded for r in results)
    sections = _finish_sections(template, final.obj or {}, flags)
    text = render_note(template, sections, notices=_notices(final.engine, degraded, len(parts)))
    return NoteDraft(
        template=template.name,
        sections=sections,
        text=text,
        risk_flags=flags,
        word_count=sum(word_count(s) for s in sections.values()),
        engine=final.engine,
        model_name=final.model_name,
        degraded=degraded,
        inference_time_s=time.perf_counter() - started,
        parts=len(parts),
        repairs=_all_repairs(results),
        rule_sections=_model_free_keys(template) if degraded and final.engine != "rules" else (),
    )


def _model_free_keys(template: Template) -> tuple[str, ...]:
    return tuple(spec.key for spec in template.sections if not spec.is_risk)


# --- summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRequest:
    patient_id: int
    text: str  # every session's transcript, oldest first, each under its own header
    session_count: int


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
        key_points=[mark_urgent_words(str(p)) for p in final.get("key_points", [])],
        session_count=request.session_count,
        total_text_length=len(request.text),
        inference_time_s=time.perf_counter() - started,
        engine=results[-1].engine,
        degraded=any(r.degraded for r in results),
        parts=len(parts),
        repairs=_all_repairs(results),
    )
