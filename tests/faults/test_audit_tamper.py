"""Someone with the passphrase and an SQL shell (or a copy of an older file) rewrites the
audit trail: ``audit verify`` must say so in plain words, never "unbroken".

Each test builds a real encrypted database file through the use cases (so the trail is
anchored the way the app anchors it), tampers with it the way a hostile user would, and
asks the use case that ``audit verify`` and the window's check call.
"""

import json
from pathlib import Path

import pytest
from conftest import TEST_KEY
from sqlite_utils import Database

from app.paths import AppPaths
from app.usecases.audit_trail import record_window_event, verify_audit
from app.usecases.database import back_up, restore_file, restore_in_place, store_connection
from app.usecases.patients import add_patient
from core.store import audit
from core.store.connection import IntegrityError


def _entries(db: Database, count: int) -> None:
    for n in range(count):
        record_window_event(db, "unlock_failed", failures=n + 1)


def _drop_triggers(db: Database) -> list[str]:
    """Drop the trail's triggers; return their SQL (to put them back)."""
    found = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    ).fetchall()
    for name, _sql in found:
        db.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in found]


def _rechain(db: Database, rows: list[dict[str, object]]) -> None:
    """Write ``rows`` as a whole new, internally consistent chain (what a forger does)."""
    previous = audit.GENESIS
    for number, row in enumerate(rows, start=1):
        fields = [row[k] for k in ("at", "actor", "action", "entity", "entity_id", "detail")]
        digest = audit.entry_hash(previous, number, *fields)  # type: ignore[arg-type]
        db.execute(
            "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [number, *fields, previous, digest],
        )
        previous = digest


def test_insert_or_replace_over_the_newest_entry_is_refused(fresh_db: Database) -> None:
    _entries(fresh_db, 3)
    newest = audit.list_entries(fresh_db, limit=1)[0]
    forged = audit.entry_hash(
        newest.prev_hash, newest.id, newest.at, "nobody", newest.action, newest.entity,
        newest.entity_id, newest.detail,
    )  # fmt: skip
    # An SQL shell's default: REPLACE then deletes without firing the DELETE trigger.
    fresh_db.execute("PRAGMA recursive_triggers = OFF")
    with pytest.raises(IntegrityError, match="append-only"):
        fresh_db.execute(
            "INSERT OR REPLACE INTO audit_log VALUES (?, ?, 'nobody', ?, ?, ?, ?, ?, ?)",
            [newest.id, newest.at, newest.action, newest.entity, newest.entity_id,
             newest.detail, newest.prev_hash, forged],
        )  # fmt: skip
    assert verify_audit(fresh_db).intact


def test_insert_or_replace_with_the_triggers_dropped_is_reported(fresh_db: Database) -> None:
    _entries(fresh_db, 3)
    newest = audit.list_entries(fresh_db, limit=1)[0]
    forged = audit.entry_hash(
        newest.prev_hash, newest.id, newest.at, "nobody", newest.action, newest.entity,
        newest.entity_id, newest.detail,
    )  # fmt: skip
    _drop_triggers(fresh_db)
    fresh_db.execute(
        "INSERT OR REPLACE INTO audit_log VALUES (?, ?, 'nobody', ?, ?, ?, ?, ?, ?)",
        [newest.id, newest.at, newest.action, newest.entity, newest.entity_id,
         newest.detail, newest.prev_hash, forged],
    )  # fmt: skip
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("rewritten" in problem for problem in report.problems)


def test_deleting_every_entry_is_reported(fresh_db: Database) -> None:
    add_patient(fresh_db, "Ada")
    _entries(fresh_db, 4)
    _drop_triggers(fresh_db)
    fresh_db.execute("DELETE FROM audit_log")
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("5 entries" in problem for problem in report.problems), report.problems


def test_deleting_the_newest_entry_is_reported(fresh_db: Database) -> None:
    _entries(fresh_db, 3)  # e.g. to hide the newest export
    _drop_triggers(fresh_db)
    fresh_db.execute("DELETE FROM audit_log WHERE id = 3")
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("3 entries" in problem for problem in report.problems), report.problems


def test_rewriting_the_whole_trail_consistently_is_reported(fresh_db: Database) -> None:
    _entries(fresh_db, 5)
    kept = [dict(row) for row in fresh_db.query("SELECT * FROM audit_log ORDER BY id")][:2]
    _drop_triggers(fresh_db)
    fresh_db.execute("DELETE FROM audit_log")
    _rechain(fresh_db, kept)  # a shorter trail whose chain checks out by itself
    assert audit.verify_chain(fresh_db).intact  # the chain alone cannot tell
    assert not verify_audit(fresh_db).intact


@pytest.mark.parametrize("trigger", ["audit_log_no_update", "audit_log_no_delete"])
def test_a_dropped_trigger_is_reported(fresh_db: Database, trigger: str) -> None:
    _entries(fresh_db, 2)
    fresh_db.execute(f"DROP TRIGGER {trigger}")
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any(trigger in problem for problem in report.problems), report.problems


def test_a_weakened_trigger_is_reported(fresh_db: Database) -> None:
    _entries(fresh_db, 2)
    fresh_db.execute("DROP TRIGGER audit_log_no_delete")
    fresh_db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("audit_log_no_delete" in problem for problem in report.problems)


def test_tampering_found_by_the_next_write_stays_reported(fresh_db: Database) -> None:
    _entries(fresh_db, 3)
    triggers = _drop_triggers(fresh_db)
    fresh_db.execute("DELETE FROM audit_log")
    for sql in triggers:  # put back exactly as they were: only the anchor can tell now
        fresh_db.execute(sql)
    add_patient(fresh_db, "Ada")  # the app writes on, over the emptied trail
    _entries(fresh_db, 2)
    report = verify_audit(fresh_db)
    assert audit.verify_chain(fresh_db).intact
    assert not report.intact
    assert any("3 entries" in problem for problem in report.problems), report.problems


def test_a_deleted_anchor_is_reported(fresh_db: Database, tmp_path: Path) -> None:
    _entries(fresh_db, 2)
    anchors = list(tmp_path.glob("*.audit-anchor"))
    assert len(anchors) == 1
    anchors[0].unlink()
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("anchor" in problem and "missing" in problem for problem in report.problems)


def test_an_altered_anchor_is_reported(fresh_db: Database, tmp_path: Path) -> None:
    _entries(fresh_db, 3)
    (anchor,) = tmp_path.glob("*.audit-anchor")
    state = json.loads(anchor.read_text(encoding="utf-8"))
    state["entries"] = 2  # e.g. to hide that the newest entry was deleted
    anchor.write_text(json.dumps(state), encoding="utf-8")
    report = verify_audit(fresh_db)
    assert not report.intact
    assert any("anchor" in problem and "altered" in problem for problem in report.problems)


def _home_with_trail(home: Path) -> AppPaths:
    paths = AppPaths.resolve(home)
    with store_connection(paths, TEST_KEY) as db:
        add_patient(db, "Ada")
        _entries(db, 2)
    return paths


def test_a_restore_reports_the_entries_made_after_the_backup(tmp_path: Path) -> None:
    paths = _home_with_trail(tmp_path / "home")
    backup = back_up(paths, TEST_KEY, keep=5)  # its own entry is made after the copy
    with store_connection(paths, TEST_KEY) as db:
        _entries(db, 3)
        newest = audit.verify_chain(db).head
    restore_file(paths, TEST_KEY, backup)
    with store_connection(paths, TEST_KEY) as db:
        report = verify_audit(db)
    assert report.intact, report.problems  # a restore is not tampering...
    notes = " ".join(report.notes)
    assert "Restored on" in notes and backup.name in notes  # ...but it is said
    assert "4 entries made after that backup" in notes and newest in notes


def test_a_restore_in_place_reports_the_entries_made_after_the_backup(tmp_path: Path) -> None:
    paths = _home_with_trail(tmp_path / "home")
    backup = back_up(paths, TEST_KEY, keep=5)
    with store_connection(paths, TEST_KEY) as db:
        _entries(db, 2)
    restore_in_place(paths, TEST_KEY, backup, keep=5)
    with store_connection(paths, TEST_KEY) as db:
        report = verify_audit(db)
    assert report.intact, report.problems
    assert "3 entries made after that backup" in " ".join(report.notes)


def test_an_older_copy_put_in_place_outside_auralis_is_reported(tmp_path: Path) -> None:
    paths = _home_with_trail(tmp_path / "home")
    backup = back_up(paths, TEST_KEY, keep=5)
    with store_connection(paths, TEST_KEY) as db:
        _entries(db, 2)
    # Copied over by hand (no restore recorded), WAL and all gone.
    for suffix in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    paths.database.write_bytes(backup.read_bytes())
    with store_connection(paths, TEST_KEY) as db:
        report = verify_audit(db)
    assert not report.intact
    assert any("not in this database" in problem for problem in report.problems)
