"""Exporting a note: the document with its metadata (patient, session, template, version,
provenance, who drafted it), written by one of the exporters, and audited.

The formats are the registry's (``app.exporters.EXPORTERS``, format name -> exporter), so
the window and the command line offer the same ones, with the same metadata; a new
format is one module there. Exported files are not encrypted: every front end says so
(``EXPORT_NOT_ENCRYPTED``).

The risk review gate: a note that no longer holds a disclosure the risk safety net found
in the transcript (``core.notes.risk_review`` has the rule) is exported only with a
clinician's reason (``RemovedRiskError`` otherwise, nothing written). The reason is the
version's metadata (``core.store.risk_confirmations``, encrypted with the database); the
audit trail records that a confirmation was given, for which version, how many
disclosures and how long the reason is, never the reason itself: it may hold patient
text, and a hash of a short text can be guessed.
"""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from app.usecases.notes import version_id
from app.usecases.transaction import audited
from core.notes.export import EXPORT_NOT_ENCRYPTED, ExportDocument, to_plain_text
from core.notes.risk_flags import RiskFlag
from core.notes.risk_net import RiskNet
from core.notes.risk_review import describe_removed, removed_disclosures
from core.notes.templates import BUILTIN_TEMPLATES
from core.store.clock import utc_now
from core.store.errors import StoreError
from core.store.notes import NoteVersion, get_note_version, note_history
from core.store.patients import get_patient
from core.store.risk_confirmations import add_confirmation
from core.store.sessions import get_session

__all__ = [
    "EXPORT_NOT_ENCRYPTED",
    "ExportDocument",
    "Exporter",
    "RemovedRiskError",
    "copy_as_plain_text",
    "export_note",
    "load_export",
    "removed_risks",
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


class RemovedRiskError(StoreError):
    """The note no longer holds disclosures the safety net found, and no reason to export
    it anyway was given; nothing was written. The message names categories and
    transcript lines, never patient text."""

    def __init__(self, session_id: int, removed: Sequence[RiskFlag]) -> None:
        self.removed = list(removed)
        count = len(self.removed)
        super().__init__(
            f"Session {session_id}'s note no longer holds {count} "
            f"disclosure{'s' if count != 1 else ''} the risk safety net found in the "
            f"transcript: {describe_removed(self.removed)}. Nothing was exported; the note "
            f"is unchanged. Put {'them' if count != 1 else 'it'} back in the Risk section, "
            "or confirm the export with your reason (command line: --confirm-removed-risk "
            '"reason").'
        )


def _version(db: Database, session_id: int, number: int | None) -> tuple[NoteVersion, list[int]]:
    history = note_history(db, session_id)
    if not history:
        raise StoreError(f"Session {session_id} has no note to export.")
    version = (
        history[-1] if number is None else get_note_version(db, version_id(db, session_id, number))
    )
    return version, [v.id for v in history]


def removed_risks(
    db: Database, session_id: int, number: int | None = None, risk_net: RiskNet | None = None
) -> list[RiskFlag]:
    """The disclosures the safety net (``risk_net``: default the built-in lexicon) finds
    in the session's transcript that its current note (or version ``number``) no longer
    holds. A read: nothing is written."""
    version, _ = _version(db, session_id, number)
    flags = (risk_net or RiskNet()).detect(get_session(db, session_id).transcript)
    return removed_disclosures(version.content, flags)


def load_export(db: Database, session_id: int, number: int | None = None) -> ExportDocument:
    """The session's current note, or its version ``number`` (1 is the oldest), with the
    metadata every export carries."""
    session = get_session(db, session_id)
    version, ids = _version(db, session_id, number)
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
        version_number=ids.index(version.id) + 1,
        version_count=len(ids),
        provenance=version.provenance,
        drafted_by=drafted_by,
        content=version.content,
        exported_at=utc_now()[:19].replace("T", " ") + " UTC",
    )


def _gate(
    db: Database,
    session_id: int,
    number: int | None,
    risk_net: RiskNet | None,
    reason: str | None,
) -> tuple[list[RiskFlag], str]:
    """The disclosures removed and the reason (stripped); ``RemovedRiskError`` when some
    are removed and no reason is given."""
    removed = removed_risks(db, session_id, number, risk_net)
    reason = (reason or "").strip()
    if removed and not reason:
        raise RemovedRiskError(session_id, removed)
    return removed, reason


def _with_review(doc: ExportDocument, removed: Sequence[RiskFlag]) -> ExportDocument:
    if not removed:
        return doc
    count = len(removed)
    said = (
        f"{count} disclosure{'s' if count != 1 else ''} the risk safety net found in the "
        f"transcript ({describe_removed(removed)}) "
        f"{'are' if count != 1 else 'is'} not in this note; the clinician confirmed the "
        "export with a reason, kept with the record."
    )
    return replace(doc, risk_review=said)


def _record_export(
    db: Database,
    session_id: int,
    number: int | None,
    detail: str,
    removed: list[RiskFlag],
    reason: str,
) -> None:
    """The export's audit entry and, when disclosures were removed, the confirmation:
    one transaction."""
    with audited(db, "The export's record") as tx:
        if removed:
            version, _ = _version(db, session_id, number)
            missing = [
                {"category": f.category, "construct": f.construct, "lines": list(f.lines)}
                for f in removed
            ]
            confirmation = add_confirmation(db, version.id, reason, missing)
            tx.record(
                "confirm_removed_risk",
                "note_version",
                version.id,
                detail=(
                    f"session={session_id} removed={len(removed)} "
                    f"confirmation={confirmation.id} reason_chars={len(reason)}"
                ),
            )
        tx.record("export", "session", session_id, detail=detail)


def export_note(
    db: Database,
    session_id: int,
    exporter: Exporter,
    path: Path,
    *,
    number: int | None = None,
    risk_net: RiskNet | None = None,
    removed_risk_reason: str | None = None,
) -> Path:
    """Write the session's note (or version ``number``) with ``exporter``; audited once
    the file is complete. A note that no longer holds a disclosure of the transcript
    needs ``removed_risk_reason`` (``RemovedRiskError`` without it, nothing written);
    the reason is then stored with the version and the export's audit entry says so."""
    removed, reason = _gate(db, session_id, number, risk_net, removed_risk_reason)
    written = exporter.write(path, _with_review(load_export(db, session_id, number), removed))
    _record_export(db, session_id, number, f"format={exporter.name}", removed, reason)
    return written


def copy_as_plain_text(
    db: Database,
    session_id: int,
    *,
    risk_net: RiskNet | None = None,
    removed_risk_reason: str | None = None,
) -> str:
    """The current note as plain text for pasting into a health record (audited as an
    export to the clipboard; gated like ``export_note``)."""
    removed, reason = _gate(db, session_id, None, risk_net, removed_risk_reason)
    text = to_plain_text(_with_review(load_export(db, session_id), removed))
    _record_export(db, session_id, None, "format=clipboard", removed, reason)
    return text
