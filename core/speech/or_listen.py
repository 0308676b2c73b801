"""The operating room listening: a stream of sound cut into utterances, each recognised
and taken as one of the surgery's known commands or shown as heard (never applied)."""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from core.speech.or_commands import CommandSet, HeardCommand
from core.speech.recogniser import Recogniser
from core.speech.utterances import Utterance, UtteranceCutter


@dataclass(frozen=True)
class HeardInRoom:
    utterance: Utterance
    heard: HeardCommand
    seconds: float  # from the utterance's end being known to its command (recognise + match)


def hear(recogniser: Recogniser, commands: CommandSet, utterance: Utterance) -> HeardInRoom:
    started = time.perf_counter()
    heard_words = recogniser.transcribe(utterance.samples, command=True)
    text = " ".join(h.text for h in heard_words).strip()
    heard = commands.match(text)
    return HeardInRoom(utterance, heard, time.perf_counter() - started)


def listen(
    recogniser: Recogniser, commands: CommandSet, blocks: Iterable[np.ndarray]
) -> Iterator[HeardInRoom]:
    """Every utterance in ``blocks`` (16 kHz mono float32, any size) as it ends."""
    cutter = UtteranceCutter()
    for block in blocks:
        for utterance in cutter.feed(block):
            yield hear(recogniser, commands, utterance)
    for utterance in cutter.flush():
        yield hear(recogniser, commands, utterance)
