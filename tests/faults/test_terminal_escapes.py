"""Patient names, transcripts and notes holding terminal escape sequences are printed by
the command line with every control character made visible (``\\x1b``, ``\\u202e``): a
stored name can no longer clear the screen, retitle the terminal, hide text or reorder
it. Nothing is lost: ``--json`` output decodes to the exact stored text."""

import json
import re
from pathlib import Path

import pytest
from conftest import CliRunner

from app.cli import output

# OSC retitle, clear screen, cursor up + erase line, C1 CSI, DEL, a bidi override and
# isolate, a carriage return that would overwrite the start of the line, a backspace.
HOSTILE_NAME = "Ada\x1b]0;pwned\x07\x1b[2J\x1b[1A\x1b[2K\x9b31m\x7f\u202eevil\u2066x\u2069\rB\x08"
HOSTILE_TEXT = "Client: I cannot sleep.\x1b[8m hidden\x1b[0m\n\tTherapist: Since when?\u202e\n"

# What a terminal acts on: C0 except newline and tab, DEL, C1, bidi overrides/isolates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("plain name", False, "plain name"),
        ("a\x1b[2Jb", False, "a\\x1b[2Jb"),
        ("a\nb\tc", True, "a\nb\tc"),
        ("a\nb\tc", False, "a\\nb\\tc"),
        ("x\x7fy\x9bz", True, "x\\u007fy\\u009bz"),
        ("\u202eabc\u2066d\u2069", True, "\\u202eabc\\u2066d\\u2069"),
        ("r\rn", True, "r\\rn"),
        ("Zoë Åström 患者", True, "Zoë Åström 患者"),
    ],
)
def test_escape_controls_makes_every_control_character_visible(
    text: str, multiline: bool, expected: str
) -> None:
    assert output.escape_controls(text, multiline=multiline) == expected


def _added(run_cli: CliRunner, tmp_path: Path) -> None:
    assert run_cli("patients", "add", HOSTILE_NAME, "--ref", "\x1b[31mMRN").returncode == 0
    transcript = tmp_path / "t.txt"
    transcript.write_text(HOSTILE_TEXT, encoding="utf-8")
    added = run_cli("sessions", "add", "--patient", "1", "--transcript", str(transcript))
    assert added.returncode == 0, added.stderr


def test_patient_name_with_escape_sequences_is_printed_escaped(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    _added(run_cli, tmp_path)
    for command in (
        ("patients", "list"),
        ("patients", "search", "Ada"),
        ("sessions", "list"),
        ("sessions", "show", "1"),
        ("sessions", "show", "\x1b[2J"),  # argparse's own error echoes the argument
    ):
        result = run_cli(*command)
        for stream in (result.stdout, result.stderr):
            assert not RAW_CONTROL.search(stream), (command, stream)
    listed = run_cli("patients", "list").stdout
    assert "Ada\\x1b]0;pwned\\x07\\x1b[2J" in listed and "\\u202eevil" in listed


def test_json_output_escapes_controls_and_keeps_the_exact_text(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    _added(run_cli, tmp_path)
    listed = run_cli("patients", "list", "--json")
    shown = run_cli("sessions", "show", "1", "--json")
    for result in (listed, shown):
        assert result.returncode == 0
        assert not RAW_CONTROL.search(result.stdout), result.stdout
    name = json.loads(listed.stdout)[0]["display_name"]
    assert "Ada\x1b]0;pwned\x07\x1b[2J\x1b[1A\x1b[2K\x9b31m\x7f\u202eevil\u2066x\u2069" in name
    assert "Since when?" in json.loads(shown.stdout)["transcript"]  # as the import kept it


def test_or_replay_json_lines_stay_valid_json_with_escaped_controls(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """States printed as JSON lines through the guarded stream: still JSON, no raw
    control character (a C1 or a bidi override in a segment's text)."""
    source = tmp_path / "case.jsonl"
    text = "start the suction\x9b2J \u202eon\x7f"
    source.write_text(
        json.dumps({"t": 1.0, "speaker": "surgeon\x1b[2J", "text": text}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    result = run_cli("or", "replay", str(source), "--surgery", "pcnl", "--fast")
    assert result.returncode == 0, result.stderr
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    states = [json.loads(line) for line in result.stdout.splitlines()]
    assert states
