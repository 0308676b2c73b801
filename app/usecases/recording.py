"""A session recorded in the room: sound from the microphone (any thread) is recognised
on a thread of its own as it comes, each stretch reported as soon as its utterance ends;
at the end the stretches become the session's transcript with the two speakers named.
The sound itself is kept only when asked (compressed in memory, then stored encrypted
with the session); by default it is never written anywhere."""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlite_utils import Database

from app.usecases.audio_import import transcript_from_stretches
from app.usecases.sessions import ImportedSession, add_transcript_session
from app.usecases.transaction import audited
from core.notes.transcript import Transcript
from core.speech.audio_file import SAMPLE_RATE
from core.speech.audio_stream import KEPT_FORMAT, KeptRecording
from core.speech.errors import AudioFileError
from core.speech.live import HeardStretch, SoundWorker, transcribe_stream
from core.speech.recogniser import Heard, Recogniser
from core.store.errors import StoreError
from core.store.session_audio import get_recording, recording_seconds


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
        self._stretches: list[HeardStretch] = []
        self._kept = KeptRecording() if keep_audio else None
        self._seconds = 0.0
        self._failure: BaseException | None = None
        self._discarded = threading.Event()
        self._on_heard = on_heard
        self._recogniser = recogniser
        self._worker = SoundWorker("session-recording", self._hear, self._failed)

    def feed(self, block: np.ndarray) -> None:
        """16 kHz mono float32 as captured; returns at once."""
        self._worker.feed(block)

    def _sound(self, blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        for block in blocks:
            if self._discarded.is_set():  # nothing more is heard, kept or reported
                return
            self._seconds += block.size / SAMPLE_RATE
            if self._kept is not None:
                self._kept.add(block)
            yield block

    def _hear(self, blocks: Iterator[np.ndarray]) -> None:
        for stretch in transcribe_stream(self._recogniser, self._sound(blocks)):
            if self._discarded.is_set():
                break
            self._stretches.append(stretch)
            if self._on_heard is not None:
                self._on_heard(stretch.heard)

    def _failed(self, exc: Exception) -> None:  # reported by finish(), on the caller's thread
        self._failure = exc

    def finish(self) -> RecordedSession:
        """Wait for the last utterance to be recognised (seconds: run it off the GUI
        thread) and give the session; ``AudioFileError`` when nothing was said."""
        self._worker.close()
        self._worker.join()
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
        """Stop without a session: the sound heard so far is dropped, and what is still
        queued is neither recognised nor kept (returns at once)."""
        self._discarded.set()
        self._worker.close()


def store_recorded_session(
    db: Database, patient_id: int, recorded: RecordedSession
) -> ImportedSession:
    """The recorded session as the patient's next session (audited), with its
    recording when it was kept."""
    kept = (recorded.audio, KEPT_FORMAT, recorded.seconds) if recorded.audio else None
    return add_transcript_session(db, patient_id, recorded.transcript, recording=kept)


def no_recording(session_id: int) -> str:
    return (
        f"Session {session_id} has no recording (recordings are kept only when the setting "
        "to keep them was on)."
    )


def recorded_seconds(db: Database, session_id: int) -> float | None:
    """The length of the session's kept recording; None when none was kept."""
    return recording_seconds(db, session_id)


def export_recording(db: Database, session_id: int, path: Path) -> Path:
    """Write a session's kept recording to ``path`` (its container's suffix added when
    missing), audited: the sound leaves the encrypted database. ``StoreError`` when the
    session has none."""
    recording = get_recording(db, session_id)
    if recording is None:
        raise StoreError(no_recording(session_id))
    if path.suffix.lower() != f".{recording.format}":
        path = path.with_name(f"{path.name}.{recording.format}")
    with audited(db, "The recording's export") as tx:
        try:
            path.write_bytes(recording.audio)
        except OSError as exc:
            raise StoreError(f"{path.name} cannot be written ({exc.strerror or exc}).") from None
        tx.record("export", "recording", session_id, detail=f"seconds={recording.seconds:.0f}")
    return path
