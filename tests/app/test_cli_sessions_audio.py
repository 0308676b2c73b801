"""``auralis sessions add --audio``: a recording becomes a session's transcript through
the real recogniser, in a real subprocess under the network guard; a bad file, an
unknown patient or a missing speech model each give one line and store nothing."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT, CliRunner
from speech_audio import encode, require_speech, silence, speak

pytestmark = pytest.mark.slow
SAID = "The patient reports headaches for two weeks. Her knee has been swollen since Monday."


@pytest.fixture
def run(tmp_path: Path) -> CliRunner:
    require_speech()
    runner = CliRunner(tmp_path / "home")
    assert runner("patients", "add", "Ada Example").returncode == 0
    return runner


def _sessions(run: CliRunner) -> list[dict[str, object]]:
    listed = run("sessions", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    sessions: list[dict[str, object]] = json.loads(listed.stdout)
    return sessions


def test_a_recording_becomes_the_sessions_transcript(run: CliRunner, tmp_path: Path) -> None:
    audio = encode(np.concatenate([speak(SAID), silence(0.5)]), tmp_path / "visit.m4a")
    models = str(REPO_ROOT / "models")
    added = run("sessions", "add", "--patient", "1", "--audio", str(audio), "--json",
                AURALIS_MODELS_DIR=models)  # fmt: skip
    assert added.returncode == 0, added.stderr
    session = json.loads(added.stdout)
    assert session["transcript_format"] == "audio"
    text = str(session["transcript"]).lower()
    for word in ("patient", "headaches", "two weeks", "knee", "swollen"):
        assert word in text
    assert "transcribing visit.m4a" in added.stderr
    shown = json.loads(run("sessions", "show", str(session["id"]), "--json").stdout)
    lines = str(shown["transcript"]).splitlines()
    times = shown["line_times"]
    assert len(times) == len(lines) and times["1"][0] < times["1"][1] <= 12.0
    printed = run("sessions", "show", str(session["id"])).stdout
    assert f"[00:0{int(times['1'][0])}] {lines[0]}" in printed
    no_sound = run("sessions", "recording", str(session["id"]), "--output", str(tmp_path / "x"))
    assert no_sound.returncode == 1 and "has no recording" in no_sound.stderr


def test_speakers_are_swapped_or_renamed_in_one_command(run: CliRunner, tmp_path: Path) -> None:
    transcript = tmp_path / "visit.txt"
    transcript.write_text("Clinician: How are you?\nClient: Tired.\n", encoding="utf-8")
    assert run("sessions", "add", "--patient", "1", "--transcript", str(transcript)).returncode == 0
    swapped = run("sessions", "speakers", "1", "--swap")
    assert swapped.returncode == 0 and swapped.stdout.split() == ["Client", "Clinician"]
    renamed = run("sessions", "speakers", "1", "--rename", "Client=Dr Lee")
    assert renamed.stdout.splitlines() == ["Dr Lee", "Clinician"]
    unknown = run("sessions", "speakers", "1", "--rename", "Nurse=Kim")
    assert unknown.returncode == 1 and "no speaker called Nurse" in unknown.stderr


def test_bad_recordings_and_a_missing_model_give_one_line_and_store_nothing(
    run: CliRunner, tmp_path: Path
) -> None:
    from speech_audio import write_wav

    silent = write_wav(tmp_path / "quiet.wav", silence(4.0))
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(np.random.default_rng(2).bytes(30_000))
    models = str(REPO_ROOT / "models")
    cases = [
        (["--patient", "1", "--audio", str(silent)], models, "quiet.wav is silent"),
        (["--patient", "1", "--audio", str(damaged)], models, "damaged.mp3 cannot be read"),
        (["--patient", "7", "--audio", str(silent)], models, "No patient with id 7"),
        (["--patient", "1", "--audio", str(silent)], str(tmp_path), "No speech model found"),
    ]
    for args, models_dir, expected in cases:
        result = run("sessions", "add", *args, AURALIS_MODELS_DIR=models_dir)
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.startswith("auralis:")]
        assert len(lines) == 1 and expected in lines[0], result.stderr
    assert _sessions(run) == []
