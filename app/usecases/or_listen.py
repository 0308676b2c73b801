"""The operating room listening to a recording (the same path as a live microphone,
fed from a file): the speech model, the surgery's closed set of commands, and each
utterance heard in order."""

import itertools
from collections.abc import Iterator
from pathlib import Path

from app.paths import AppPaths
from app.usecases.audio_import import load_recogniser
from core.orstate.surgeries import Surgery
from core.speech.audio_file import pcm_blocks
from core.speech.or_commands import CommandSet
from core.speech.or_listen import HeardInRoom, listen

BLOCK_S = 0.5  # as a microphone delivers sound: utterances end as soon as they are heard


def listen_to_file(
    paths: AppPaths, surgery: Surgery, audio: Path, threads: int = 2
) -> Iterator[HeardInRoom]:
    """Every utterance of ``audio`` as the room would hear it live. Raises
    ``AudioFileError`` or ``SpeechModelError`` (one line) before anything is heard."""
    recogniser = load_recogniser(paths, threads=threads)
    commands = CommandSet(surgery)
    blocks = pcm_blocks(audio, BLOCK_S)
    first = next(blocks, None)  # a file that cannot be decoded fails here, not mid-case
    if first is None:
        return
    yield from listen(recogniser, commands, itertools.chain([first], blocks))
