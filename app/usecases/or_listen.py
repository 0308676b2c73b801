"""The operating room listening to a recording (the same path as a live microphone,
fed from a file): the speech model, the surgery's closed set of commands, and each
utterance heard in order."""

import itertools
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from app.paths import AppPaths
from app.usecases.audio_import import load_recogniser
from core.logs import log_event
from core.orstate.surgeries import Surgery
from core.speech.audio_file import pcm_blocks
from core.speech.live import SoundWorker
from core.speech.or_commands import CommandSet
from core.speech.or_listen import HeardInRoom, listen
from core.speech.recogniser import Recogniser

logger = logging.getLogger(__name__)

BLOCK_S = 0.5  # as a microphone delivers sound: utterances end as soon as they are heard


def listen_to_file(
    paths: AppPaths, surgery: Surgery, audio: Path, threads: int = 2
) -> Iterator[HeardInRoom]:
    """Every utterance of ``audio`` as the room would hear it live. Raises
    ``AudioFileError`` or ``SpeechModelError`` (one line) before anything is heard."""
    recogniser, commands = load_room(paths, surgery, threads)
    blocks = pcm_blocks(audio, BLOCK_S)
    first = next(blocks, None)  # a file that cannot be decoded fails here, not mid-case
    if first is None:
        return
    yield from listen(recogniser, commands, itertools.chain([first], blocks))


class LiveRoom:
    """The room listening live: blocks from the microphone (any thread) are cut into
    utterances and recognised on a thread of their own; ``on_heard`` is called there with
    each, as soon as it ends."""

    def __init__(
        self,
        recogniser: Recogniser,
        commands: CommandSet,
        on_heard: Callable[[HeardInRoom], None],
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        self._on_heard, self._on_failed = on_heard, on_failed
        self._worker = SoundWorker(
            "room-listening", lambda blocks: self._hear(recogniser, commands, blocks), self._failed
        )

    def feed(self, block: np.ndarray) -> None:
        """16 kHz mono float32 as captured; returns at once."""
        self._worker.feed(block)

    def _hear(
        self, recogniser: Recogniser, commands: CommandSet, blocks: Iterator[np.ndarray]
    ) -> None:
        for heard in listen(recogniser, commands, blocks):
            self._on_heard(heard)

    def _failed(self, exc: Exception) -> None:  # the room must hear that listening stopped
        log_event(logger, "or.listen_failed", error=type(exc).__name__)
        if self._on_failed is not None:
            self._on_failed("Listening stopped: the speech recogniser failed.")

    def close(self) -> None:
        """Stop listening after the sound already fed (its last utterance is heard)."""
        self._worker.close()
        self._worker.join()

    def stop(self) -> None:
        """Stop without waiting: the utterance being recognised still ends, in the
        background (its caller decides whether it still counts)."""
        self._worker.close()


def load_room(paths: AppPaths, surgery: Surgery, threads: int = 2) -> tuple[Recogniser, CommandSet]:
    """The speech model and the surgery's commands; ``SpeechModelError`` (one line)."""
    return load_recogniser(paths, threads=threads), CommandSet(surgery)
