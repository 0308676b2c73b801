"""The audit anchor under faults: a write that cannot anchor keeps nothing, an
unencrypted database is anchored too, a database from before the anchor starts one
without a false alarm, and a killed anchor write leaves no litter behind."""

from pathlib import Path

import pytest
from conftest import TEST_KEY
from sqlite_utils import Database

from app.usecases.audit_trail import record_window_event, verify_audit
from app.usecases.patients import add_patient
from core.store import audit, open_store
from core.store.audit_anchor import anchor_path
from core.store.connection import connect
from core.store.errors import StoreWriteError
from core.store.migrations import migrate


def _count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_change_whose_anchor_cannot_be_written_is_refused_and_keeps_nothing(
    fresh_db: Database, tmp_path: Path
) -> None:
    add_patient(fresh_db, "Ada")
    anchor = anchor_path(fresh_db)
    assert anchor is not None and anchor.exists()
    aside = tmp_path / "anchor-aside"
    anchor.rename(aside)
    anchor.mkdir()  # the anchor cannot be replaced now (as on a folder gone read-only)
    with pytest.raises(StoreWriteError, match="anchor") as refused:
        add_patient(fresh_db, "Bea")
    assert "Bea" not in str(refused.value)  # patient text never in a message
    assert _count(fresh_db, "patients") == 1 and _count(fresh_db, "audit_log") == 1
    anchor.rmdir()
    aside.rename(anchor)
    add_patient(fresh_db, "Bea")
    report = verify_audit(fresh_db)
    assert report.intact and report.notes == [], (report.problems, report.notes)


def test_an_unencrypted_database_is_anchored_too(tmp_path: Path) -> None:
    db = open_store(tmp_path / "plain.db", key=None)
    try:
        for n in range(3):
            record_window_event(db, "unlock_failed", failures=n)
        assert verify_audit(db).intact
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE id = 3")
        report = verify_audit(db)
    finally:
        db.close()
    assert not report.intact
    assert any("3 entries" in problem for problem in report.problems), report.problems


def test_a_database_from_before_the_anchor_starts_one_without_an_alarm(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = connect(path, key=TEST_KEY)
    try:
        migrate(db, path, stop_before="m0007_audit_anchor")
        for n in range(4):
            audit.record(db, "view", "patient", n)  # what the older version wrote
    finally:
        db.close()
    db = open_store(path, key=TEST_KEY)
    try:
        report = verify_audit(db)
        assert report.intact and report.entries == 4, report.problems
        assert "No entry has been anchored yet." in report.notes
        record_window_event(db, "lock")
        report = verify_audit(db)
        assert report.intact and report.notes == [], (report.problems, report.notes)
    finally:
        db.close()


def test_a_killed_anchor_write_leaves_no_partial_file_behind(fresh_db: Database) -> None:
    add_patient(fresh_db, "Ada")
    anchor = anchor_path(fresh_db)
    assert anchor is not None
    stale = anchor.with_name(f".{anchor.name}.k1ll3d.partial")  # as write_atomically names it
    stale.write_text("{", encoding="utf-8")
    record_window_event(fresh_db, "lock")
    assert not stale.exists()
    assert verify_audit(fresh_db).intact
