"""A sound server for the microphone tests: PulseAudio (Debian's package), started once
per test run in a folder of its own, with a null output named ``room`` and an input,
"Auralis-test-microphone", that hears whatever is played into it. Qt Multimedia captures
from that input as from any microphone, so a test speaks (``play``) and the app's real
capture, recogniser and window hear it. Without PulseAudio the microphone tests skip
(or fail where AURALIS_REQUIRE_SPEECH=1 was set for the run)."""

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest

MIC_NAME = "Auralis-test-microphone"
REQUIRED = os.environ.get("AURALIS_REQUIRE_SPEECH") == "1"  # read before tests clear it
_state: dict[str, object] = {}


def start() -> None:
    """Start the server (once, before Qt looks for sound devices); no-op without it."""
    if _state or shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        return
    runtime = Path(tempfile.mkdtemp(prefix="auralis-pulse-"))
    runtime.chmod(0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime)}
    started = subprocess.run(
        [
            "pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1",
            "--use-pid-file=yes", "--log-target=file:" + str(runtime / "pulse.log"),
            "-L", "module-native-protocol-unix",
            "-L", "module-null-sink sink_name=room",
            "-L", "module-remap-source master=room.monitor source_name=mic "
            f"source_properties=device.description={MIC_NAME}",
        ],
        env=env, capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        return
    subprocess.run(["pactl", "set-default-source", "mic"], env=env, check=False, timeout=60)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["PULSE_RUNTIME_PATH"] = str(runtime)
    _state.update(runtime=runtime, env=env)


def stop() -> None:
    env = _state.get("env")
    if isinstance(env, dict):
        subprocess.run(["pulseaudio", "--kill"], env=env, check=False, timeout=60)
        shutil.rmtree(str(_state["runtime"]), ignore_errors=True)
    _state.clear()


def require_room() -> None:
    """Skip (or fail, where required) without the sound server."""
    if not _state:
        missing = "PulseAudio (apt-get install pulseaudio pulseaudio-utils)"
        if REQUIRED:
            pytest.fail(f"the microphone tests are required here but {missing} is missing")
        pytest.skip(f"{missing} is missing")


def play(samples: np.ndarray, rate: int, folder: Path) -> subprocess.Popen[bytes]:
    """Play ``samples`` (float32) into the room, in the background: the test microphone
    hears them in real time. Wait on the returned process for the end."""
    path = folder / f"played-{len(list(folder.glob('played-*.wav')))}.wav"
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    env = _state["env"]
    assert isinstance(env, dict)
    return subprocess.Popen(["paplay", "--device=room", str(path)], env=env)
