"""The command line with an encrypted database: keys from the environment or a file,
wrong passphrases, --no-encryption, encrypting an old database, changing the passphrase."""

import json
import sqlite3
import subprocess
from pathlib import Path

from conftest import CliRunner

NAME = "Ottoline Brackenbury"


def _error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def _database(home: Path) -> Path:
    return home / "data" / "auralis.db"


def _backup_count(home: Path) -> int:
    # The automatic backup at the first open, and the ones the test makes.
    count = len(list((home / "data" / "backups").glob("*.db")))
    assert count >= 2
    return count


def _names(run_cli: CliRunner, **env: str) -> list[str]:
    result = run_cli("patients", "list", "--json", **env)
    assert result.returncode == 0, result.stderr
    return [row["display_name"] for row in json.loads(result.stdout)]


def _patient_name_on_disk(home: Path) -> bool:
    return any(
        NAME.encode() in path.read_bytes() for path in (home / "data").rglob("*") if path.is_file()
    )


def test_a_new_database_is_encrypted_and_a_wrong_passphrase_is_told(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    assert run_cli("patients", "add", NAME).returncode == 0
    assert _database(auralis_home).read_bytes()[:16] != b"SQLite format 3\x00"
    assert not _patient_name_on_disk(auralis_home)
    before = _database(auralis_home).read_bytes()
    wrong = _error(run_cli("patients", "list", AURALIS_DB_KEY="not the passphrase"))
    assert "Wrong passphrase" in wrong and "sqlcipher" not in wrong.lower()
    assert _database(auralis_home).read_bytes() == before
    check = run_cli("db", "check", "--json")
    assert json.loads(check.stdout)["encrypted"] is True


def test_after_five_wrong_passphrases_even_the_right_one_waits(run_cli: CliRunner) -> None:
    run_cli("patients", "add", NAME)
    for _ in range(5):
        assert "Wrong passphrase" in _error(run_cli("patients", "list", AURALIS_DB_KEY="guess"))
    assert "Too many wrong passphrases" in _error(run_cli("patients", "list"))


def test_the_right_passphrase_records_the_failures_before_it(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    run_cli("patients", "add", NAME)
    for _ in range(2):
        _error(run_cli("patients", "list", AURALIS_DB_KEY="guess"))
    assert _names(run_cli) == [NAME]
    audit = json.loads(run_cli("audit", "list", "--json").stdout)
    assert any(e["action"] == "unlock_failed" and e["detail"] == "failures=2" for e in audit)


def test_a_key_file_opens_the_database(run_cli: CliRunner, tmp_path: Path) -> None:
    key_file = tmp_path / "db.key"
    key_file.write_text("a passphrase kept in a file\n")
    assert run_cli("--db-key-file", str(key_file), "patients", "add", NAME).returncode == 0
    assert _names(run_cli, AURALIS_DB_KEY="a passphrase kept in a file") == [NAME]
    missing = _error(run_cli("--db-key-file", str(tmp_path / "nope"), "patients", "list"))
    assert "Cannot read the key file" in missing


def test_without_a_key_or_a_terminal_the_error_says_what_to_do(run_cli: CliRunner) -> None:
    message = _error(run_cli("patients", "add", NAME, AURALIS_DB_KEY=""))
    assert "AURALIS_DB_KEY" in message and "--no-encryption" in message


def test_no_encryption_is_chosen_explicitly_and_then_said(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    created = run_cli("--no-encryption", "patients", "add", NAME, AURALIS_DB_KEY="")
    assert created.returncode == 0, created.stderr
    assert _database(auralis_home).read_bytes()[:16] == b"SQLite format 3\x00"
    check = run_cli("db", "check")
    assert "NOT encrypted" in check.stdout
    listing = run_cli("patients", "list")
    assert "not encrypted; `auralis db encrypt` encrypts it" in listing.stderr


def test_db_encrypt_encrypts_an_old_database_and_its_backups(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    run_cli("--no-encryption", "patients", "add", NAME, AURALIS_DB_KEY="")
    run_cli("db", "backup", AURALIS_DB_KEY="")
    assert _patient_name_on_disk(auralis_home)
    key_file = tmp_path / "new.key"
    key_file.write_text("the new passphrase\n")
    encrypted = run_cli("--db-key-file", str(key_file), "db", "encrypt", AURALIS_DB_KEY="")
    assert encrypted.returncode == 0, encrypted.stderr
    assert f"and {_backup_count(auralis_home)} backup(s)" in encrypted.stdout
    assert not _patient_name_on_disk(auralis_home)
    conn = sqlite3.connect(_database(auralis_home))
    try:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master")
            raise AssertionError("the standard sqlite3 module read the encrypted file")
        except sqlite3.DatabaseError:
            pass
    finally:
        conn.close()
    assert _names(run_cli, AURALIS_DB_KEY="the new passphrase") == [NAME]
    again = _error(run_cli("db", "encrypt", AURALIS_DB_KEY="the new passphrase"))
    assert "no unencrypted database" in again


def test_db_change_passphrase(run_cli: CliRunner, auralis_home: Path, tmp_path: Path) -> None:
    run_cli("patients", "add", NAME)
    run_cli("db", "backup")
    short = tmp_path / "short.key"
    short.write_text("short\n")
    assert "too short" in _error(run_cli("db", "change-passphrase", "--new-key-file", str(short)))
    new = tmp_path / "new.key"
    new.write_text("a brand new passphrase\n")
    changed = run_cli("db", "change-passphrase", "--new-key-file", str(new))
    assert changed.returncode == 0, changed.stderr
    assert f"and {_backup_count(auralis_home)} backup(s)" in changed.stdout
    assert "Wrong passphrase" in _error(run_cli("patients", "list"))
    assert _names(run_cli, AURALIS_DB_KEY="a brand new passphrase") == [NAME]
    check = run_cli("db", "check", "--json", AURALIS_DB_KEY="a brand new passphrase")
    backup = json.loads(check.stdout)["newest_backup"]
    restored = run_cli("db", "restore", backup, "--yes", AURALIS_DB_KEY="a brand new passphrase")
    assert restored.returncode == 0, restored.stderr
