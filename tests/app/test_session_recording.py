"""A session recorded live (the use case under the window's Record dialog): a two-voice
dialogue spoken by espeak-ng at test time, fed in 0.1 s blocks from a thread as a
microphone delivers them, through the real recogniser and voice encoder. Each stretch is
reported as soon as its utterance ends; the session's transcript names both speakers
and keeps the times; the sound is kept (Ogg Opus, decodable) only when asked."""

import io
import threading

import av
import jiwer
import numpy as np
import pytest
from speech_audio import (
    CLIENT_VOICE,
    CLINICIAN_VOICE,
    SLEEP_DIALOGUE,
    at_16k,
    require_speech,
    silence,
    speak,
)

from app.usecases.recording import SessionRecording
from core.speech.errors import AudioFileError
from core.speech.model_dir import check_speech_model
from core.speech.recogniser import Heard, Recogniser
from core.speech.voices import CLIENT, CLINICIAN, VOICE_ENCODER_FILE, VoiceEncoder

pytestmark = pytest.mark.slow
DIALOGUE = SLEEP_DIALOGUE[:4]
VOICES = {CLINICIAN: CLINICIAN_VOICE, CLIENT: CLIENT_VOICE}
BLOCK = 1600  # 0.1 s at 16 kHz


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    folder = require_speech()
    voices = VoiceEncoder(folder.parent / VOICE_ENCODER_FILE)
    return Recogniser(check_speech_model(folder), threads=2, voices=voices)


def _dialogue() -> np.ndarray:
    parts = []
    for speaker, words in DIALOGUE:
        parts += [speak(words, voice=VOICES[speaker]), silence(1.0)]
    return at_16k(np.concatenate(parts))


def _feed(recording: SessionRecording, sound: np.ndarray) -> None:
    """From a thread of its own, as a microphone's capture does."""

    def capture() -> None:
        for start in range(0, sound.size, BLOCK):
            recording.feed(sound[start : start + BLOCK])

    thread = threading.Thread(target=capture)
    thread.start()
    thread.join()


def _normalised(text: str) -> str:
    return jiwer.RemovePunctuation()(text.lower()).strip()


def test_a_recorded_dialogue_becomes_a_transcript_with_both_speakers_and_times(
    recogniser: Recogniser,
) -> None:
    heard: list[Heard] = []
    recording = SessionRecording(recogniser, on_heard=heard.append)
    _feed(recording, _dialogue())
    session = recording.finish()
    assert session.audio is None  # by default the sound is never kept
    segments = session.transcript.segments
    assert len(heard) == len(segments) >= len(DIALOGUE)
    reference = " ".join(_normalised(words) for _, words in DIALOGUE)
    said = " ".join(_normalised(s.text) for s in segments)
    assert jiwer.wer(reference, said) < 0.25, said
    assert [s.speaker for s in segments][:2] == [CLINICIAN, CLIENT]
    starts = [s.start for s in segments]
    assert starts == sorted(starts) and all(s.end is not None and s.end > s.start for s in segments)
    assert abs(session.seconds - _dialogue().size / 16_000) < 0.2


def test_the_sound_is_kept_compressed_only_when_asked(recogniser: Recogniser) -> None:
    recording = SessionRecording(recogniser, keep_audio=True)
    sound = _dialogue()
    _feed(recording, sound)
    session = recording.finish()
    assert session.audio is not None and len(session.audio) < sound.size  # < 1 byte/sample
    with av.open(io.BytesIO(session.audio)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        decoded = sum(f.samples for f in container.decode(audio=0)) / stream.rate
    assert abs(decoded - sound.size / 16_000) < 0.1


def test_silence_gives_one_line_and_no_session(recogniser: Recogniser) -> None:
    recording = SessionRecording(recogniser)
    _feed(recording, np.zeros(16_000 * 3, dtype=np.float32))
    with pytest.raises(AudioFileError, match="Nothing was said"):
        recording.finish()
