"""Sound that arrives as it is captured: resampled to 16 kHz mono block by block, and,
where a recording is kept, compressed as it comes (Opus in Ogg, about 11 MB an hour) so
that an hour's session is never held as raw samples. Both through ``av`` (FFmpeg)."""

import io
from typing import Any

import numpy as np

from core.speech.audio_file import SAMPLE_RATE

KEPT_FORMAT = "ogg"  # the container of a kept recording (Opus inside)
KEPT_BITRATE = 24_000
OPUS_RATE = 48_000


def _mono_frame(samples: np.ndarray, rate: int) -> Any:
    import av

    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = rate
    return frame


class StreamResampler:
    """Mono float32 at ``rate`` Hz in, 16 kHz out, with the resampler's state kept
    between blocks (no clicks at block edges)."""

    def __init__(self, rate: int) -> None:
        import av

        self.rate = rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def resample(self, samples: np.ndarray) -> np.ndarray:
        if samples.size == 0:
            return np.zeros(0, dtype=np.float32)
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(
            _mono_frame(samples, self.rate)
        )]  # fmt: skip
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


class KeptRecording:
    """A recording compressed in memory as it is captured; :meth:`finish` gives the
    file's bytes (stored encrypted with the session, never written as a plain file)."""

    def __init__(self) -> None:
        import av

        self._buffer = io.BytesIO()
        self._container = av.open(self._buffer, mode="w", format=KEPT_FORMAT)
        self._stream = self._container.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        self._stream.bit_rate = KEPT_BITRATE
        # Opus takes frames of a fixed size at 48 kHz: the resampler cuts them.
        self._resampler = av.AudioResampler(
            format=self._stream.format.name,
            layout="mono",
            rate=OPUS_RATE,
            frame_size=self._stream.codec_context.frame_size or None,
        )
        self.seconds = 0.0

    def add(self, samples: np.ndarray) -> None:
        """16 kHz mono float32."""
        if samples.size == 0:
            return
        self.seconds += samples.size / SAMPLE_RATE
        self._encode(self._resampler.resample(_mono_frame(samples, SAMPLE_RATE)))

    def _encode(self, frames: list[Any]) -> None:
        for frame in frames:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)

    def finish(self) -> bytes:
        self._encode(self._resampler.resample(None))
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._buffer.getvalue()
