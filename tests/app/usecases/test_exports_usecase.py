"""Exports through the one registry of exporters: the same document and metadata for
every format, audited, nothing half-written."""

from pathlib import Path

import docx
import pytest
from PySide6.QtWidgets import QApplication
from sqlite_utils import Database

from app.exporters import EXPORTERS
from app.usecases.errors import StoreError
from app.usecases.exports import copy_as_plain_text, export_note, load_export
from core.notes import export
from core.store import audit
from core.store.notes import save_note_version
from core.store.patients import create_patient
from core.store.sessions import add_session

CONTENT = (
    "[Rule-based draft (no language model): sentences taken from the transcript.]\n\n"
    "Chief Complaint:\nPoor sleep for two weeks.\n\n"
    'Risk:\nTranscript: Client said "I want to {{RED:kill}} myself" (line 4).\n\n'
    "Plan:\nSleep diary; review next week.\n"
)


@pytest.fixture
def session_id(fresh_db: Database) -> int:
    patient = create_patient(fresh_db, "Ada Lovelace")
    session = add_session(fresh_db, patient.id, "Client: hello")
    save_note_version(
        fresh_db,
        session.id,
        CONTENT,
        template="default",
        is_ai_generated=True,
        engine="rules",
        model_name="rule-based — no model loaded",
    )
    save_note_version(
        fresh_db,
        session.id,
        CONTENT + "\nSigned.",
        template="default",
        is_ai_generated=False,
        edited_from_ai=True,
    )
    return session.id


def test_markdown(fresh_db: Database, session_id: int) -> None:
    text = export.to_markdown(load_export(fresh_db, session_id))
    assert text.startswith("# Clinical note\n")
    assert "- Patient: Ada Lovelace" in text
    assert "- Version: 2 of 2 (edited from a rule draft)" in text  # the rules drafted it
    assert "rules" in text  # drafted by: the rules, remembered by the edit
    assert "## Risk" in text and "**kill**" in text and "{{RED:" not in text
    assert export.REVIEW_LINE in text and "not clinical advice" in text


def test_plain_text_for_the_ehr(fresh_db: Database, session_id: int) -> None:
    text = export.to_plain_text(load_export(fresh_db, session_id))
    assert "RISK:" in text and "I want to kill myself" in text
    assert "{{" not in text and "**" not in text
    assert "Session: 1," in text and "Template: Clinical note" in text
    assert export.REVIEW_LINE in text


def test_an_older_version(fresh_db: Database, session_id: int) -> None:
    first = load_export(fresh_db, session_id, 1)
    assert first.version_number == 1 and first.provenance == "rule draft"
    assert first.drafted_by is not None and first.drafted_by.startswith("rules")


def test_docx_has_the_risk_words_in_red(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    path = export.write_docx(tmp_path / "note.docx", load_export(fresh_db, session_id))
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Patient: Ada Lovelace" in text and export.REVIEW_LINE in text
    red = [
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run.font.color is not None and run.font.color.rgb is not None
    ]
    assert red == ["kill"]
    assert not list(tmp_path.glob(".*.partial"))


def test_a_failed_write_leaves_nothing(fresh_db: Database, session_id: int, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(export.ExportError, match="could not be written"):
        export.write_text_export(blocker / "note.md", "text")
    with pytest.raises(export.ExportError):
        export.write_docx(blocker / "note.docx", load_export(fresh_db, session_id))


def test_no_note_to_export(fresh_db: Database) -> None:
    session = add_session(fresh_db, create_patient(fresh_db, "B").id, "Client: hi")
    with pytest.raises(StoreError, match="no note to export"):
        load_export(fresh_db, session.id)


def test_every_registered_format_writes_the_note_and_is_audited(
    fresh_db: Database, session_id: int, tmp_path: Path, qapp: QApplication
) -> None:
    assert set(EXPORTERS) == {"pdf", "docx", "md", "txt"}
    for name, exporter in EXPORTERS.items():
        path = export_note(fresh_db, session_id, exporter, tmp_path / f"note.{exporter.suffix}")
        assert path.stat().st_size > 0, name
    assert (tmp_path / "note.pdf").read_bytes().startswith(b"%PDF")
    assert "Patient: Ada Lovelace" in (tmp_path / "note.txt").read_text(encoding="utf-8")
    first = export_note(fresh_db, session_id, EXPORTERS["md"], tmp_path / "v1.md", number=1)
    assert "Version: 1 of 2 (rule draft)" in first.read_text(encoding="utf-8")
    assert "I want to kill myself" in copy_as_plain_text(fresh_db, session_id)
    details = [e.detail for e in audit.list_entries(fresh_db) if e.action == "export"]
    assert sorted(details) == sorted(
        ["format=pdf", "format=docx", "format=md", "format=txt", "format=md", "format=clipboard"]
    )


def test_a_failed_export_is_not_audited(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(export.ExportError):
        export_note(fresh_db, session_id, EXPORTERS["md"], blocker / "note.md")
    assert [e for e in audit.list_entries(fresh_db) if e.action == "export"] == []
