"""The speech recogniser: Whisper through faster-whisper (CTranslate2), loaded only from
a folder on disk (never a model hub), on the CPU with 8-bit weights."""

import logging
from dataclasses import dataclass

import numpy as np

from core.logs import log_event
from core.speech.audio_file import SAMPLE_RATE
from core.speech.model_dir import SpeechModel
from core.speech.short_window import NO_SPEECH, recognise_short
from core.speech.voices import VoiceEncoder

logger = logging.getLogger(__name__)
# faster-whisper logs an INFO line per window; the app's own line (below) is enough
logging.getLogger("faster_whisper").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Heard:
    """One recognised stretch of speech, times in seconds from the file's start."""

    start: float
    end: float
    text: str


class Recogniser:
    def __init__(
        self, model: SpeechModel, *, threads: int = 2, voices: VoiceEncoder | None = None
    ) -> None:
        from faster_whisper import WhisperModel  # loaded with the first recogniser

        self.model = model
        self.voices = voices  # tells speakers apart, where installed
        self._whisper = WhisperModel(
            str(model.folder),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            local_files_only=True,
        )
        self.english_only = model.name.endswith(".en")

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset: float = 0.0,
        prompt: str | None = None,
    ) -> list[Heard]:
        """What was said in ``samples`` (16 kHz mono float32). Greedy decoding, no
        conditioning on earlier text (it carries hallucinations from block to block)."""
        if samples.size < SAMPLE_RATE // 10:
            return []
        segments, _info = self._whisper.transcribe(
            samples,
            language="en" if self.english_only else None,
            beam_size=1,
            condition_on_previous_text=False,
            vad_filter=False,
            initial_prompt=prompt,
        )
        heard = [
            Heard(round(offset + s.start, 2), round(offset + s.end, 2), s.text.strip())
            for s in segments
            if s.text.strip() and s.no_speech_prob < NO_SPEECH
        ]
        log_event(
            logger,
            "speech.block",
            seconds=round(samples.size / SAMPLE_RATE, 1),
            segments=len(heard),
        )
        return heard

    def command(self, samples: np.ndarray, *, prompt: str | None = None) -> str:
        """What was said in one short utterance in the room, waited for live: decoded
        once on a window fitted to it (``core.speech.short_window``), at most 32 tokens,
        no retries at higher temperatures, so a garbled utterance cannot keep the room
        waiting for seconds. Empty when nothing was said."""
        if samples.size < SAMPLE_RATE // 10:
            return ""
        heard = recognise_short(self._whisper, samples, prompt=prompt)
        log_event(logger, "speech.command", seconds=round(samples.size / SAMPLE_RATE, 1))
        return heard.text if heard.no_speech < NO_SPEECH else ""
