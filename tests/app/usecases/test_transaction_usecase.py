"""A change and its audit entry are one transaction: both kept, or neither."""

import pytest
from sqlite_utils import Database

from app.usecases.notes import save_edit
from app.usecases.patients import add_patient, rename_patient
from app.usecases.transaction import audited
from core.store import audit
from core.store.errors import StoreError
from core.store.notes import note_history, save_note_version
from core.store.patients import list_patients
from core.store.sessions import add_session

# The audit trail refusing its next entry, as a crash between the two writes would leave it.
REFUSE_AUDIT = (
    "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit entry is not written'); END"
)


def test_the_two_writes_apart_leave_a_change_without_its_entry(fresh_db: Database) -> None:
    """How it was before the use cases: the change committed, then the entry failed."""
    session = add_session(fresh_db, add_patient(fresh_db, "Ada").id, "Client: hello")
    fresh_db.execute(REFUSE_AUDIT)
    version = save_note_version(fresh_db, session.id, "Plan: rest.", template="default",
                                is_ai_generated=False)  # fmt: skip
    with pytest.raises(Exception, match="not written"):
        audit.record(fresh_db, "edit", "note_version", version.id)
    assert [v.id for v in note_history(fresh_db, session.id)] == [version.id]  # unaudited


def test_a_change_whose_entry_fails_is_not_kept(fresh_db: Database) -> None:
    session = add_session(fresh_db, add_patient(fresh_db, "Ada").id, "Client: hello")
    before = len(audit.list_entries(fresh_db))
    fresh_db.execute(REFUSE_AUDIT)
    with pytest.raises(Exception, match="not written"):
        save_edit(fresh_db, session.id, "Plan: rest.")
    with pytest.raises(Exception, match="not written"):
        rename_patient(fresh_db, session.patient_id, "Bea")
    assert note_history(fresh_db, session.id) == []
    assert [p.display_name for p in list_patients(fresh_db)] == ["Ada"]
    fresh_db.execute("DROP TRIGGER refuse_audit")
    assert len(audit.list_entries(fresh_db)) == before
    version = save_edit(fresh_db, session.id, "Plan: rest.")  # and works again
    assert version is not None
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity_id) == ("edit", version.id)
    assert audit.verify_chain(fresh_db).intact


def test_a_change_must_record_its_entry(fresh_db: Database) -> None:
    with pytest.raises(RuntimeError, match="no audit entry"), audited(fresh_db, "The patient"):
        fresh_db.execute(
            "INSERT INTO patients (display_name, created_at, archived) VALUES ('X', 'now', 0)"
        )
    assert list_patients(fresh_db) == []


def test_a_failed_write_is_told_as_such_and_keeps_nothing(fresh_db: Database) -> None:
    fresh_db.execute("PRAGMA query_only = ON")  # every write refused, as by a read-only disk
    with pytest.raises(StoreError, match="The patient could not be saved"):
        add_patient(fresh_db, "Ada")
    fresh_db.execute("PRAGMA query_only = OFF")
    assert list_patients(fresh_db) == [] and audit.list_entries(fresh_db) == []
