"""Audio files through the real recogniser (Whisper tiny.en on CTranslate2): speech made
at test time by espeak-ng, in the formats clinicians bring, a recording longer than one
30-second window, and the files that must give one clear line instead."""

from pathlib import Path

import jiwer
import numpy as np
import pytest
from speech_audio import encode, require_speech, silence, speak, write_wav

from core.llm.types import CancelToken
from core.speech.audio_file import SAMPLE_RATE, AudioFileError, pcm_blocks
from core.speech.model_dir import check_speech_model
from core.speech.recogniser import Heard, Recogniser
from core.speech.transcribe import BLOCK_S, TranscriptionCancelled, transcribe_file

pytestmark = pytest.mark.slow
SENTENCES = [
    "The patient reports headaches for two weeks.",
    "She takes ibuprofen twice a day with food.",
    "Her sleep has been poor since the accident.",
    "We will check her blood pressure next week.",
    "She walks the dog every morning before work.",
    "The pain is worse in the evening after dinner.",
    "Her mother had migraines when she was young.",
    "She drinks two cups of coffee every day.",
    "We talked about keeping a headache diary.",
    "She will come back in one month.",
]
WER_BOUND = 0.25  # tiny.en on clean espeak-ng speech measures 0.04-0.08 (bench/speech.py)


class CountingRecogniser(Recogniser):
    """The real recogniser, noting how much audio each call was given."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.block_sizes: list[int] = []

    def transcribe(self, samples: np.ndarray, *, offset: float = 0.0) -> list[Heard]:
        self.block_sizes.append(samples.size)
        return super().transcribe(samples, offset=offset)


@pytest.fixture(scope="module")
def recogniser() -> CountingRecogniser:
    return CountingRecogniser(check_speech_model(require_speech()), threads=2)


def _wer(reference: str, heard: list[Heard]) -> float:
    clean = jiwer.Compose(
        [jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
         jiwer.Strip(), jiwer.ReduceToListOfListOfWords()]
    )  # fmt: skip
    hypothesis = " ".join(h.text for h in heard)
    return float(
        jiwer.wer(reference, hypothesis, reference_transform=clean, hypothesis_transform=clean)
    )


def _spoken(sentences: list[str], pause: float = 0.8) -> np.ndarray:
    parts = []
    for sentence in sentences:
        parts += [speak(sentence), silence(pause)]
    return np.concatenate(parts)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3", ".m4a"])
def test_a_recording_in_each_format_becomes_its_words(
    recogniser: CountingRecogniser, tmp_path: Path, suffix: str
) -> None:
    samples = _spoken(SENTENCES[:2])
    path = tmp_path / f"session{suffix}"
    write_wav(path, samples) if suffix == ".wav" else encode(samples, path)
    result = transcribe_file(recogniser, path)
    assert _wer(" ".join(SENTENCES[:2]), result.heard) < WER_BOUND
    assert result.heard[0].start < result.heard[-1].end <= result.duration_s + 0.5


def test_a_recording_longer_than_a_window_is_transcribed_block_by_block(
    recogniser: CountingRecogniser, tmp_path: Path
) -> None:
    """Ten sentences with pauses (about 45 s): more than one 30-second block, each cut
    in a pause, every sentence heard once and in order, times rising."""
    path = write_wav(tmp_path / "long.wav", _spoken(SENTENCES, pause=1.5))
    recogniser.block_sizes.clear()
    seen: list[tuple[float, float | None]] = []
    result = transcribe_file(recogniser, path, on_progress=lambda d, t: seen.append((d, t)))
    assert len(recogniser.block_sizes) >= 2
    assert max(recogniser.block_sizes) <= BLOCK_S * SAMPLE_RATE  # memory: one block
    assert _wer(" ".join(SENTENCES), result.heard) < WER_BOUND
    starts = [h.start for h in result.heard]
    assert starts == sorted(starts)
    total = seen[-1][1]
    assert total is not None and seen[-1][0] == pytest.approx(total, abs=0.1)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_decoding_yields_bounded_blocks_whatever_the_length(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "tone.wav", np.sin(np.arange(22_050 * 70) / 7.0) * 0.1)
    blocks = list(pcm_blocks(path, block_s=26.0))
    assert [b.size for b in blocks[:-1]] == [26 * SAMPLE_RATE] * (len(blocks) - 1)
    assert sum(b.size for b in blocks) == pytest.approx(70 * SAMPLE_RATE, abs=SAMPLE_RATE // 10)
    assert all(b.dtype == np.float32 for b in blocks)


def test_cancel_stops_between_blocks(recogniser: CountingRecogniser, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", _spoken(SENTENCES, pause=1.5))
    token = CancelToken()
    recogniser.block_sizes.clear()
    with pytest.raises(TranscriptionCancelled):
        transcribe_file(recogniser, path, on_progress=lambda _d, _t: token.cancel(), cancel=token)
    assert len(recogniser.block_sizes) == 1


def test_files_that_cannot_be_used_give_one_clear_line(
    recogniser: CountingRecogniser, tmp_path: Path
) -> None:
    cases = {
        "silent.wav": (write_wav(tmp_path / "silent.wav", silence(5.0)), "silent.wav is silent"),
        "empty.mp3": ((tmp_path / "empty.mp3"), "empty.mp3 is empty"),
        "noise.m4a": ((tmp_path / "noise.m4a"), "noise.m4a cannot be read as audio"),
        "folder.wav": ((tmp_path / "folder.wav"), "folder.wav is not a regular file"),
        "missing.ogg": ((tmp_path / "missing.ogg"), "missing.ogg cannot be opened"),
    }
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "noise.m4a").write_bytes(np.random.default_rng(1).bytes(40_000))
    (tmp_path / "folder.wav").mkdir()
    for path, expected in cases.values():
        with pytest.raises(AudioFileError) as caught:
            transcribe_file(recogniser, path)
        message = str(caught.value)
        assert message.startswith(expected) and "\n" not in message
