import pytest
from sqlite_utils import Database

from core.store.errors import NotFoundError, StoreError
from core.store.notes import save_note_version
from core.store.patients import (
    create_patient,
    get_patient,
    list_patients,
    rename_patient,
    search_patients,
    set_archived,
)
from core.store.sessions import add_session


def test_create_and_get(fresh_db: Database) -> None:
    patient = create_patient(fresh_db, "  Ada   Lovelace ", " MRN-7 ")
    assert patient.display_name == "Ada Lovelace"
    assert patient.external_ref == "MRN-7"
    assert patient.archived is False
    assert get_patient(fresh_db, patient.id) == patient


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_a_name_is_required(fresh_db: Database, name: str) -> None:
    with pytest.raises(StoreError, match="display name"):
        create_patient(fresh_db, name)
    assert list_patients(fresh_db) == []


def test_missing_patient(fresh_db: Database) -> None:
    with pytest.raises(NotFoundError, match="No patient with id 42"):
        get_patient(fresh_db, 42)


def test_list_orders_by_name_and_hides_archived(fresh_db: Database) -> None:
    zed = create_patient(fresh_db, "zed")
    amy = create_patient(fresh_db, "Amy")
    bob = create_patient(fresh_db, "bob")
    assert [p.id for p in list_patients(fresh_db)] == [amy.id, bob.id, zed.id]
    set_archived(fresh_db, bob.id, True)
    assert [p.id for p in list_patients(fresh_db)] == [amy.id, zed.id]
    assert [p.id for p in list_patients(fresh_db, include_archived=True)] == [
        amy.id,
        bob.id,
        zed.id,
    ]
    assert set_archived(fresh_db, bob.id, False).archived is False


def test_rename(fresh_db: Database) -> None:
    patient = create_patient(fresh_db, "Old Name")
    assert rename_patient(fresh_db, patient.id, "New  Name").display_name == "New Name"
    with pytest.raises(NotFoundError):
        rename_patient(fresh_db, 999, "x")


def test_search_by_name_reference_transcript_and_note(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada Lovelace", "MRN-100")
    bob = create_patient(fresh_db, "Bob Stone")
    carl = create_patient(fresh_db, "Carl Wood")
    add_session(fresh_db, bob.id, "Client: the nightmares started after the flood.")
    session = add_session(fresh_db, carl.id, "Client: fine.")
    save_note_version(
        fresh_db,
        session.id,
        "Plan: practise breathing exercises.",
        template="default",
        is_ai_generated=True,
    )
    assert search_patients(fresh_db, "lovel") == [ada]
    assert search_patients(fresh_db, "mrn-100") == [ada]
    assert search_patients(fresh_db, "nightmare") == [bob]
    assert search_patients(fresh_db, "breathing exercises") == [carl]
    assert search_patients(fresh_db, "flood nightmares") == [bob]
    assert search_patients(fresh_db, "flood breathing") == []
    assert search_patients(fresh_db, "   ") == [ada, bob, carl]


@pytest.mark.parametrize(
    "query", ["%", "_", "\\", '"', "NEAR(", "a AND", "*", "-x", "'; DROP TABLE patients; --"]
)
def test_search_treats_input_as_text(fresh_db: Database, query: str) -> None:
    create_patient(fresh_db, "Ada")
    assert search_patients(fresh_db, query) == []
    assert len(list_patients(fresh_db)) == 1


def test_search_hides_archived_unless_asked(fresh_db: Database) -> None:
    ada = create_patient(fresh_db, "Ada")
    set_archived(fresh_db, ada.id, True)
    assert search_patients(fresh_db, "ada") == []
    assert [p.id for p in search_patients(fresh_db, "ada", include_archived=True)] == [ada.id]
