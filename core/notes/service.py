"""Drafting, editing and summarising notes: the notes use cases.

Threading contract: a note is drafted in three steps so that each runs where it must.
``prepare_note`` and ``save_note`` use the database (the thread that owns the
connection: the GUI thread or the CLI's); ``draft_note`` uses only the engine (the
inference thread) and touches no database. ``generate_note`` runs all three in one
thread, for the command line and tests.

Every engine's answer goes through the same finishing: sections cleaned ("Not
discussed" for an empty one), list styles applied, capped at 150 words, the risk safety
net applied to the Risk section, and urgent risk words marked ``{{RED:...}}`` everywhere.
Private notes of a session are never sent to any engine.
"""

import difflib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from core.llm.engine import Engine
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, GenerationResult, TokenSink
from core.notes.chunking import split_transcript
from core.notes.render import cap_words, render_note, styled, word_count
from core.notes.risk import RiskFlag, apply_risk_safety_net, detect_risks, mark_urgent_words
from core.notes.tasks import MergedNoteTask, NoteSectionsTask, SessionsSummaryTask
from core.notes.templates import (
    BUILTIN_TEMPLATES,
    NOT_DISCUSSED,
    WORD_CAP,
    Template,
    TemplateError,
    template_from_dict,
)
from core.store.errors import NotFoundError, StoreError
from core.store.notes import NoteVersion, current_note, get_note_version, save_note_version
from core.store.patients import get_patient
from core.store.sessions import get_session, list_sessions
from core.store.templates import get_template_definition

DEFAULT_MAX_CHUNK_CHARS = 100_000
NOTE_TOKENS_PER_SECTION = 220  # about 150 words and the JSON around them


class NoteExistsError(StoreError):
    """The session has a note and regenerating was not asked for; nothing was changed."""


@dataclass(frozen=True)
class NoteRequest:
    session_id: int
    template: Template
    transcript: str


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


@dataclass(frozen=True)
class NoteResult:
    draft: NoteDraft
    version: NoteVersion


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


def get_template(db: Database, name: str) -> Template:
    """A built-in template by name, else the user's template of that name."""
    key = name.strip().lower()
    if key in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[key]
    try:
        return template_from_dict(get_template_definition(db, key))
    except NotFoundError:
        names = ", ".join(BUILTIN_TEMPLATES)
        raise TemplateError(
            f"There is no template named {name!r}. Built in: {names}; "
            "`auralis templates list` shows yours."
        ) from None


# --- drafting ----------------------------------------------------------------------------


def prepare_note(
    db: Database, session_id: int, template_name: str = "default", *, regenerate: bool = False
) -> NoteRequest:
    """Check the session can get a note now. Refuses (``NoteExistsError``) to replace an
    existing note unless ``regenerate``; a regenerated note is a new version, the old
    one stays in the history."""
    session = get_session(db, session_id)
    template = get_template(db, template_name)
    existing = current_note(db, session_id)
    if existing is not None and not regenerate:
        raise NoteExistsError(
            f"Session {session_id} already has a note (version {existing.version_count}). "
            "Regenerate to draft a new one; the current note stays in the history."
        )
    if not session.transcript.strip():
        raise StoreError(f"Session {session_id} has no transcript to draft a note from.")
    return NoteRequest(session_id, template, session.transcript)


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
            text = apply_risk_safety_net(cap_words(text, WORD_CAP), flags)
        else:
            text = mark_urgent_words(cap_words(text, WORD_CAP))
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
) -> NoteDraft:
    """Draft a note from a transcript with ``engine`` (a long transcript: each part,
    then a merge). Uses no database; runs on the engine's thread."""
    started = time.perf_counter()
    flags = tuple(detect_risks(transcript))
    parts = split_transcript(transcript, max_chunk_chars)
    results = _map_then_reduce(
        engine,
        parts,
        lambda part: NoteSectionsTask(template, part),
        lambda partials: MergedNoteTask(template, partials),
        max_tokens=NOTE_TOKENS_PER_SECTION * len(template.sections),
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
    )


def save_note(db: Database, request: NoteRequest, draft: NoteDraft) -> NoteResult:
    """Store a draft as the session's new AI-generated version."""
    version = save_note_version(
        db,
        request.session_id,
        draft.text,
        template=draft.template,
        is_ai_generated=True,
        sections=draft.sections,
        engine=draft.engine,
        model_name=draft.model_name,
        inference_time_s=round(draft.inference_time_s, 3),
    )
    return NoteResult(draft, version)


def generate_note(
    db: Database,
    engine: Engine,
    session_id: int,
    template_name: str = "default",
    *,
    regenerate: bool = False,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
) -> NoteResult:
    """Prepare, draft and save in one thread (command line, tests)."""
    request = prepare_note(db, session_id, template_name, regenerate=regenerate)
    draft = draft_note(
        engine,
        request.template,
        request.transcript,
        max_chunk_chars=max_chunk_chars,
        on_token=on_token,
        cancel=cancel,
    )
    return save_note(db, request, draft)


# --- editing -----------------------------------------------------------------------------


def update_note(db: Database, session_id: int, text: str) -> NoteVersion | None:
    """Save the clinician's text as a new version; None when it equals the current one.

    ``edited_from_ai`` is true when the text descends from an AI draft (the previous
    version was one, or was itself edited from one) and differs from it.
    """
    current = current_note(db, session_id)
    if current is not None and current.version.content == text:
        return None
    previous = current.version if current is not None else None
    from_ai = previous is not None and (previous.is_ai_generated or previous.edited_from_ai)
    return save_note_version(
        db,
        session_id,
        text,
        template=previous.template if previous is not None else "default",
        is_ai_generated=False,
        edited_from_ai=from_ai,
    )


def restore_version(db: Database, version_id: int) -> NoteVersion:
    """Make an old version current again, as a new version (history is never rewritten).
    The copy keeps the old version's provenance: an AI draft restored word for word is
    still unedited AI text, and the review badges must say so."""
    old = get_note_version(db, version_id)
    return save_note_version(
        db,
        old.session_id,
        old.content,
        template=old.template,
        is_ai_generated=old.is_ai_generated,
        edited_from_ai=old.edited_from_ai,
        sections=old.sections,
        engine=old.engine,
        model_name=old.model_name,
        generated_at=old.generated_at,
        inference_time_s=old.inference_time_s,
    )


def note_diff(db: Database, version_a: int, version_b: int) -> str:
    """A unified diff from one version's text to another's (of the same session)."""
    a, b = get_note_version(db, version_a), get_note_version(db, version_b)
    if a.session_id != b.session_id:
        raise StoreError(f"Versions {version_a} and {version_b} belong to different sessions.")
    lines = difflib.unified_diff(
        a.content.splitlines(keepends=True),
        b.content.splitlines(keepends=True),
        fromfile=f"version {version_a}",
        tofile=f"version {version_b}",
    )
    return "".join(lines)


# --- summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRequest:
    patient_id: int
    text: str  # every session's transcript, oldest first, each under its own header
    session_count: int


def prepare_summary(db: Database, patient_id: int) -> SummaryRequest:
    """Gather a patient's transcripts (database thread). Private notes are not included."""
    get_patient(db, patient_id)
    sessions = sorted(
        list_sessions(db, patient_id), key=lambda s: (s.session_date, s.session_number)
    )
    if not sessions:
        raise StoreError(f"Patient {patient_id} has no sessions to summarise.")
    blocks = []
    for summary in sessions:
        session = get_session(db, summary.id)
        blocks.append(
            f"Session {session.session_number} ({session.session_date}):\n{session.transcript}"
        )
    return SummaryRequest(patient_id, "\n\n".join(blocks), len(sessions))


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


def summarize_sessions(
    db: Database,
    engine: Engine,
    patient_id: int,
    *,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    cancel: CancelToken | None = None,
) -> PatientSummary:
    """Prepare and draft in one thread (command line, tests)."""
    request = prepare_summary(db, patient_id)
    return draft_summary(engine, request, max_chunk_chars=max_chunk_chars, cancel=cancel)
