"""Cutting a live or recorded stream into utterances by loudness: 30 ms frames above
a threshold that follows the room's noise floor are speech; an utterance ends after
0.45 s below it, and is kept with 0.15 s of sound either side. Fed block by block, it
holds at most one utterance (capped at 15 s unless told otherwise) in memory."""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.speech.audio_file import SAMPLE_RATE

FRAME = SAMPLE_RATE * 30 // 1000
END_SILENCE_S = 0.45
PAD_S = 0.15
PAD_FRAMES = int(PAD_S * SAMPLE_RATE) // FRAME
MIN_SPEECH_S = 0.25
MAX_UTTERANCE_S = 15.0
MIN_THRESHOLD = 0.006  # RMS of full scale: quieter is never speech
FLOOR_FACTOR = 3.5  # speech is this many times louder than the noise floor


@dataclass(frozen=True)
class Utterance:
    start: float  # seconds from the stream's start
    end: float  # where the speech stopped (before the trailing pad)
    samples: np.ndarray
    cut_at: float = 0.0  # the stream's time when it was cut (its end is known then)
    final: bool = True  # False: an early guess, cut at a short pause that may not last


class UtteranceCutter:
    def __init__(
        self, *, max_utterance_s: float = MAX_UTTERANCE_S, early_s: float | None = None
    ) -> None:
        """``early_s``: also give the utterance as an early guess (``final=False``) once
        it has been quiet this long, so that it can be recognised while the cutter waits
        to know whether the pause lasts; the final one follows with the same samples
        when no speech came in between."""
        self._max_frames = int(max_utterance_s * SAMPLE_RATE) // FRAME
        self._early_frames = None if early_s is None else int(early_s * SAMPLE_RATE) // FRAME
        self._frames_seen = 0
        self._floor = MIN_THRESHOLD / FLOOR_FACTOR
        self._leftover = np.zeros(0, dtype=np.float32)
        self._history: deque[np.ndarray] = deque(maxlen=PAD_FRAMES)  # for the leading pad
        self._speech: list[np.ndarray] = []
        self._start_frame = 0
        self._quiet = 0  # quiet frames since speech was last heard
        self._loud = 0

    def feed(self, samples: np.ndarray) -> Iterator[Utterance]:
        """Utterances that ended within ``samples`` (16 kHz mono float32)."""
        data = np.concatenate([self._leftover, samples.astype(np.float32, copy=False)])
        usable = data.size // FRAME * FRAME
        self._leftover = data[usable:]
        for frame in data[:usable].reshape(-1, FRAME):
            done = self._frame(frame)
            if done is not None:
                yield done

    def flush(self) -> Iterator[Utterance]:
        """The utterance still open at the end of the stream, if it was speech."""
        if self._speech and self._loud * FRAME >= MIN_SPEECH_S * SAMPLE_RATE:
            yield self._finish()
        self._speech = []

    def _frame(self, frame: np.ndarray) -> Utterance | None:
        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        index = self._frames_seen
        self._frames_seen += 1
        loud = rms > max(MIN_THRESHOLD, FLOOR_FACTOR * self._floor)
        if not loud:  # the floor follows quiet frames down fast and up slowly
            self._floor = rms if rms < self._floor else self._floor * 0.98 + rms * 0.02
        if not self._speech:
            if loud:
                self._speech = [*self._history, frame]
                self._start_frame = index - len(self._history)
                self._quiet, self._loud = 0, 1
            else:
                self._history.append(frame)
            return None
        self._speech.append(frame)
        self._loud += loud
        self._quiet = 0 if loud else self._quiet + 1
        if self._quiet == self._early_frames and self._loud * FRAME >= MIN_SPEECH_S * SAMPLE_RATE:
            return self._utterance(final=False)
        ended = self._quiet * FRAME >= END_SILENCE_S * SAMPLE_RATE
        too_long = len(self._speech) >= self._max_frames
        if not (ended or too_long):
            return None
        if self._loud * FRAME < MIN_SPEECH_S * SAMPLE_RATE:  # a click, a cough
            self._speech = []
            self._history.clear()
            return None
        return self._finish()

    def _finish(self) -> Utterance:
        """The open utterance, closed."""
        utterance = self._utterance(final=True)
        self._speech = []
        self._history.clear()
        return utterance

    def _utterance(self, *, final: bool) -> Utterance:
        """The open utterance, with at most the pad of its trailing quiet frames."""
        keep = len(self._speech) - max(self._quiet - PAD_FRAMES, 0)
        samples = np.concatenate(self._speech[:keep])
        start = self._start_frame * FRAME / SAMPLE_RATE
        end = (self._start_frame + len(self._speech) - self._quiet) * FRAME / SAMPLE_RATE
        cut_at = self._frames_seen * FRAME / SAMPLE_RATE
        return Utterance(start, end, samples, cut_at, final)
