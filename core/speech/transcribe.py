"""A whole audio file transcribed block by block: each block of about 30 s (Whisper's
window) is cut at its quietest moment near the end, so that no word is split, and the
rest is carried into the next block. Memory stays at one block however long the file."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.llm.types import CancelToken
from core.speech.audio_file import SAMPLE_RATE, AudioFileError, audio_facts, pcm_blocks
from core.speech.recogniser import Heard, Recogniser
from core.speech.voices import VoiceEncoder

BLOCK_S = 30.0
SEARCH_S = 4.0  # the cut is sought in the block's last seconds
FRAME = SAMPLE_RATE // 50  # 20 ms frames for the loudness of the cut
SILENCE_PEAK = 1e-3  # a file whose loudest sample is below this holds no sound

Progress = Callable[[float, float | None], None]  # seconds done, seconds in all (if known)


class TranscriptionCancelled(Exception):
    pass


@dataclass(frozen=True)
class FileTranscript:
    heard: list[Heard]
    duration_s: float
    voices: list[np.ndarray | None]  # each stretch's voice embedding (none without an encoder)


def stretch_voices(
    encoder: VoiceEncoder | None, samples: np.ndarray, offset: float, heard: list[Heard]
) -> list[np.ndarray | None]:
    """Each stretch's voice, from the block it was heard in."""
    if encoder is None:
        return [None] * len(heard)
    found: list[np.ndarray | None] = []
    for stretch in heard:
        start = max(int((stretch.start - offset) * SAMPLE_RATE), 0)
        end = min(int((stretch.end - offset) * SAMPLE_RATE), samples.size)
        found.append(encoder.embed(samples[start:end]))
    return found


def quietest_cut(samples: np.ndarray, search: int) -> int:
    """Where to cut ``samples``: the start of the quietest 20 ms frame in the last
    ``search`` samples."""
    if samples.size <= search:
        return samples.size
    tail = samples[samples.size - search :]
    frames = tail[: tail.size // FRAME * FRAME].reshape(-1, FRAME)
    loudness = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    return samples.size - search + int(np.argmin(loudness)) * FRAME


def transcribe_file(
    recogniser: Recogniser,
    path: Path,
    *,
    on_progress: Progress | None = None,
    cancel: CancelToken | None = None,
    voices: VoiceEncoder | None = None,
) -> FileTranscript:
    """Every recognised stretch of speech in the file, with its times (and, given
    ``voices``, by default the recogniser's, each stretch's voice embedding). Raises
    ``AudioFileError`` for a file that cannot be read or holds no speech, and
    ``TranscriptionCancelled`` when ``cancel`` is set (between blocks)."""
    voices = voices or recogniser.voices
    total = audio_facts(path).duration_s
    heard: list[Heard] = []
    embeddings: list[np.ndarray | None] = []
    carried = np.zeros(0, dtype=np.float32)
    done, loudest = 0.0, 0.0
    search, window = int(SEARCH_S * SAMPLE_RATE), int(BLOCK_S * SAMPLE_RATE)
    for block in pcm_blocks(path, BLOCK_S - SEARCH_S):
        if cancel is not None and cancel.is_stopped:
            raise TranscriptionCancelled
        carried = np.concatenate([carried, block])
        loudest = max(loudest, float(np.abs(block).max(initial=0.0)))
        while carried.size >= window:
            if cancel is not None and cancel.is_stopped:
                raise TranscriptionCancelled
            cut = quietest_cut(carried[:window], search)
            found = recogniser.transcribe(carried[:cut], offset=done)
            heard += found
            embeddings += stretch_voices(voices, carried[:cut], done, found)
            done += cut / SAMPLE_RATE
            carried = carried[cut:]
            if on_progress:
                on_progress(done, total)
    if carried.size:
        if cancel is not None and cancel.is_stopped:
            raise TranscriptionCancelled
        found = recogniser.transcribe(carried, offset=done)
        heard += found
        embeddings += stretch_voices(voices, carried, done, found)
        done += carried.size / SAMPLE_RATE
    if on_progress:
        on_progress(done, total)
    if done == 0:
        raise AudioFileError(f"{path.name} holds no sound.")
    if not heard:
        quiet = (
            "is silent" if loudest < SILENCE_PEAK else "holds no speech that could be recognised"
        )
        raise AudioFileError(f"{path.name} {quiet}.")
    return FileTranscript(heard, done, embeddings)
