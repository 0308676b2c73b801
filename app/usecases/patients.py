"""Patients: add, find, rename, archive and restore, open (the opening is audited)."""

from sqlite_utils import Database

from app.usecases.transaction import audited
from core.store import patients as store
from core.store.patients import Patient

__all__ = [
    "Patient",
    "add_patient",
    "find_patients",
    "open_patient",
    "rename_patient",
    "set_patient_archived",
]


def add_patient(db: Database, display_name: str, external_ref: str | None = None) -> Patient:
    """A new patient (whitespace in the name normalised; an empty name is refused)."""
    with audited(db, "The patient") as tx:
        patient = store.create_patient(db, display_name, external_ref)
        tx.record("create", "patient", patient.id)
    return patient


def find_patients(
    db: Database, query: str = "", *, include_archived: bool = False
) -> list[Patient]:
    """Patients by name; with ``query``, those whose name or reference contains it or whose
    transcripts or notes match its words."""
    return store.search_patients(db, query, include_archived=include_archived)


def open_patient(db: Database, patient_id: int) -> Patient:
    """The patient a clinician opens (recorded in the audit trail)."""
    with audited(db, "The audit entry") as tx:
        patient = store.get_patient(db, patient_id)
        tx.record("view", "patient", patient_id)
    return patient


def rename_patient(db: Database, patient_id: int, display_name: str) -> Patient:
    with audited(db, "The new name") as tx:
        patient = store.rename_patient(db, patient_id, display_name)
        tx.record("rename", "patient", patient_id)
    return patient


def set_patient_archived(db: Database, patient_id: int, archived: bool) -> Patient:
    """Archive (hidden from the default lists, nothing deleted) or restore a patient."""
    with audited(db, "The change") as tx:
        patient = store.set_archived(db, patient_id, archived)
        tx.record("archive" if archived else "unarchive", "patient", patient_id)
    return patient
