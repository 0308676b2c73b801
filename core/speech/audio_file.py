"""Audio files (wav, mp3, m4a, ogg, flac, anything FFmpeg reads, through ``av``) decoded
to 16 kHz mono float32 in blocks, so that a two-hour recording needs no more memory than
a five-minute one. Errors name the file and the problem, never its content."""

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.speech.errors import AudioFileError

SAMPLE_RATE = 16_000

__all__ = ["SAMPLE_RATE", "AudioFacts", "AudioFileError", "audio_facts", "pcm_blocks"]


@dataclass(frozen=True)
class AudioFacts:
    duration_s: float | None  # as the container says (None when it does not)
    codec: str


def _container(path: Path) -> Any:
    import av  # FFmpeg's libraries load with the first audio file

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise AudioFileError(f"{path.name} cannot be opened ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(mode):
        raise AudioFileError(f"{path.name} is not a regular file.")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path.name} is empty.")
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, ValueError):
        raise AudioFileError(
            f"{path.name} cannot be read as audio (unknown or damaged format)."
        ) from None
    if not container.streams.audio:
        container.close()
        raise AudioFileError(f"{path.name} has no audio track.")
    return container


def audio_facts(path: Path) -> AudioFacts:
    """Duration and codec, read from the file's header."""
    import av

    with _container(path) as container:
        stream = container.streams.audio[0]
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        return AudioFacts(duration, stream.codec_context.name)


def pcm_blocks(path: Path, block_s: float = 30.0) -> Iterator[np.ndarray]:
    """The file's sound as 16 kHz mono float32 arrays of ``block_s`` seconds (the last
    one shorter). Raises ``AudioFileError`` when decoding fails part way."""
    import av

    size = int(block_s * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    held = 0
    with _container(path) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    pending.append(out.to_ndarray().reshape(-1))
                    held += pending[-1].size
                while held >= size:
                    joined = np.concatenate(pending)
                    yield joined[:size]
                    pending, held = [joined[size:]], joined.size - size
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError:
            raise AudioFileError(
                f"{path.name} is damaged: its audio stops decoding part way."
            ) from None
    rest = np.concatenate(pending) if pending else np.zeros(0, dtype=np.float32)
    while rest.size:
        yield rest[:size]
        rest = rest[size:]
