"""A session recorded in the room: sound from the microphone (any thread) is recognised
on a thread of its own as it comes, each stretch reported as soon as its utterance ends;
at the end the stretches become the session's transcript with the two speakers named.
The sound itself is kept only when asked (compressed in memory, then stored encrypted
with the session); by default it is never written anywhere."""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from app.usecases.audio_import import transcript_from_stretches
from core.notes.transcript import Transcript
from core.speech.audio_file import SAMPLE_RATE
from core.speech.audio_stream import KeptRecording
from core.speech.errors import AudioFileError
from core.speech.live import BlockQueue, HeardStretch, transcribe_stream
from core.speech.recogniser import Heard, Recogniser


@dataclass(frozen=True)
class RecordedSession:
    transcript: Transcript
    seconds: float
    audio: bytes | None  # the recording (Ogg Opus), when it is kept


class SessionRecording:
    def __init__(
        self,
        recogniser: Recogniser,
        *,
        keep_audio: bool = False,
        on_heard: Callable[[Heard], None] | None = None,
    ) -> None:
        self._blocks = BlockQueue()
        self._stretches: list[HeardStretch] = []
        self._kept = KeptRecording() if keep_audio else None
        self._seconds = 0.0
        self._failure: BaseException | None = None
        self._on_heard = on_heard
        self._recogniser = recogniser
        self._thread = threading.Thread(target=self._run, name="session-recording", daemon=True)
        self._thread.start()

    def feed(self, block: np.ndarray) -> None:
        """16 kHz mono float32 as captured; returns at once."""
        self._blocks.put(block)

    def _sound(self) -> Iterator[np.ndarray]:
        for block in self._blocks:
            self._seconds += block.size / SAMPLE_RATE
            if self._kept is not None:
                self._kept.add(block)
            yield block

    def _run(self) -> None:
        try:
            for stretch in transcribe_stream(self._recogniser, self._sound()):
                self._stretches.append(stretch)
                if self._on_heard is not None:
                    self._on_heard(stretch.heard)
        except Exception as exc:  # reported by finish(), on the caller's thread
            self._failure = exc
            for _ in self._blocks:  # drain, so feed() never blocks a capturing thread
                pass

    def finish(self) -> RecordedSession:
        """Wait for the last utterance to be recognised (seconds: run it off the GUI
        thread) and give the session; ``AudioFileError`` when nothing was said."""
        self._blocks.close()
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        audio = self._kept.finish() if self._kept is not None else None
        if not self._stretches:
            raise AudioFileError("Nothing was said that could be recognised; nothing was stored.")
        transcript = transcript_from_stretches(
            [s.heard for s in self._stretches], [s.voice for s in self._stretches]
        )
        return RecordedSession(transcript, self._seconds, audio)

    def discard(self) -> None:
        """Stop without a session: the sound heard so far is dropped."""
        self._blocks.close()
        self._kept = None
