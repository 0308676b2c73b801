"""Sound captured live, handed from the thread that captures it to the one that
recognises it, and a session transcribed as it is spoken: each utterance (cut at a
pause, at most ``SESSION_UTTERANCE_S``) is recognised when it ends, with its times from
the recording's start and its voice for telling the two speakers apart at the end."""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from core.speech.recogniser import Heard, Recogniser
from core.speech.transcribe import stretch_voices
from core.speech.utterances import Utterance, UtteranceCutter

SESSION_UTTERANCE_S = 28.0  # within Whisper's 30 s window


class BlockQueue:
    """Blocks put from one thread, iterated on another until :meth:`close`; iteration
    ends after the blocks put before it."""

    _END = None

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()

    def put(self, block: np.ndarray) -> None:
        self._queue.put(block)

    def close(self) -> None:
        self._queue.put(self._END)

    def __iter__(self) -> Iterator[np.ndarray]:
        while (block := self._queue.get()) is not self._END:
            yield block


class SoundWorker:
    """A thread of its own running ``work`` over the blocks fed to it (from any thread),
    until :meth:`close`. If ``work`` fails, ``on_failed`` gets the exception on that thread
    and the blocks still fed are drained, so ``feed`` never blocks a capturing thread."""

    def __init__(
        self,
        name: str,
        work: Callable[[Iterator[np.ndarray]], None],
        on_failed: Callable[[Exception], None],
    ) -> None:
        self._blocks = BlockQueue()
        self._work, self._on_failed = work, on_failed
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def feed(self, block: np.ndarray) -> None:
        """16 kHz mono float32 as captured; returns at once."""
        self._blocks.put(block)

    def _run(self) -> None:
        try:
            self._work(iter(self._blocks))
        except Exception as exc:
            self._on_failed(exc)
            for _ in self._blocks:
                pass

    def close(self) -> None:
        """No more blocks: ``work`` ends after those already fed (returns at once)."""
        self._blocks.close()

    def join(self) -> None:
        self._thread.join()


@dataclass(frozen=True)
class HeardStretch:
    heard: Heard
    voice: np.ndarray | None  # the stretch's voice embedding (none without an encoder)


def transcribe_stream(
    recogniser: Recogniser, blocks: Iterable[np.ndarray]
) -> Iterator[HeardStretch]:
    """Every recognised stretch of ``blocks`` (16 kHz mono float32, any size), as soon as
    the utterance it is in ends."""
    cutter = UtteranceCutter(max_utterance_s=SESSION_UTTERANCE_S)

    def heard_in(utterances: Iterable[Utterance]) -> Iterator[HeardStretch]:
        for utterance in utterances:
            found = recogniser.transcribe(utterance.samples, offset=utterance.start)
            voices = stretch_voices(recogniser.voices, utterance.samples, utterance.start, found)
            for heard, voice in zip(found, voices, strict=True):
                yield HeardStretch(heard, voice)

    for block in blocks:
        yield from heard_in(cutter.feed(block))
    yield from heard_in(cutter.flush())
