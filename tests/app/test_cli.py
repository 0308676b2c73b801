"""The command line through real subprocesses against a real database file."""

import json
import os
from pathlib import Path

import pytest
from conftest import CliRunner


def _json(result: object) -> object:
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def _one_error_line(result: object) -> str:
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert lines[0].startswith("auralis: error: ")
    return lines[0]


def test_help_and_version(run_cli: CliRunner) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("patients", "sessions", "db", "paths", "settings"):
        assert command in result.stdout
    assert "not clinical advice" in result.stdout
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("Auralis 0.")
    for group in ("patients", "sessions", "db"):
        assert run_cli(group, "--help").returncode == 0


def test_no_command_opens_the_window_or_says_how_without_a_display(run_cli: CliRunner) -> None:
    result = run_cli(QT_QPA_PLATFORM="", DISPLAY="", WAYLAND_DISPLAY="")
    assert result.returncode == 2
    assert "no display" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "python main.py --help" in result.stderr


def test_patients_and_sessions_flow(run_cli: CliRunner, tmp_path: Path) -> None:
    added = run_cli("patients", "add", "Ada Lovelace", "--ref", "MRN-1", "--json")
    assert added.returncode == 0, added.stderr
    patient = _json(added)
    assert patient["display_name"] == "Ada Lovelace" and patient["external_ref"] == "MRN-1"

    transcript = tmp_path / "t.txt"
    transcript.write_text(
        "\ufeffTherapist: How have you been sleeping?\nClient: Badly since the move.\n",
        encoding="utf-8",
    )
    session = _json(
        run_cli(
            "sessions",
            "add",
            "--patient",
            str(patient["id"]),
            "--transcript",
            str(transcript),
            "--date",
            "2026-11-02",
            "--json",
        )
    )
    assert session["session_number"] == 1
    assert session["session_date"] == "2026-11-02"
    assert session["transcript"].startswith("Therapist:")  # BOM removed

    shown = _json(run_cli("sessions", "show", str(session["id"]), "--json"))
    assert shown["transcript"] == session["transcript"]
    assert shown["note"] is None
    listed = _json(run_cli("sessions", "list", "--json"))
    assert [s["id"] for s in listed] == [session["id"]]
    assert listed[0]["note_status"] == "none"

    assert [p["id"] for p in _json(run_cli("patients", "search", "move", "--json"))] == [
        patient["id"]
    ]
    assert _json(run_cli("patients", "search", "nothing-like-it", "--json")) == []
    table = run_cli("patients", "list")
    assert "Ada Lovelace" in table.stdout and "MRN-1" in table.stdout
    text = run_cli("sessions", "show", str(session["id"]))
    assert "Badly since the move." in text.stdout and "No note yet." in text.stdout


def test_data_dir_before_or_after_the_command(run_cli: CliRunner, tmp_path: Path) -> None:
    elsewhere = tmp_path / "portable"
    assert run_cli("--data-dir", str(elsewhere), "patients", "add", "A").returncode == 0
    assert run_cli("patients", "add", "B", "--data-dir", str(elsewhere)).returncode == 0
    names = [
        p["display_name"]
        for p in _json(run_cli("patients", "list", "--json", "--data-dir", str(elsewhere)))
    ]
    assert names == ["A", "B"]
    assert (elsewhere / "data" / "auralis.db").exists()
    assert _json(run_cli("patients", "list", "--json")) == []  # AURALIS_HOME untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
        ("Client: café".encode() + b" \xff\xfe broken", "not valid UTF-8"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\nnot a cue\nat all\n", "not a valid WebVTT"),
    ],
)
def test_bad_transcripts_are_refused_and_nothing_is_saved(
    run_cli: CliRunner, tmp_path: Path, content: bytes, message: str
) -> None:
    run_cli("patients", "add", "Ada")
    bad = tmp_path / ("bad.vtt" if content.startswith(b"WEBVTT") else "bad.txt")
    bad.write_bytes(content)
    result = run_cli("sessions", "add", "--patient", "1", "--transcript", str(bad))
    assert result.returncode == 1
    assert message in _one_error_line(result)
    assert _json(run_cli("sessions", "list", "--json")) == []


def test_windows_1252_and_utf16_transcripts_are_read(run_cli: CliRunner, tmp_path: Path) -> None:
    run_cli("patients", "add", "Ada")
    for name, data in (
        ("old.txt", "Client: café au lait".encode("cp1252")),
        ("wide.txt", "Client: café au lait".encode("utf-16")),
    ):
        (tmp_path / name).write_bytes(data)
        session = _json(
            run_cli(
                "sessions", "add", "--patient", "1", "--transcript", str(tmp_path / name), "--json"
            )
        )
        assert session["transcript"] == "Client: café au lait"


def test_errors_are_one_line_and_non_zero(run_cli: CliRunner, tmp_path: Path) -> None:
    missing_session = run_cli("sessions", "show", "42")
    assert missing_session.returncode == 1
    assert _one_error_line(missing_session) == "auralis: error: No session with id 42."
    transcript = tmp_path / "t.txt"
    transcript.write_text("hello")
    no_patient = run_cli("sessions", "add", "--patient", "9", "--transcript", str(transcript))
    assert _one_error_line(no_patient) == "auralis: error: No patient with id 9."
    no_file = run_cli("sessions", "add", "--patient", "1", "--transcript", "/no/such.txt")
    assert "does not exist" in _one_error_line(no_file)
    empty_name = run_cli("patients", "add", "  ")
    assert "display name" in _one_error_line(empty_name)
    usage = run_cli("patients", "frobnicate")
    assert usage.returncode == 2


def test_backup_and_check(run_cli: CliRunner, auralis_home: Path) -> None:
    no_db = run_cli("db", "check")
    assert no_db.returncode == 1 and "no database" in _one_error_line(no_db)
    run_cli("patients", "add", "Ada")
    backup = _json(run_cli("db", "backup", "--json"))
    assert Path(backup["backup"]).parent == auralis_home / "data" / "backups"
    assert backup["bytes"] > 0
    check = _json(run_cli("db", "check", "--json"))
    assert check["ok"] is True and check["backups"] >= 1
    assert check["newest_backup"] == backup["backup"]


def test_a_corrupt_database_is_reported_with_the_backup_to_restore(
    run_cli: CliRunner, auralis_home: Path
) -> None:
    run_cli("patients", "add", "P0")
    run_cli("patients", "add", "P1")
    backup = _json(run_cli("db", "backup", "--json"))["backup"]
    database = auralis_home / "data" / "auralis.db"
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))
    damaged = database.read_bytes()

    check = run_cli("db", "check")
    assert check.returncode == 1
    line = _one_error_line(check)
    assert "failed its integrity check" in line and backup in line
    # every other command checks too, and writes nothing into the damaged file
    adding = run_cli("patients", "add", "Should not be written")
    assert adding.returncode == 1
    assert "failed its integrity check" in _one_error_line(adding)
    assert database.read_bytes() == damaged

    refused = run_cli("db", "restore", backup)
    assert refused.returncode == 1 and "--yes" in _one_error_line(refused)
    restored = run_cli("db", "restore", backup, "--yes", "--json")
    assert restored.returncode == 0, restored.stderr
    kept = Path(_json(restored)["previous_file"])
    assert kept.read_bytes() == damaged
    assert [p["display_name"] for p in _json(run_cli("patients", "list", "--json"))] == ["P0", "P1"]


def test_a_database_from_a_newer_version_is_refused(run_cli: CliRunner, auralis_home: Path) -> None:
    from conftest import TEST_PASSPHRASE

    from core.store.connection import DatabaseKey, open_file

    run_cli("patients", "add", "Ada")
    database = auralis_home / "data" / "auralis.db"
    conn = open_file(database, key=DatabaseKey.passphrase(TEST_PASSPHRASE))
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('auralis', 'm0999_future', 'x')"
    )
    conn.commit()
    conn.close()
    result = run_cli("patients", "list")
    assert result.returncode == 1
    assert "newer version of Auralis" in _one_error_line(result)


def test_invalid_settings_warn_and_the_command_still_runs(run_cli: CliRunner) -> None:
    result = run_cli("settings", "show", "--json", AURALIS_INFERENCE__N_CTX="12")
    assert result.returncode == 0
    assert "AURALIS_INFERENCE__N_CTX" in result.stderr and "auralis: warning:" in result.stderr
    shown = _json(result)
    assert shown["settings"]["inference"]["n_ctx"] == 8192  # the default
    assert shown["problems"]


def test_paths(run_cli: CliRunner, auralis_home: Path) -> None:
    paths = _json(run_cli("paths", "--json"))
    assert paths["database"] == str(auralis_home / "data" / "auralis.db")
    assert paths["logs"] == str(auralis_home / "logs")


def test_logs_never_contain_patient_text(
    run_cli: CliRunner, tmp_path: Path, auralis_home: Path
) -> None:
    planted = "Zebrafinch Quillmoor"
    transcript = tmp_path / "t.txt"
    transcript.write_text(f"Client: my neighbour {planted} scares me.\n")
    run_cli("patients", "add", planted, "--ref", planted)
    run_cli("sessions", "add", "--patient", "1", "--transcript", str(transcript))
    run_cli("sessions", "show", "1")
    run_cli("sessions", "list")
    run_cli("patients", "search", planted)
    run_cli("db", "backup")
    run_cli("db", "check")
    run_cli("sessions", "show", "7")  # an error path too
    log_files = list((auralis_home / "logs").iterdir())
    assert log_files
    text = "".join(path.read_text() for path in log_files)
    assert "cli.command" in text
    assert "zebrafinch" not in text.lower() and "quillmoor" not in text.lower()
