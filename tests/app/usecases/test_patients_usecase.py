"""Patients: add, find, rename, archive, open; each change audited, never the name."""

import pytest
from sqlite_utils import Database

from app.usecases.errors import StoreError
from app.usecases.patients import (
    add_patient,
    find_patients,
    open_patient,
    rename_patient,
    set_patient_archived,
)
from app.usecases.sessions import add_pasted_session
from core.store import audit


def _trail(db: Database) -> list[tuple[str, str, int | None]]:
    return [(e.action, e.entity, e.entity_id) for e in reversed(audit.list_entries(db))]


def test_add_rename_archive_restore_and_open_are_audited(fresh_db: Database) -> None:
    ada = add_patient(fresh_db, "  Ada   Lovelace ", "MRN-1")
    assert (ada.display_name, ada.external_ref) == ("Ada Lovelace", "MRN-1")
    assert rename_patient(fresh_db, ada.id, "Ada King").display_name == "Ada King"
    assert set_patient_archived(fresh_db, ada.id, True).archived
    assert find_patients(fresh_db) == []
    assert [p.id for p in find_patients(fresh_db, include_archived=True)] == [ada.id]
    assert not set_patient_archived(fresh_db, ada.id, False).archived
    assert open_patient(fresh_db, ada.id) == find_patients(fresh_db)[0]
    assert _trail(fresh_db) == [
        ("create", "patient", ada.id),
        ("rename", "patient", ada.id),
        ("archive", "patient", ada.id),
        ("unarchive", "patient", ada.id),
        ("view", "patient", ada.id),
    ]
    assert all("Ada" not in (e.detail or "") for e in audit.list_entries(fresh_db))


def test_a_patient_is_found_by_name_reference_or_the_words_of_a_transcript(
    fresh_db: Database,
) -> None:
    ada = add_patient(fresh_db, "Ada", "MRN-7")
    bea = add_patient(fresh_db, "Bea")
    add_pasted_session(fresh_db, bea.id, "Client: the lighthouse keeps me awake")
    assert [p.id for p in find_patients(fresh_db, "mrn-7")] == [ada.id]
    assert [p.id for p in find_patients(fresh_db, "lighthouse")] == [bea.id]


def test_a_refused_change_is_not_audited(fresh_db: Database) -> None:
    with pytest.raises(StoreError, match="display name"):
        add_patient(fresh_db, "   ")
    with pytest.raises(StoreError, match="No patient with id 9"):
        rename_patient(fresh_db, 9, "X")
    assert audit.list_entries(fresh_db) == []
