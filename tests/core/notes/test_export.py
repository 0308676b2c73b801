from pathlib import Path

import docx
import pytest
from sqlite_utils import Database

from core.notes import export
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
    text = export.to_markdown(export.load_document(fresh_db, session_id))
    assert text.startswith("# Clinical note\n")
    assert "- Patient: Ada Lovelace" in text
    assert "- Version: 2 of 2 (edited from an AI draft)" in text
    assert "## Risk" in text and "**kill**" in text and "{{RED:" not in text
    assert export.REVIEW_LINE in text and "not clinical advice" in text


def test_plain_text_for_the_ehr(fresh_db: Database, session_id: int) -> None:
    text = export.to_plain_text(export.load_document(fresh_db, session_id))
    assert "RISK:" in text and "I want to kill myself" in text
    assert "{{" not in text and "**" not in text
    assert "Session: 1," in text and "Template: Clinical note" in text
    assert export.REVIEW_LINE in text


def test_an_older_version(fresh_db: Database, session_id: int) -> None:
    first = export.load_document(fresh_db, session_id, version_id=1)
    assert first.version_number == 1 and first.provenance == "AI draft"
    assert first.drafted_by is not None and first.drafted_by.startswith("rules")


def test_docx_has_the_risk_words_in_red(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    path = export.write_docx(tmp_path / "note.docx", export.load_document(fresh_db, session_id))
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
        export.write_docx(blocker / "note.docx", export.load_document(fresh_db, session_id))


def test_no_note_to_export(fresh_db: Database) -> None:
    session = add_session(fresh_db, create_patient(fresh_db, "B").id, "Client: hi")
    with pytest.raises(export.StoreError, match="no note to export"):
        export.load_document(fresh_db, session.id)
