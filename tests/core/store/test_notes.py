from datetime import datetime

import pytest
from sqlite_utils import Database

from core.store.errors import NotFoundError
from core.store.notes import (
    current_note,
    get_note_version,
    note_history,
    save_note_version,
    search_notes,
)
from core.store.patients import create_patient
from core.store.sessions import Session, add_session


@pytest.fixture
def session(fresh_db: Database) -> Session:
    return add_session(fresh_db, create_patient(fresh_db, "Ada").id, "Client: hello.")


def test_no_note_yet(fresh_db: Database, session: Session) -> None:
    assert current_note(fresh_db, session.id) is None
    assert note_history(fresh_db, session.id) == []


def test_ai_draft_metadata(fresh_db: Database, session: Session) -> None:
    sections = {"Risk": "None disclosed.", "Plan": "Weekly sessions."}
    saved = save_note_version(
        fresh_db,
        session.id,
        "Risk: None disclosed.\nPlan: Weekly sessions.",
        template="default",
        is_ai_generated=True,
        sections=sections,
        engine="local",
        model_name="tiny.gguf",
        inference_time_s=1.25,
    )
    note = current_note(fresh_db, session.id)
    assert note is not None
    assert note.version == saved
    assert note.is_ai_generated is True
    assert note.edited_from_ai is False
    assert note.generated_at is not None
    generated = datetime.fromisoformat(note.generated_at)
    assert generated.tzinfo is not None
    assert note.generated_at <= saved.created_at
    assert note.last_edited_at is None
    assert note.version_count == 1
    assert saved.sections == sections
    assert saved.parent_version_id is None
    assert (saved.engine, saved.model_name, saved.inference_time_s) == (
        "local",
        "tiny.gguf",
        1.25,
    )


def test_edit_descends_from_the_draft(fresh_db: Database, session: Session) -> None:
    draft = save_note_version(fresh_db, session.id, "draft", template="SOAP", is_ai_generated=True)
    edit = save_note_version(
        fresh_db,
        session.id,
        "draft, corrected",
        template="SOAP",
        is_ai_generated=False,
        edited_from_ai=True,
    )
    note = current_note(fresh_db, session.id)
    assert note is not None
    assert note.version == edit
    assert edit.parent_version_id == draft.id
    assert edit.generated_at == draft.generated_at
    assert note.edited_from_ai is True
    assert note.is_ai_generated is False
    assert note.last_edited_at == edit.created_at
    assert note.version_count == 2
    assert [v.id for v in note_history(fresh_db, session.id)] == [draft.id, edit.id]


def test_versions_are_never_changed(fresh_db: Database, session: Session) -> None:
    first = save_note_version(fresh_db, session.id, "v1", template="t", is_ai_generated=True)
    for i in range(2, 6):
        save_note_version(fresh_db, session.id, f"v{i}", template="t", is_ai_generated=False)
    assert get_note_version(fresh_db, first.id) == first
    assert [v.content for v in note_history(fresh_db, session.id)] == ["v1", "v2", "v3", "v4", "v5"]


def test_missing(fresh_db: Database) -> None:
    with pytest.raises(NotFoundError):
        save_note_version(fresh_db, 77, "x", template="t", is_ai_generated=True)
    with pytest.raises(NotFoundError):
        current_note(fresh_db, 77)
    with pytest.raises(NotFoundError, match="note version"):
        get_note_version(fresh_db, 77)


def test_search_notes_finds_each_session_once(fresh_db: Database, session: Session) -> None:
    other = add_session(fresh_db, session.patient_id, "Client: hi.")
    save_note_version(fresh_db, session.id, "insomnia noted", template="t", is_ai_generated=True)
    newest = save_note_version(
        fresh_db, session.id, "insomnia improving", template="t", is_ai_generated=False
    )
    save_note_version(fresh_db, other.id, "appetite fine", template="t", is_ai_generated=True)
    hits = search_notes(fresh_db, "insomnia")
    assert [(h.session_id, h.version_id) for h in hits] == [(session.id, newest.id)]
    assert hits[0].patient_id == session.patient_id
    assert [h.session_id for h in search_notes(fresh_db, "appet")] == [other.id]
    assert search_notes(fresh_db, "") == []


@pytest.mark.parametrize(
    ("engine", "model", "said"),
    [
        ("rules", None, "edited from a rule draft"),
        ("local", "tiny.gguf", "edited from an AI draft"),
    ],
)
def test_an_edit_says_what_drafted_the_text_it_changed(
    fresh_db: Database, session: Session, engine: str, model: str | None, said: str
) -> None:
    common = {"template": "default"}
    save_note_version(
        fresh_db,
        session.id,
        "Plan: rest.",
        is_ai_generated=True,
        engine=engine,
        model_name=model,
        **common,
    )
    edit = save_note_version(
        fresh_db,
        session.id,
        "Plan: rest, and a diary.",
        is_ai_generated=False,
        edited_from_ai=True,
        **common,
    )
    assert edit.provenance == said
    assert (edit.engine, edit.model_name) == (engine, model)
    own = save_note_version(fresh_db, session.id, "Mine.", is_ai_generated=False, **common)
    assert own.provenance == "written by a clinician" and own.engine is None
