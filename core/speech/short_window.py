"""A short utterance (a command in the room) recognised on a window fitted to it.

faster-whisper pads every window to Whisper's 30 s, and on 2 cores the encoder then takes
about 0.5 s whatever was said: most of the time the room waits for a command. Whisper's
encoder reads a shorter window as well (its positions are cut to the window, as
whisper.cpp's ``audio_ctx`` does), at a tenth of the cost for a few seconds of speech. The
window is the utterance with quiet after it, never under ``MIN_WINDOW_S``; decoding is
greedy, without timestamps, after the room's prompt, as faster-whisper would decode it."""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.speech.audio_file import SAMPLE_RATE

FRAMES_PER_S = 100  # Whisper's log-mel frames: one per 10 ms
MAX_WINDOW_S = 30  # Whisper's own window
MIN_WINDOW_S = 12  # 8 s and 4 s misheard more on the OR blind set's development part
QUIET_AFTER_S = 1.0  # quiet added after the utterance inside the window
PROMPT_TOKENS = 223  # a prompt's last tokens, as faster-whisper keeps (half of 448, less one)
NO_SPEECH = 0.8  # above this the window is taken as no speech, as in the file path


@dataclass(frozen=True)
class ShortHeard:
    text: str
    no_speech: float  # Whisper's probability that the window held no speech


def window_seconds(samples: int) -> int:
    """The window for an utterance of ``samples``: whole seconds, the utterance and
    ``QUIET_AFTER_S`` of quiet, at least ``MIN_WINDOW_S``, at most Whisper's 30 s."""
    needed = samples / SAMPLE_RATE + QUIET_AFTER_S
    return int(min(max(math.ceil(needed), MIN_WINDOW_S), MAX_WINDOW_S))


def recognise_short(
    whisper: Any, samples: np.ndarray, *, prompt: str | None, max_new_tokens: int = 32
) -> ShortHeard:
    """What was said in ``samples`` (16 kHz mono float32; of a longer utterance, its
    first 29 s, so that quiet still follows inside Whisper's 30 s), in English, through
    faster-whisper's model ``whisper`` (its feature extractor, tokenizer and CTranslate2
    model)."""
    from ctranslate2 import StorageView
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    kept = samples[: int((MAX_WINDOW_S - QUIET_AFTER_S) * SAMPLE_RATE)]
    seconds = window_seconds(kept.size)
    padded = np.zeros(seconds * SAMPLE_RATE, dtype=np.float32)
    padded[: kept.size] = kept
    frames = seconds * FRAMES_PER_S
    features = whisper.feature_extractor(padded)[:, :frames]
    encoded = whisper.model.encode(
        StorageView.from_array(np.ascontiguousarray(features[None], dtype=np.float32))
    )
    multilingual = whisper.model.is_multilingual
    tokenizer = Tokenizer(
        whisper.hf_tokenizer,
        multilingual,
        task="transcribe" if multilingual else None,
        language="en" if multilingual else None,
    )
    start: list[int] = []
    if prompt:
        words = tokenizer.encode(" " + prompt.strip())[-PROMPT_TOKENS:]
        start = [tokenizer.sot_prev, *words]
    start += [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    result = whisper.model.generate(
        encoded,
        [start],
        beam_size=1,
        max_length=len(start) + max_new_tokens,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
    )[0]
    return ShortHeard(tokenizer.decode(result.sequences_ids[0]).strip(), result.no_speech_prob)
