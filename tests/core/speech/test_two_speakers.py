"""Two voices told apart: a dialogue spoken at test time by two espeak-ng voices (a male
clinician asking, a female client answering) through the real recogniser and the real
voice encoder; each line is labelled with the voice that spoke it. One voice alone gets
no labels at all, rather than a made-up second speaker."""

from pathlib import Path

import numpy as np
import pytest
from speech_audio import (
    CLIENT_VOICE,
    CLINICIAN_VOICE,
    SLEEP_DIALOGUE,
    require_speech,
    silence,
    speak,
    write_wav,
)

from core.speech.model_dir import check_speech_model
from core.speech.recogniser import Recogniser
from core.speech.transcribe import transcribe_file
from core.speech.voices import (
    CLIENT,
    CLINICIAN,
    VOICE_ENCODER_FILE,
    VoiceEncoder,
    speaker_names,
    two_speakers,
)

pytestmark = pytest.mark.slow
DIALOGUE = SLEEP_DIALOGUE
VOICES = {CLINICIAN: CLINICIAN_VOICE, CLIENT: CLIENT_VOICE}


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    folder = require_speech()
    encoder = folder.parent / VOICE_ENCODER_FILE
    if not encoder.is_file():
        pytest.fail("make speech-model installs the voice encoder beside the speech model")
    return Recogniser(check_speech_model(folder), threads=2, voices=VoiceEncoder(encoder))


def _labelled(recogniser: Recogniser, path: Path) -> list[tuple[str | None, str]]:
    result = transcribe_file(recogniser, path)
    texts = [h.text for h in result.heard]
    return list(zip(speaker_names(two_speakers(result.voices), texts), texts, strict=True))


def _who_said(line: str) -> str:
    """The speaker of the dialogue line that shares most words with a heard stretch."""
    words = set(line.lower().replace(".", "").replace("?", "").replace(",", "").split())
    best = max(
        DIALOGUE, key=lambda turn: len(words & set(turn[1].lower().replace(".", "").split()))
    )
    return best[0]


def test_each_line_is_labelled_with_the_voice_that_spoke_it(
    recogniser: Recogniser, tmp_path: Path
) -> None:
    parts = []
    for speaker, words in DIALOGUE:
        parts += [speak(words, voice=VOICES[speaker]), silence(0.8)]
    labelled = _labelled(recogniser, write_wav(tmp_path / "two.wav", np.concatenate(parts)))
    assert len(labelled) >= len(DIALOGUE)
    right = sum(name == _who_said(text) for name, text in labelled)
    assert right / len(labelled) >= 0.9, labelled


def test_one_voice_alone_gets_no_speaker_labels(recogniser: Recogniser, tmp_path: Path) -> None:
    parts = []
    for _speaker, words in DIALOGUE:
        parts += [speak(words, voice="en-us"), silence(0.8)]
    labelled = _labelled(recogniser, write_wav(tmp_path / "one.wav", np.concatenate(parts)))
    assert {name for name, _ in labelled} == {None}
