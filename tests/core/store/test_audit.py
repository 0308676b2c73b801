from sqlite_utils import Database

from core.store import audit


def test_record_and_list(fresh_db: Database) -> None:
    first = audit.record(fresh_db, "create", "patient", 1)
    second = audit.record(fresh_db, "export", "session", 7, detail="format=docx", actor="dr_x")
    entries = audit.list_entries(fresh_db)
    assert [e.id for e in entries] == [second, first]
    assert entries[0].actor == "dr_x"
    assert entries[0].detail == "format=docx"
    assert entries[1].actor == audit.current_actor()
    assert entries[1].entity_id == 1
