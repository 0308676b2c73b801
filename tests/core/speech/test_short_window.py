"""A command recognised on a window fitted to it rather than Whisper's 30 s: the window's
bounds, and real speech (espeak-ng) through the real recogniser."""

import numpy as np
import pytest
from speech_audio import at_16k, require_speech, silence, speak

from core.orstate.surgeries import load_surgeries
from core.speech.audio_file import SAMPLE_RATE
from core.speech.model_dir import check_speech_model
from core.speech.or_commands import CommandSet
from core.speech.recogniser import Recogniser
from core.speech.short_window import MIN_WINDOW_S, window_seconds


def test_the_window_holds_the_utterance_and_quiet_after_it_within_whispers_30_s() -> None:
    assert window_seconds(SAMPLE_RATE) == MIN_WINDOW_S  # a one-second command
    assert window_seconds(15 * SAMPLE_RATE) == 16  # 15 s and a second of quiet
    assert window_seconds(int(14.5 * SAMPLE_RATE)) == 16  # whole seconds, rounded up
    assert window_seconds(40 * SAMPLE_RATE) == 30  # never over Whisper's own window


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    return Recogniser(check_speech_model(require_speech()), threads=2)


@pytest.mark.slow
def test_a_spoken_command_is_heard_on_its_short_window(recogniser: Recogniser) -> None:
    prompt = CommandSet(load_surgeries().get("PCNL")).prompt
    heard = recogniser.command(at_16k(speak("Turn on the C-arm.")), prompt=prompt)
    assert "turn on the c" in heard.lower(), heard


@pytest.mark.slow
def test_a_quiet_or_too_short_utterance_is_heard_as_nothing(recogniser: Recogniser) -> None:
    assert recogniser.command(np.zeros(SAMPLE_RATE // 20, dtype=np.float32)) == ""
    assert recogniser.command(at_16k(silence(2.0))) == ""


@pytest.mark.slow
def test_a_surgery_with_very_many_machines_still_gets_heard(recogniser: Recogniser) -> None:
    # a clinic's own surgery file can name more machines than Whisper's prompt holds:
    # only the prompt's last tokens are given, as faster-whisper does
    prompt = "Operating room: " + ", ".join(f"machine {n}" for n in range(300)) + "."
    heard = recogniser.command(at_16k(speak("Lights off.")), prompt=prompt)
    assert "off" in heard.lower(), heard
