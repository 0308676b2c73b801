import csv
import itertools
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.store import audit
from core.store.connection import IntegrityError


def test_record_and_list(fresh_db: Database) -> None:
    first = audit.record(fresh_db, "create", "patient", 1)
    second = audit.record(fresh_db, "export", "session", 7, detail="format=docx", actor="dr_x")
    entries = audit.list_entries(fresh_db)
    assert [e.id for e in entries] == [second, first]
    assert entries[0].actor == "dr_x"
    assert entries[0].detail == "format=docx"
    assert entries[1].actor == audit.current_actor()
    assert entries[1].entity_id == 1


def test_the_chain_links_every_entry_to_the_one_before(fresh_db: Database) -> None:
    ids = [audit.record(fresh_db, "view", "patient", n) for n in range(1, 6)]
    entries = sorted(audit.list_entries(fresh_db), key=lambda e: e.id)
    assert [e.id for e in entries] == ids
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    report = audit.verify_chain(fresh_db)
    assert report.intact and report.entries == 5 and report.head == entries[-1].hash


def test_the_trail_refuses_updates_and_deletes(fresh_db: Database) -> None:
    audit.record(fresh_db, "view", "patient", 1)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(IntegrityError, match="append-only"):
            fresh_db.execute(statement)
    assert audit.verify_chain(fresh_db).intact


def _tamper(db: Database, statement: str, values: list[object]) -> None:
    # Someone with the passphrase and an SQL shell: the triggers are dropped first.
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute(statement, values)


@pytest.mark.parametrize(
    ("statement", "values", "broken", "reason"),
    [
        ("UPDATE audit_log SET entity_id = 99 WHERE id = ?", [3], 3, "this entry was changed"),
        ("DELETE FROM audit_log WHERE id = ?", [3], 4, "changed or removed"),
        ("UPDATE audit_log SET actor = 'x', hash = ? WHERE id = 2", ["0" * 64], 2, "changed"),
    ],
)
def test_verify_finds_the_first_broken_entry(
    fresh_db: Database, statement: str, values: list[object], broken: int, reason: str
) -> None:
    for n in range(1, 6):
        audit.record(fresh_db, "view", "patient", n)
    _tamper(fresh_db, statement, values)
    report = audit.verify_chain(fresh_db)
    assert report.first_broken == broken
    assert reason in report.reason


def test_export_csv_writes_every_entry_oldest_first(fresh_db: Database, tmp_path: Path) -> None:
    for n in range(1, 4):
        audit.record(fresh_db, "export", "session", n, detail="format=md")
    out = tmp_path / "audit.csv"
    assert audit.export_csv(fresh_db, out) == 3
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["entity_id"] for row in rows] == ["1", "2", "3"]
    assert list(rows[0]) == list(audit.FIELDS)
    assert rows[2]["prev_hash"] == rows[1]["hash"]
