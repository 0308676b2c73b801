"""Patients: create, read, list, search, rename, archive."""

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.errors import StoreError
from core.store.fts import fts_query
from core.store.rows import insert, row_by_id


@dataclass(frozen=True)
class Patient:
    id: int
    display_name: str
    external_ref: str | None
    created_at: str
    archived: bool


def _patient(row: dict[str, Any]) -> Patient:
    return Patient(
        id=row["id"],
        display_name=row["display_name"],
        external_ref=row["external_ref"],
        created_at=row["created_at"],
        archived=bool(row["archived"]),
    )


def _clean_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise StoreError("A patient needs a display name.")
    return name


def create_patient(db: Database, display_name: str, external_ref: str | None = None) -> Patient:
    """Insert a patient; whitespace in the name is normalised, an empty name refused."""
    row = {
        "display_name": _clean_name(display_name),
        "external_ref": (external_ref or "").strip() or None,
        "created_at": utc_now(),
        "archived": 0,
    }
    patient_id = insert(
        db,
        "INSERT INTO patients (display_name, external_ref, created_at, archived) "
        "VALUES (:display_name, :external_ref, :created_at, :archived)",
        row,
    )
    return get_patient(db, patient_id)


def get_patient(db: Database, patient_id: int) -> Patient:
    """The patient with this id, or ``NotFoundError``."""
    return _patient(row_by_id(db, "patients", patient_id, "patient"))


def list_patients(db: Database, *, include_archived: bool = False) -> list[Patient]:
    """Patients ordered by display name (case-insensitive), archived ones only on request."""
    where = "" if include_archived else "WHERE archived = 0"
    sql = f"SELECT * FROM patients {where} ORDER BY display_name COLLATE NOCASE, id"
    return [_patient(row) for row in db.query(sql)]


def search_patients(db: Database, query: str, *, include_archived: bool = False) -> list[Patient]:
    """Patients whose name or reference contains ``query``, or whose transcripts or notes
    match it as full-text search terms. Ordered by display name."""
    text = " ".join(query.split())
    if not text:
        return list_patients(db, include_archived=include_archived)
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    match = fts_query(text)
    archived = "" if include_archived else "AND p.archived = 0"
    sql = f"""
        SELECT p.* FROM patients p
        WHERE (
            p.display_name LIKE :like ESCAPE '\\' OR p.external_ref LIKE :like ESCAPE '\\'
            OR p.id IN (
                SELECT s.patient_id FROM sessions s
                WHERE s.rowid IN (
                    SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH :match)
            )
            OR p.id IN (
                SELECT s.patient_id FROM sessions s JOIN note_versions n ON n.session_id = s.id
                WHERE n.rowid IN (
                    SELECT rowid FROM note_versions_fts WHERE note_versions_fts MATCH :match)
            )
        ) {archived}
        ORDER BY p.display_name COLLATE NOCASE, p.id
    """
    return [_patient(row) for row in db.query(sql, {"like": like, "match": match})]


def rename_patient(db: Database, patient_id: int, display_name: str) -> Patient:
    """Change a patient's display name."""
    get_patient(db, patient_id)
    with db.atomic():
        db.execute(
            "UPDATE patients SET display_name = ? WHERE id = ?",
            [_clean_name(display_name), patient_id],
        )
    return get_patient(db, patient_id)


def set_archived(db: Database, patient_id: int, archived: bool) -> Patient:
    """Archive (hide from default lists) or restore a patient; nothing is deleted."""
    get_patient(db, patient_id)
    with db.atomic():
        db.execute("UPDATE patients SET archived = ? WHERE id = ?", [int(archived), patient_id])
    return get_patient(db, patient_id)
