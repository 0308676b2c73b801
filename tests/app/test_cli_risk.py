"""``auralis risk scan|words`` in a real subprocess, and the risk net an installation
opens (the clinic's words file, the second screen) with its problems."""

import json
import shutil
from pathlib import Path

from conftest import SECOND_SCREEN_ENV, CliRunner

from app.paths import AppPaths
from app.risk_net import SCREEN_DIR, open_risk_net, why_no_screen, words_file
from app.settings import RiskSettings, Settings
from core.notes.risk_screen import SCREEN_MODEL_NAME

TRANSCRIPT = """Therapist: Have you had thoughts of ending your life?
Client: Sometimes, yeah.
Therapist: Anything you've done to get ready?
Client: No. I'd never go up the viaduct, I promise.
Client: My sister's a nurse. She had a patient who overdosed last week.
"""
WORDS = {"schema_version": 1, "phrases": [{"construct": "plan", "words": "up the viaduct"}]}


def _transcript(tmp_path: Path) -> Path:
    path = tmp_path / "session.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def test_scan_lists_the_risk_statements_of_a_transcript(run_cli: CliRunner, tmp_path: Path) -> None:
    done = run_cli("risk", "scan", str(_transcript(tmp_path)))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["LINES", "STATUS", "RISK", "QUOTE"]
    assert (
        lines[1].startswith("1-2") and "disclosed" in lines[1] and "Suicidal ideation" in lines[1]
    )
    assert len(lines) == 2  # the nurse's patient is someone else's story
    assert "second screen switched off" in done.stderr  # as the tests' settings say
    as_json = json.loads(run_cli("risk", "scan", str(_transcript(tmp_path)), "--json").stdout)
    assert as_json["second_screen"] is False
    assert [(f["category"], f["status"], f["lines"]) for f in as_json["flags"]] == [
        ("suicidal_ideation", "disclosed", [1, 2])
    ]


def test_a_bad_transcript_file_is_one_clear_message(run_cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    done = run_cli("risk", "scan", str(empty))
    assert done.returncode == 1 and done.stderr.startswith("auralis: error:")
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_clinics_words_are_used_and_shown(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    done = run_cli("risk", "words")
    assert done.returncode == 0 and "No clinic risk words" in done.stdout
    words = words_file(AppPaths.resolve(auralis_home))
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text(json.dumps(WORDS), encoding="utf-8")
    done = run_cli("risk", "words")
    assert done.returncode == 0 and f"{words}: valid, 1 phrase." in done.stdout
    scan = json.loads(run_cli("risk", "scan", str(_transcript(tmp_path)), "--json").stdout)
    assert ("plan_or_means", "denied", [4]) in [
        (f["category"], f["status"], f["lines"]) for f in scan["flags"]
    ]


def test_an_invalid_words_file_is_refused_with_where_and_the_net_still_works(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 1, "phrases": [{"construct": "x"}]}))
    done = run_cli("risk", "words", "--check", str(bad))
    assert done.returncode == 1
    assert done.stderr.startswith("auralis: error: The risk words file is not valid at phrases/0")
    words = words_file(AppPaths.resolve(auralis_home))
    words.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bad, words)
    scan = run_cli("risk", "scan", str(_transcript(tmp_path)))
    assert scan.returncode == 0 and "Suicidal ideation" in scan.stdout
    assert "built-in risk phrases are used without it" in scan.stderr


def test_the_second_screen_is_found_in_the_user_models_folder_and_can_be_turned_off(
    auralis_home: Path, tiny_encoder: Path
) -> None:
    paths = AppPaths.resolve(auralis_home)
    screen_dir = paths.models_dir / SCREEN_DIR
    screen_dir.mkdir(parents=True)
    shutil.copy(tiny_encoder, screen_dir / SCREEN_MODEL_NAME)
    on = open_risk_net(paths, Settings(risk=RiskSettings(second_screen=True)))
    assert on.net.screens and on.encoder is not None and on.problems == []
    assert on.encoder.name == SCREEN_MODEL_NAME
    off = open_risk_net(paths, Settings(risk=RiskSettings(second_screen=False)))
    assert not off.net.screens and off.encoder is None


def test_scan_with_the_second_screen_on_says_so(
    run_cli: CliRunner, auralis_home: Path, tmp_path: Path, tiny_encoder: Path
) -> None:
    screen_dir = AppPaths.resolve(auralis_home).models_dir / SCREEN_DIR
    screen_dir.mkdir(parents=True)
    shutil.copy(tiny_encoder, screen_dir / SCREEN_MODEL_NAME)
    done = run_cli(
        "risk", "scan", str(_transcript(tmp_path)), "--json", **{SECOND_SCREEN_ENV: "true"}
    )
    assert done.returncode == 0, done.stderr
    scan = json.loads(done.stdout)
    assert scan["second_screen"] is True
    disclosed = [f for f in scan["flags"] if f["status"] == "disclosed"]
    assert [(f["category"], f["lines"]) for f in disclosed] == [("suicidal_ideation", [1, 2])]
    assert all(f["status"] in ("disclosed", "denied", "possible") for f in scan["flags"])


def test_the_net_says_whether_its_second_screen_is_switched_off_or_missing() -> None:
    off = why_no_screen(Settings(risk=RiskSettings(second_screen=False)))
    missing = why_no_screen(Settings(risk=RiskSettings(second_screen=True)))
    assert "switched off" in off and "risk.second_screen = false" in off
    assert "not installed" in missing and "make" in missing
