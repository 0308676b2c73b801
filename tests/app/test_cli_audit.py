"""``auralis audit list|verify|export`` on a real encrypted database."""

import csv
import json
import re
from pathlib import Path

from conftest import TEST_PASSPHRASE, CliRunner

from core.store.backup import list_backups
from core.store.connection import DatabaseKey, connect

NAME = "Perpetua Wintergreen"


def _add_patient_and_view_it(run_cli: CliRunner, tmp_path: Path) -> None:
    assert run_cli("patients", "add", NAME).returncode == 0
    transcript = tmp_path / "t.txt"
    transcript.write_text("Therapist: How was the week?\nClient: Quiet.\n")
    added = run_cli("sessions", "add", "--patient", "1", "--transcript", str(transcript))
    assert added.returncode == 0, added.stderr
    assert run_cli("sessions", "show", "1").returncode == 0


def test_list_shows_ids_and_never_the_patient_text(run_cli: CliRunner, tmp_path: Path) -> None:
    _add_patient_and_view_it(run_cli, tmp_path)
    listing = run_cli("audit", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    entries = json.loads(listing.stdout)
    actions = [(e["action"], e["entity"], e["entity_id"]) for e in entries]
    assert ("create", "patient", 1) in actions and ("view", "session", 1) in actions
    assert all(len(e["hash"]) == 64 for e in entries)
    assert NAME not in listing.stdout and "Quiet" not in listing.stdout
    text = run_cli("audit", "list", "--limit", "1")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 1


def test_verify_reports_an_intact_chain_then_the_first_broken_entry(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    _add_patient_and_view_it(run_cli, tmp_path)
    ok = run_cli("audit", "verify", "--json")
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report["intact"] and report["entries"] >= 3 and len(report["head"]) == 64
    assert "unbroken chain" in run_cli("audit", "verify").stdout

    # Someone with the passphrase and an SQL shell rewrites who viewed the session.
    db = connect(auralis_home / "data" / "auralis.db", key=DatabaseKey.passphrase(TEST_PASSPHRASE))
    try:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET actor = 'nobody' WHERE id = 2")
        db.conn.commit()
    finally:
        db.close()
    broken = run_cli("audit", "verify")
    assert broken.returncode == 1
    assert "breaks at entry 2" in broken.stdout and "Traceback" not in broken.stderr
    assert json.loads(run_cli("audit", "verify", "--json").stdout)["first_broken"] == 2


def test_export_writes_csv_and_is_itself_audited(run_cli: CliRunner, tmp_path: Path) -> None:
    _add_patient_and_view_it(run_cli, tmp_path)
    out = tmp_path / "audit.csv"
    exported = run_cli("audit", "export", "--output", str(out))
    assert exported.returncode == 0, exported.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["action"] == "create" and int(rows[0]["id"]) == 1
    assert NAME not in out.read_text(encoding="utf-8")
    newest = json.loads(run_cli("audit", "list", "--json", "--limit", "1").stdout)[0]
    assert (newest["action"], newest["entity"]) == ("export", "audit_log")
    unwritable = run_cli("audit", "export", "--output", str(tmp_path / "t.txt" / "a.csv"))
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr


def test_verify_after_a_restore_names_the_backup_and_what_it_lacks(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    assert run_cli("patients", "add", NAME).returncode == 0
    backed = run_cli("db", "backup")
    assert backed.returncode == 0, backed.stderr
    backup = list_backups(auralis_home / "data" / "backups")[0]  # the newest
    assert run_cli("patients", "add", "Second Person").returncode == 0
    restored = run_cli("db", "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    verify = run_cli("audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Restored on" in verify.stdout and backup.name in verify.stdout
    assert re.search(r"\d+ entries made after that backup \(up to [0-9a-f]{64}\)", verify.stdout)
    report = json.loads(run_cli("audit", "verify", "--json").stdout)
    assert report["intact"] and any(backup.name in note for note in report["notes"])
    assert NAME not in verify.stdout and "Second Person" not in verify.stdout
