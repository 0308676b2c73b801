"""``auralis or listen --audio FILE``: a recording of the room, spoken at test time by
espeak-ng, heard through the real recogniser; a spoken command of the surgery turns its
machine on or off, talk that is no command changes nothing and is reported as heard, and
a silent or damaged recording gives one line."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT, CliRunner
from speech_audio import require_speech, silence, speak, write_wav

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
