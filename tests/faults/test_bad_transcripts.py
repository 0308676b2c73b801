"""Bad transcript files: every importer (.txt, .vtt, .srt, .json) returns segments with
text or refuses with a one-line ``TranscriptError``, never another exception, quickly,
and never quoting the transcript; through the real CLI, a clear error and no traceback."""

import json
from pathlib import Path

import corpus
import harness
import pytest
from conftest import CliRunner

FUZZ_BUDGET = 250  # per importer; bench/faults.py runs many more
HARD_CASES = {label: (filename, data) for label, filename, data in corpus.bad_transcripts()}


@pytest.mark.parametrize("filename", corpus.TRANSCRIPT_FILENAMES)
def test_every_importer_takes_fuzzed_bytes_cleanly(filename: str) -> None:
    outcome = corpus.fuzz_importer(filename, FUZZ_BUDGET)
    assert outcome.failures == []
    assert outcome.tried >= FUZZ_BUDGET // 2


@pytest.mark.parametrize("label", list(HARD_CASES))
def test_hard_cases_under_every_name(label: str) -> None:
    _filename, data = HARD_CASES[label]
    problems = [corpus.transcript_problem(data, name) for name in corpus.TRANSCRIPT_FILENAMES]
    assert [p for p in problems if p is not None] == []


REFUSED_BY_THE_CLI = (
    "empty",
    "random binary",
    "UTF-16 odd length",
    "SRT hours of 5000 digits",
    "SRT hours of 400 digits",
    "JSON nested 100,000 deep",
    "JSON lone surrogate",
    "JSON NaN times",
    "VTT header only",
    "Shift-JIS",
)


def test_sessions_add_refuses_bad_files_with_one_clear_line(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    assert run_cli("patients", "add", "Ada").returncode == 0
    problems = []
    paths = [tmp_path / "a folder", tmp_path / "missing.txt"]
    paths[0].mkdir()
    for number, label in enumerate(REFUSED_BY_THE_CLI):
        filename, data = HARD_CASES[label]
        paths.append(tmp_path / f"{number}-{filename}")
        paths[-1].write_bytes(data)
    for path in paths:
        result = run_cli("sessions", "add", "--patient", "1", "--transcript", str(path))
        problems += harness.cli_failure_problems(result, path.name)
        if "unexpected" in result.stderr:
            problems.append(f"{path.name}: an unexpected error: {result.stderr.strip()}")
    assert problems == []
    listing = run_cli("sessions", "list", "--json")
    assert listing.returncode == 0 and json.loads(listing.stdout) == []  # nothing half-written


# Shift-JIS and other multi-byte legacy encodings are refused (REFUSED_BY_THE_CLI).
SOUND = ("UTF-16 LE without BOM", "UTF-16 BE without BOM", "Latin-1")


def test_sessions_add_reads_odd_but_sound_encodings(run_cli: CliRunner, tmp_path: Path) -> None:
    assert run_cli("patients", "add", "Ada").returncode == 0
    for number, label in enumerate(SOUND):
        path = tmp_path / f"sound-{number}.txt"
        path.write_bytes(HARD_CASES[label][1])
        result = run_cli("sessions", "add", "--patient", "1", "--transcript", str(path), "--json")
        assert result.returncode == 0, (label, result.stderr)
        assert corpus.SECRET in json.loads(result.stdout)["transcript"], label
