"""Sessions: imported from a file or pasted text (audited with their size), listed with
their note status, opened (audited) with the risks their transcript discloses."""

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.usecases.notes import save_edit
from app.usecases.patients import add_patient
from app.usecases.sessions import (
    add_pasted_session,
    import_session,
    list_sessions,
    open_session,
    read_session,
)
from core.notes.transcript import TranscriptError
from core.store import audit

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Therapist>How has your week been?

00:00:05.000 --> 00:00:09.000
<v Client>Some nights I think about ending my life.
"""


def test_a_file_becomes_the_patients_next_session(fresh_db: Database, tmp_path: Path) -> None:
    patient = add_patient(fresh_db, "Ada")
    source = tmp_path / "week.vtt"
    source.write_text(VTT, encoding="utf-8")
    imported = import_session(fresh_db, patient.id, source)
    session = imported.session
    assert (imported.segments, imported.source_format) == (2, "vtt")
    assert session.session_number == 1 and "Client: Some nights" in session.transcript
    second = add_pasted_session(fresh_db, patient.id, "Client: better this week.").session
    assert second.session_number == 2
    entries = [e for e in audit.list_entries(fresh_db) if e.action == "create"]
    assert [(e.entity, e.entity_id) for e in entries][:2] == [
        ("session", second.id),
        ("session", session.id),
    ]
    assert entries[1].detail == f"chars={len(session.transcript)}"


def test_a_bad_file_saves_nothing(fresh_db: Database, tmp_path: Path) -> None:
    patient = add_patient(fresh_db, "Ada")
    broken = tmp_path / "broken.json"
    broken.write_text('{"segments": [', encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"broken\.json"):
        import_session(fresh_db, patient.id, broken)
    with pytest.raises(TranscriptError):
        add_pasted_session(fresh_db, patient.id, "   ")
    assert list_sessions(fresh_db, patient.id) == []
    assert [e.action for e in audit.list_entries(fresh_db)] == ["create"]  # the patient only


def test_opening_a_session_is_audited_and_shows_its_risks(fresh_db: Database) -> None:
    patient = add_patient(fresh_db, "Ada")
    session = add_pasted_session(fresh_db, patient.id, "Client: I want to kill myself.").session
    save_edit(fresh_db, session.id, "Risk: disclosed.")
    (summary,) = list_sessions(fresh_db, patient.id)
    assert summary.note_status == "edited"
    opened = open_session(fresh_db, session.id)
    assert opened.session == session and opened.risk_flags[0].status == "disclosed"
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity, newest.entity_id) == ("view", "session", session.id)
    assert read_session(fresh_db, session.id) == opened  # shown again: not a new opening
    assert audit.list_entries(fresh_db, limit=1)[0] == newest
