"""A session's note: prepare a draft, save it as an AI version, save a clinician's edit,
restore an old version, show the history and the differences.

Every version is kept; each save and its audit entry are one transaction. Provenance is
decided by what is saved, never by which save happens to succeed: ``save_draft`` stores
an engine's draft as AI-generated, ``save_edit`` stores a person's text as an edit.
Database thread only; drafting itself is ``core.notes.drafting`` on the engine's thread.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from app.usecases.templates import get_template
from app.usecases.transaction import audited
from core.llm.engine import Engine
from core.llm.types import CancelToken, TokenSink
from core.notes.drafting import DEFAULT_MAX_CHUNK_CHARS, NoteDraft, draft_note
from core.notes.templates import BUILTIN_TEMPLATES, Template
from core.notes.transcript import read_transcript_file
from core.store import notes as store
from core.store.errors import StoreError
from core.store.notes import CurrentNote, NoteVersion
from core.store.sessions import get_session

__all__ = [
    "CurrentNote",
    "NoteDraft",
    "NoteExistsError",
    "NoteRequest",
    "NoteResult",
    "NoteVersion",
    "current_note",
    "generate_note",
    "note_diff",
    "note_history",
    "prepare_note",
    "prepare_transcript_note",
    "restore_note_version",
    "save_draft",
    "save_edit",
    "show_note",
    "template_named",
    "version_id",
]


class NoteExistsError(StoreError):
    """The session has a note and regenerating was not asked for; nothing was changed."""


@dataclass(frozen=True)
class NoteRequest:
    """What to draft: a template and a transcript, of a stored session or of a file."""

    session_id: int | None  # None: a transcript file, drafted without being stored
    template: Template
    transcript: str
    replaces_note: bool = False  # the session has a note that this draft would follow


@dataclass(frozen=True)
class NoteResult:
    draft: NoteDraft
    version: NoteVersion


def prepare_note(
    db: Database, session_id: int, template_name: str = "default", *, regenerate: bool = False
) -> NoteRequest:
    """Check the session can get a note now. Refuses (``NoteExistsError``) to replace an
    existing note unless ``regenerate``; a regenerated note is a new version, the old
    one stays in the history."""
    session = get_session(db, session_id)
    template = get_template(db, template_name)
    existing = store.current_note(db, session_id)
    if existing is not None and not regenerate:
        raise NoteExistsError(
            f"Session {session_id} already has a note (version {existing.version_count}). "
            "Regenerate to draft a new one; the current note stays in the history."
        )
    if not session.transcript.strip():
        raise StoreError(f"Session {session_id} has no transcript to draft a note from.")
    return NoteRequest(session_id, template, session.transcript, existing is not None)


def prepare_transcript_note(
    path: Path, template_name: str, open_db: Callable[[], Database]
) -> NoteRequest:
    """A note of a transcript file that is not stored (see ``template_named``)."""
    return NoteRequest(
        None, template_named(template_name, open_db), read_transcript_file(path).as_text()
    )


def template_named(template_name: str, open_db: Callable[[], Database]) -> Template:
    """A template by name. A built-in one needs no database: ``open_db`` is called only
    for the user's own template."""
    template = BUILTIN_TEMPLATES.get(template_name.strip().lower())
    return template if template is not None else get_template(open_db(), template_name)


def save_draft(db: Database, session_id: int, draft: NoteDraft) -> NoteResult:
    """Store an engine's draft as the session's new AI-generated version."""
    with audited(db, "The draft") as tx:
        version = store.save_note_version(
            db,
            session_id,
            draft.text,
            template=draft.template,
            is_ai_generated=True,
            sections=draft.sections,
            engine=draft.engine,
            model_name=draft.model_name,
            inference_time_s=round(draft.inference_time_s, 3),
        )
        tx.record(
            "generate",
            "note_version",
            version.id,
            detail=f"session={session_id} engine={draft.engine}",
        )
    return NoteResult(draft, version)


def save_edit(db: Database, session_id: int, text: str) -> NoteVersion | None:
    """Save a person's text as a new version; None when it equals the current one.

    ``edited_from_ai`` is true when the text descends from an AI draft (the previous
    version was one, or was itself edited from one) and differs from it.
    """
    current = store.current_note(db, session_id)
    if current is not None and current.version.content == text:
        return None
    with audited(db, "Your edit") as tx:
        current = store.current_note(db, session_id)  # again, in the transaction
        previous = current.version if current is not None else None
        from_ai = previous is not None and (previous.is_ai_generated or previous.edited_from_ai)
        version = store.save_note_version(
            db,
            session_id,
            text,
            template=previous.template if previous is not None else "default",
            is_ai_generated=False,
            edited_from_ai=from_ai,
        )
        tx.record("edit", "note_version", version.id)
    return version


def restore_note_version(db: Database, version_id: int) -> NoteVersion:
    """Make an old version current again, as a new version (history is never rewritten).
    The copy keeps the old version's provenance: an AI draft restored word for word is
    still unedited AI text, and the review badges must say so."""
    with audited(db, "The restored version") as tx:
        old = store.get_note_version(db, version_id)
        version = store.save_note_version(
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
        tx.record("restore", "note_version", version.id)
    return version


def note_history(db: Database, session_id: int) -> list[NoteVersion]:
    """Every version of the session's note, oldest first (version 1 first)."""
    return store.note_history(db, session_id)


def version_id(db: Database, session_id: int, number: int) -> int:
    """The id of the session's version ``number`` (1 is the oldest)."""
    versions = store.note_history(db, session_id)
    if not 1 <= number <= len(versions):
        raise StoreError(f"Session {session_id} has versions 1 to {len(versions)}, not {number}.")
    return versions[number - 1].id


def note_diff(db: Database, version_a: int, version_b: int) -> str:
    """A unified diff from one version's text to another's (of the same session)."""
    a, b = store.get_note_version(db, version_a), store.get_note_version(db, version_b)
    if a.session_id != b.session_id:
        raise StoreError(f"Versions {version_a} and {version_b} belong to different sessions.")
    lines = difflib.unified_diff(
        a.content.splitlines(keepends=True),
        b.content.splitlines(keepends=True),
        fromfile=f"version {version_a}",
        tofile=f"version {version_b}",
    )
    return "".join(lines)


def current_note(db: Database, session_id: int) -> CurrentNote | None:
    """The session's newest version with its review metadata, or None without a note."""
    return store.current_note(db, session_id)


def show_note(db: Database, session_id: int) -> CurrentNote:
    """The current note a person reads (recorded in the audit trail)."""
    with audited(db, "The audit entry") as tx:
        note = store.current_note(db, session_id)
        if note is None:
            raise StoreError(
                f"Session {session_id} has no note yet; draft one with "
                f"`notes generate --session {session_id}`."
            )
        tx.record("view", "note_version", note.version.id)
    return note


def generate_note(
    db: Database,
    engine: Engine,
    session_id: int,
    template_name: str = "default",
    *,
    regenerate: bool = False,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    max_answer_tokens: int | None = None,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
) -> NoteResult:
    """Prepare, draft and save in one thread (the demo data, tests); the front ends draft
    on their inference thread instead (``app.usecases.drafting``)."""
    request = prepare_note(db, session_id, template_name, regenerate=regenerate)
    draft = draft_note(
        engine,
        request.template,
        request.transcript,
        max_chunk_chars=max_chunk_chars,
        max_answer_tokens=max_answer_tokens,
        on_token=on_token,
        cancel=cancel,
    )
    return save_draft(db, session_id, draft)
