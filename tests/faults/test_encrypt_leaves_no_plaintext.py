"""``auralis db encrypt`` must leave no readable copy of the records beside the encrypted
database: not the unencrypted files a restore kept aside (``auralis.db.replaced-*``), not
an unencrypted backup, not the leftovers of an interrupted copy (``*.partial``). The
backups are kept (re-encrypted: a clinic must not lose them), and every plaintext
leftover removed is named in the output."""

import json
import shutil
from pathlib import Path

from conftest import CliRunner

NAME = "Ottoline Brackenbury"
PLAINTEXT_HEADER = b"SQLite format 3\x00"


def _plaintext_copies(data_dir: Path) -> list[str]:
    return sorted(
        str(path.relative_to(data_dir))
        for path in data_dir.rglob("*")
        if path.is_file()
        and (path.read_bytes()[:16] == PLAINTEXT_HEADER or NAME.encode() in path.read_bytes())
    )


def test_encrypt_leaves_no_plaintext_copy_beside_the_database(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    data_dir = auralis_home / "data"
    plain = {"AURALIS_DB_KEY": ""}
    assert run_cli("--no-encryption", "patients", "add", NAME, **plain).returncode == 0
    assert run_cli("db", "backup", **plain).returncode == 0
    backups = sorted((data_dir / "backups").glob("auralis-*.db"))
    restored = run_cli("db", "restore", str(backups[-1]), "--yes", **plain)
    assert restored.returncode == 0, restored.stderr
    assert list(data_dir.glob("auralis.db.replaced-*"))  # the unencrypted file kept aside
    # what a backup killed mid-copy leaves behind
    shutil.copyfile(backups[-1], data_dir / "backups" / f"{backups[-1].name}.partial")
    backup_count = len(list((data_dir / "backups").glob("auralis-*.db")))
    assert _plaintext_copies(data_dir)

    key_file = tmp_path / "new.key"
    key_file.write_text("the new passphrase\n")
    encrypted = run_cli("--db-key-file", str(key_file), "db", "encrypt", **plain)
    assert encrypted.returncode == 0, encrypted.stderr

    assert _plaintext_copies(data_dir) == []
    assert len(list((data_dir / "backups").glob("auralis-*.db"))) == backup_count  # all kept
    assert "replaced-" in encrypted.stdout and ".partial" in encrypted.stdout  # named
    listed = run_cli("patients", "list", "--json", AURALIS_DB_KEY="the new passphrase")
    assert [row["display_name"] for row in json.loads(listed.stdout)] == [NAME]
    for backup in (data_dir / "backups").glob("auralis-*.db"):
        check = run_cli("db", "restore", str(backup), "--yes", AURALIS_DB_KEY="the new passphrase")
        assert check.returncode == 0, check.stderr  # each backup opens with the new key
