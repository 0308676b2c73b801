"""The microphone through Qt Multimedia, really captured: a PulseAudio server started for
the test run (tests/support/pulse_room.py) offers an input that hears what a test plays,
so speech spoken by espeak-ng reaches ``Microphone`` as a real device delivers it and the
real recogniser hears its words. Pausing stops the sound; a missing device number gives
one line naming the inputs there are."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pulse_room import MIC_NAME, play, require_room
from pytestqt.qtbot import QtBot
from speech_audio import RATE, require_speech, silence, speak

from app.microphone import Microphone, MicrophoneError, input_devices, loudness, pick_device
from core.speech.model_dir import check_speech_model
from core.speech.recogniser import Recogniser

pytestmark = pytest.mark.slow
PLAYED_S = 8.0  # generous: the server starts playing within a second on a loaded machine


@pytest.fixture
def microphone(qtbot: QtBot) -> Iterator[Microphone]:
    require_room()
    assert MIC_NAME in input_devices()
    mic = Microphone(pick_device(input_devices().index(MIC_NAME)))
    yield mic
    mic.stop()


def _capture_while_playing(
    qtbot: QtBot, mic: Microphone, sound: np.ndarray, tmp_path: Path
) -> np.ndarray:
    blocks: list[np.ndarray] = []
    mic.block.connect(blocks.append)
    mic.start()
    player = play(sound, RATE, tmp_path)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=60_000)
    # what was played has all come through: as much sound after it as before the end
    heard_at_end = mic.seconds
    qtbot.waitUntil(lambda: mic.seconds >= heard_at_end + 1.0, timeout=60_000)
    return np.concatenate(blocks)


def test_spoken_words_reach_the_recogniser_through_the_microphone(
    qtbot: QtBot, microphone: Microphone, tmp_path: Path
) -> None:
    recogniser = Recogniser(check_speech_model(require_speech()), threads=2)
    sound = np.concatenate([silence(0.5), speak("Turn on the suction please."), silence(0.5)])
    captured = _capture_while_playing(qtbot, microphone, sound, tmp_path)
    assert captured.dtype == np.float32 and np.abs(captured).max() > 0.1
    heard = " ".join(h.text for h in recogniser.transcribe(captured)).lower()
    assert "suction" in heard, heard


def test_paused_capture_delivers_nothing_until_resumed(
    qtbot: QtBot, microphone: Microphone, tmp_path: Path
) -> None:
    levels: list[float] = []
    microphone.level.connect(levels.append)
    microphone.start()
    qtbot.waitUntil(lambda: microphone.seconds > 0.3, timeout=60_000)
    microphone.pause()
    qtbot.waitUntil(lambda: microphone.paused, timeout=60_000)
    during_pause = microphone.seconds
    player = play(speak("Nothing of this is heard."), RATE, tmp_path)
    player.wait(timeout=60)
    assert microphone.seconds - during_pause < 0.5  # at most what was already buffered
    microphone.resume()
    qtbot.waitUntil(lambda: microphone.seconds > during_pause + 0.5, timeout=60_000)
    assert levels and all(0.0 <= level <= 1.0 for level in levels)
    microphone.stop()
    microphone.stop()  # again: nothing (the fixture stops it a third time)


def test_a_device_number_that_is_not_there_names_the_inputs(qtbot: QtBot) -> None:
    require_room()
    with pytest.raises(MicrophoneError, match=f"no input device 99.*{MIC_NAME}"):
        pick_device(99)


def test_loudness_runs_from_silence_to_full_scale() -> None:
    assert loudness(np.zeros(1600, dtype=np.float32)) == 0.0
    assert loudness(np.ones(1600, dtype=np.float32)) == 1.0
    assert 0.4 < loudness(np.full(1600, 0.03, dtype=np.float32)) < 0.6  # -30 dBFS
