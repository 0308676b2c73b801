"""Exporting a note: the document with its metadata (patient, session, template, version,
provenance, who drafted it), written by one of the exporters, and audited.

The formats are the registry's (``app.exporters.EXPORTERS``, format name -> exporter), so
the window and the command line offer the same ones, with the same metadata; a new
format is one module there. Exported files are not encrypted: every front end says so
(``EXPORT_NOT_ENCRYPTED``).
"""

from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from app.usecases.notes import version_id
from app.usecases.transaction import record_event
from core.notes.export import EXPORT_NOT_ENCRYPTED, ExportDocument, to_plain_text
from core.notes.templates import BUILTIN_TEMPLATES
from core.store.errors import StoreError
from core.store.notes import get_note_version, note_history
from core.store.patients import get_patient
from core.store.sessions import get_session

__all__ = [
    "EXPORT_NOT_ENCRYPTED",
    "ExportDocument",
    "Exporter",
    "copy_as_plain_text",
    "export_note",
    "load_export",
]


class Exporter(Protocol):
    """Writes a note document as one file format."""

    @property
    def name(self) -> str:
        """The format's short name: ``--format`` on the command line, the audit detail."""
        ...

    @property
    def label(self) -> str:
        """The format as people call it ("Word (DOCX)")."""
        ...

    @property
    def suffix(self) -> str:
        """The file name ending, without the dot."""
        ...

    def write(self, path: Path, doc: ExportDocument) -> Path:
        """Write ``doc`` to ``path`` atomically (nothing half-written); ``ExportError``
        when it cannot be written. Returns the path written."""
        ...


def load_export(db: Database, session_id: int, number: int | None = None) -> ExportDocument:
    """The session's current note, or its version ``number`` (1 is the oldest), with the
    metadata every export carries."""
    session = get_session(db, session_id)
    history = note_history(db, session_id)
    if not history:
        raise StoreError(f"Session {session_id} has no note to export.")
    version = (
        history[-1] if number is None else get_note_version(db, version_id(db, session_id, number))
    )
    template = BUILTIN_TEMPLATES.get(version.template)
    drafted_by = None
    if version.is_ai_generated or version.edited_from_ai:
        drafted_by = " ".join(
            p for p in (version.engine, version.model_name, version.generated_at) if p
        )
    return ExportDocument(
        patient_name=get_patient(db, session.patient_id).display_name,
        session_number=session.session_number,
        session_date=session.session_date,
        template_title=template.title if template else version.template,
        version_number=[v.id for v in history].index(version.id) + 1,
        version_count=len(history),
        provenance=version.provenance,
        drafted_by=drafted_by,
        content=version.content,
    )


def export_note(
    db: Database, session_id: int, exporter: Exporter, path: Path, *, number: int | None = None
) -> Path:
    """Write the session's note (or version ``number``) with ``exporter``; audited once
    the file is complete."""
    written = exporter.write(path, load_export(db, session_id, number))
    record_event(db, "export", "session", session_id, detail=f"format={exporter.name}")
    return written


def copy_as_plain_text(db: Database, session_id: int) -> str:
    """The current note as plain text for pasting into a health record (audited as an
    export to the clipboard)."""
    text = to_plain_text(load_export(db, session_id))
    record_event(db, "export", "session", session_id, detail="format=clipboard")
    return text
