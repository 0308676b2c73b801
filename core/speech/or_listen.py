"""The operating room listening: a stream of sound cut into utterances, each recognised
and taken as one of the surgery's known commands or shown as heard (never applied).

To answer sooner, an utterance is recognised as soon as it has been quiet for
``EARLY_S`` (an early guess), while the cutter waits for the pause to last
``END_SILENCE_S``; when it does and nothing was said in between, the guess is the answer,
so the room waits for the longer of the two, not their sum."""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from core.speech.or_commands import CommandSet, HeardCommand
from core.speech.recogniser import Recogniser
from core.speech.utterances import Utterance, UtteranceCutter

EARLY_S = 0.2  # quiet after which an utterance is recognised as an early guess


@dataclass(frozen=True)
class HeardInRoom:
    utterance: Utterance
    heard: HeardCommand
    seconds: float  # recognising and matching it took this long
    started_at: float = 0.0  # the stream's time when its recognition began


def hear(recogniser: Recogniser, commands: CommandSet, utterance: Utterance) -> HeardInRoom:
    started = time.perf_counter()
    heard = commands.match(recogniser.command(utterance.samples, prompt=commands.prompt))
    return HeardInRoom(utterance, heard, time.perf_counter() - started, utterance.cut_at)


def listen(
    recogniser: Recogniser, commands: CommandSet, blocks: Iterable[np.ndarray]
) -> Iterator[HeardInRoom]:
    """Every utterance in ``blocks`` (16 kHz mono float32, any size) as it ends."""
    cutter = UtteranceCutter(early_s=EARLY_S)
    guess: HeardInRoom | None = None
    for block in blocks:
        for utterance in cutter.feed(block):
            if not utterance.final:
                guess = hear(recogniser, commands, utterance)
                continue
            if guess is not None and _same_sound(guess.utterance, utterance):
                yield replace(guess, utterance=utterance)  # recognised while waiting
            else:
                yield hear(recogniser, commands, utterance)
            guess = None
    for utterance in cutter.flush():
        yield hear(recogniser, commands, utterance)


def _same_sound(guess: Utterance, final: Utterance) -> bool:
    return guess.start == final.start and guess.samples.size == final.samples.size
