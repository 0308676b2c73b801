"""``auralis or listen --audio FILE``: a recording of the room, spoken at test time by
espeak-ng, heard through the real recogniser; a spoken command of the surgery turns its
machine on or off, talk that is no command changes nothing and is reported as heard, and
a silent or damaged recording gives one line."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT, CliRunner
from pulse_room import MIC_NAME, play, require_room
from speech_audio import RATE, require_speech, silence, speak, write_wav

pytestmark = pytest.mark.slow


@pytest.fixture
def run(tmp_path: Path) -> CliRunner:
    require_speech()
    return CliRunner(tmp_path / "home")


def _listen(run: CliRunner, audio: Path):  # type: ignore[no-untyped-def]
    return run("or", "listen", "--surgery", "PCNL", "--audio", str(audio), "--engine", "rules",
               AURALIS_MODELS_DIR=str(REPO_ROOT / "models"))  # fmt: skip


def test_a_spoken_command_toggles_its_machine_and_talk_changes_nothing(
    run: CliRunner, tmp_path: Path
) -> None:
    said = ["Turn on the C-arm.", "The weather is nice today.", "Lights off."]
    parts = []
    for words in said:
        parts += [speak(words), silence(1.2)]
    result = _listen(run, write_wav(tmp_path / "room.wav", np.concatenate(parts)))
    assert result.returncode == 0, result.stderr
    states = [json.loads(line) for line in result.stdout.splitlines()]
    toggles = [t for s in states for t in s["details"]["toggles"]]
    assert [(t["machine_id"], t["action"]) for t in toggles] == [("M04", "ON"), ("M09", "OFF")]
    assert "M04" in states[-1]["machines"]["1"] and "M09" in states[-1]["machines"]["0"]
    heard = [line for line in result.stderr.splitlines() if "not a command here" in line]
    assert len(heard) == 1 and "today" in heard[0].lower()  # whatever else it made of it


def test_silent_and_damaged_recordings_give_one_line(run: CliRunner, tmp_path: Path) -> None:
    quiet = _listen(run, write_wav(tmp_path / "quiet.wav", silence(3.0)))
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert "nothing was said in quiet.wav" in quiet.stderr
    damaged = tmp_path / "damaged.ogg"
    damaged.write_bytes(np.random.default_rng(3).bytes(20_000))
    broken = _listen(run, damaged)
    assert broken.returncode == 1 and broken.stdout == ""
    lines = [line for line in broken.stderr.splitlines() if line.startswith("auralis:")]
    assert len(lines) == 1 and "damaged.ogg cannot be read as audio" in lines[0]


def test_live_from_the_microphone_a_spoken_command_toggles_its_machine(
    run: CliRunner, tmp_path: Path
) -> None:
    """``--device``: the test run's PulseAudio input (tests/support/pulse_room.py) hears
    what is played into it; Ctrl+C ends listening after the last utterance is heard."""
    require_room()
    listed = run("or", "listen", "--list-devices")
    assert listed.returncode == 0, listed.stderr
    number = next(line.split(":")[0] for line in listed.stdout.splitlines() if MIC_NAME in line)
    listening = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "main.py"), "or", "listen", "--surgery", "PCNL",
         "--device", number, "--engine", "rules"],
        env=run.env(AURALIS_MODELS_DIR=str(REPO_ROOT / "models")), cwd=REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert listening.stderr is not None
        for line in listening.stderr:  # the microphone is open once this is said
            if "listening to" in line:
                break
        said = np.concatenate([silence(0.5), speak("Turn on the C-arm."), silence(1.5)])
        play(said, RATE, tmp_path).wait(timeout=60)
        listening.send_signal(signal.SIGINT)
        stdout, stderr = listening.communicate(timeout=120)
    finally:
        listening.kill()
    assert listening.returncode == 0, stderr
    states = [json.loads(line) for line in stdout.splitlines()]
    toggles = [t for s in states for t in s["details"]["toggles"]]
    assert [(t["machine_id"], t["action"]) for t in toggles] == [("M04", "ON")]


def test_a_microphone_that_is_not_there_gives_one_line(run: CliRunner) -> None:
    result = run("or", "listen", "--surgery", "PCNL", "--device", "99", "--engine", "rules",
                 AURALIS_MODELS_DIR=str(REPO_ROOT / "models"))  # fmt: skip
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("auralis:")]
    assert len(lines) == 1
    assert "no input device 99" in lines[0] or "No microphone was found" in lines[0]
