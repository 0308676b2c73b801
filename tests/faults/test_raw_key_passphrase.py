"""Issue 21, item 10: a passphrase written like SQLCipher's raw-key syntax (``x'<64 hex
digits>'``) must work as a passphrase, through the real command line: create, reopen,
change the passphrase, back up, restore, encrypt an old database. And databases keyed
the way Auralis keyed them before (SQLCipher's own key derivation for a passphrase; the
raw-key reading of such a passphrase) still open with the passphrase the user typed.
"""

import json
import subprocess
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE, CliRunner
from sqlcipher3 import dbapi2 as sqlcipher
from sqlite_utils import Database

from app.usecases.patients import add_patient
from core.store.migrations import migrate

NAME = "Philippa Quernmore"
RAW_LOOKING = "x'" + "ab" * 32 + "'"  # SQLCipher reads this key text as a raw key
RAW_LOOKING_WITH_SALT = "X'" + "0f" * 48 + "'"  # raw key and salt, upper-case X
SHAPES = [RAW_LOOKING, RAW_LOOKING_WITH_SALT]


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _names(run_cli: CliRunner, passphrase: str) -> list[str]:
    listing = _ok(run_cli("patients", "list", "--json", AURALIS_DB_KEY=passphrase))
    return [row["display_name"] for row in json.loads(listing)]


def _database(home: Path) -> Path:
    return home / "data" / "auralis.db"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_a_raw_key_shaped_passphrase_opens_the_database_it_created(run_cli: CliRunner) -> None:
    for number, passphrase in enumerate(SHAPES):
        home = run_cli.home / f"shape-{number}"
        runner = CliRunner(home)
        _ok(runner("patients", "add", NAME, AURALIS_DB_KEY=passphrase))
        assert _names(runner, passphrase) == [NAME]
        wrong = runner("patients", "list", AURALIS_DB_KEY="x'" + "cd" * 32 + "'")
        assert wrong.returncode == 1 and "Wrong passphrase" in wrong.stderr


def test_changing_to_a_raw_key_shaped_passphrase_keeps_database_and_backups_open(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("patients", "add", NAME))
    _ok(run_cli("db", "backup"))
    new = tmp_path / "new.key"
    new.write_text(RAW_LOOKING + "\n")
    _ok(run_cli("db", "change-passphrase", "--new-key-file", str(new)))
    assert _names(run_cli, RAW_LOOKING) == [NAME]
    backup = sorted((auralis_home / "data" / "backups").glob("*.db"))[-1]
    _ok(run_cli("db", "restore", str(backup), "--yes", AURALIS_DB_KEY=RAW_LOOKING))
    assert _names(run_cli, RAW_LOOKING) == [NAME]
    # and away from it again
    new.write_text("an ordinary passphrase again\n")
    _ok(run_cli("db", "change-passphrase", "--new-key-file", str(new), AURALIS_DB_KEY=RAW_LOOKING))
    assert _names(run_cli, "an ordinary passphrase again") == [NAME]


def test_encrypting_with_a_raw_key_shaped_passphrase_keeps_database_and_backups_open(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("--no-encryption", "patients", "add", NAME, AURALIS_DB_KEY=""))
    _ok(run_cli("db", "backup", AURALIS_DB_KEY=""))
    key_file = tmp_path / "raw.key"
    key_file.write_text(RAW_LOOKING + "\n")
    _ok(run_cli("--db-key-file", str(key_file), "db", "encrypt", AURALIS_DB_KEY=""))
    assert _names(run_cli, RAW_LOOKING) == [NAME]
    backup = sorted((auralis_home / "data" / "backups").glob("*.db"))[0]
    _ok(run_cli("db", "restore", str(backup), "--yes", AURALIS_DB_KEY=RAW_LOOKING))
    assert _names(run_cli, RAW_LOOKING) == [NAME]


def _create_the_old_way(path: Path, key_text: str) -> None:
    """An Auralis database keyed as the code before this fix keyed a new file: the
    passphrase handed to SQLCipher as the key text itself."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlcipher.connect(str(path))
    conn.execute(f"PRAGMA key = {_sql_text(key_text)}")
    db = Database(conn)
    migrate(db, path)
    add_patient(db, NAME)
    conn.close()


def test_databases_keyed_the_old_way_still_open(run_cli: CliRunner, tmp_path: Path) -> None:
    for number, passphrase in enumerate([TEST_PASSPHRASE, *SHAPES]):
        runner = CliRunner(run_cli.home / f"old-{number}")
        _create_the_old_way(_database(runner.home), passphrase)
        assert _names(runner, passphrase) == [NAME]
        assert _names(runner, passphrase) == [NAME]  # and again, in a new process
    # changing the passphrase (to the same text) re-keys such a database the new way
    runner = CliRunner(run_cli.home / "old-1")
    same = tmp_path / "same.key"
    same.write_text(RAW_LOOKING + "\n")
    _ok(runner("db", "change-passphrase", "--new-key-file", str(same), AURALIS_DB_KEY=RAW_LOOKING))
    assert _names(runner, RAW_LOOKING) == [NAME]
    conn = sqlcipher.connect(str(_database(runner.home)))
    try:  # no longer opened by the passphrase read as a raw key
        conn.execute(f"PRAGMA key = {_sql_text(RAW_LOOKING)}")
        with pytest.raises(sqlcipher.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
