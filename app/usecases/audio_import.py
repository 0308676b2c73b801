"""A session from an audio file: the speech model found and checked, the file
transcribed block by block (progress, cancel), and the result stored as a normal
transcript the clinician can correct before drafting."""

from datetime import date
from pathlib import Path

import numpy as np
from sqlite_utils import Database

from app.engines import checksum_cache
from app.paths import AppPaths
from app.usecases.sessions import ImportedSession, add_transcript_session
from core.llm.types import CancelToken
from core.notes.transcript import Segment, Transcript, normalize_whitespace
from core.speech.model_dir import find_speech_model
from core.speech.recogniser import Heard, Recogniser
from core.speech.transcribe import Progress, transcribe_file
from core.speech.voices import VOICE_ENCODER_FILE, VoiceEncoder, speaker_names, two_speakers
from core.store.patients import get_patient

__all__ = [
    "import_audio_session",
    "load_recogniser",
    "require_patient",
    "transcript_from_audio",
    "transcript_from_stretches",
]


def require_patient(db: Database, patient_id: int) -> None:
    """``NotFoundError`` for an unknown patient, before any audio is transcribed."""
    get_patient(db, patient_id)


def load_recogniser(paths: AppPaths, *, threads: int = 2) -> Recogniser:
    """The recogniser on the first speech model in the models folders (checked by
    sha256); ``SpeechModelError`` says how to install one when there is none."""
    model = find_speech_model(paths.model_search_dirs(), checksum_cache(paths))
    encoder = model.folder.parent / VOICE_ENCODER_FILE
    voices = VoiceEncoder(encoder) if encoder.is_file() else None
    return Recogniser(model, threads=threads, voices=voices)


def transcript_from_audio(
    recogniser: Recogniser,
    path: Path,
    *,
    on_progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Transcript:
    """The file's speech as a transcript, one segment per recognised stretch with its
    times and, where two voices were told apart, "Clinician" or "Client". Raises
    ``AudioFileError`` (unreadable, silent) or ``TranscriptionCancelled``."""
    heard = transcribe_file(recogniser, path, on_progress=on_progress, cancel=cancel)
    return transcript_from_stretches(heard.heard, heard.voices)


def transcript_from_stretches(heard: list[Heard], voices: list[np.ndarray | None]) -> Transcript:
    """Recognised stretches as a transcript, one segment each with its times, named
    "Clinician" and "Client" where their voices (one per stretch) tell two apart."""
    texts = [normalize_whitespace(h.text) for h in heard]
    names = speaker_names(two_speakers(voices), texts)
    segments = tuple(
        Segment(text, name, h.start, h.end)
        for h, text, name in zip(heard, texts, names, strict=True)
        if text
    )
    return Transcript(segments, "audio", "pcm")


def import_audio_session(
    db: Database,
    patient_id: int,
    transcript: Transcript,
    *,
    session_date: date | None = None,
) -> ImportedSession:
    """Store a transcript made from audio as the patient's next session (audited)."""
    return add_transcript_session(db, patient_id, transcript, session_date=session_date)
