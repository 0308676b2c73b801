from datetime import date

import pytest
from sqlite_utils import Database

from core.store.errors import NotFoundError, StoreError
from core.store.notes import save_note_version
from core.store.patients import create_patient
from core.store.sessions import (
    add_session,
    get_session,
    list_sessions,
    search_sessions,
    set_private_notes,
)


def test_sessions_are_numbered_per_patient(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada")
    bob = create_patient(fresh_db, "Bob")
    numbers = [
        add_session(fresh_db, ada.id, "a1").session_number,
        add_session(fresh_db, bob.id, "b1").session_number,
        add_session(fresh_db, ada.id, "a2").session_number,
    ]
    assert numbers == [1, 1, 2]


def test_add_and_get_keep_everything(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada")
    session = add_session(
        fresh_db,
        ada.id,
        "Therapist: Hello.\nClient: Hi.",
        transcript_format="vtt",
        session_date=date(2026, 3, 4),
        private_notes="consider referral",
    )
    assert get_session(fresh_db, session.id) == session
    assert session.session_date == "2026-03-04"
    assert session.transcript_format == "vtt"
    assert session.private_notes == "consider referral"


def test_unknown_patient_or_session(fresh_db: Database) -> None:
    with pytest.raises(NotFoundError, match="patient"):
        add_session(fresh_db, 5, "text")
    with pytest.raises(NotFoundError, match="No session with id 9"):
        get_session(fresh_db, 9)


def test_list_newest_first_with_note_status(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada")
    first = add_session(fresh_db, ada.id, "one", session_date=date(2026, 1, 1))
    second = add_session(fresh_db, ada.id, "two!", session_date=date(2026, 2, 1))
    save_note_version(fresh_db, first.id, "draft", template="default", is_ai_generated=True)
    listed = list_sessions(fresh_db, ada.id)
    assert [s.id for s in listed] == [second.id, first.id]
    assert [s.note_status for s in listed] == ["none", "ai_draft"]
    assert listed[0].transcript_chars == 4
    save_note_version(
        fresh_db,
        first.id,
        "draft, edited",
        template="default",
        is_ai_generated=False,
        edited_from_ai=True,
    )
    assert list_sessions(fresh_db, ada.id)[1].note_status == "edited"
    assert len(list_sessions(fresh_db, limit=1)) == 1
    with pytest.raises(StoreError):
        list_sessions(fresh_db, limit=0)


def test_search_transcripts_but_never_private_notes(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada")
    session = add_session(fresh_db, ada.id, "Client: I argued with my sister.")
    set_private_notes(fresh_db, session.id, "possible trauma history")
    assert [s.id for s in search_sessions(fresh_db, "sister")] == [session.id]
    assert [s.id for s in search_sessions(fresh_db, "argue")] == [session.id]
    assert search_sessions(fresh_db, "trauma") == []
    assert get_session(fresh_db, session.id).private_notes == "possible trauma history"
