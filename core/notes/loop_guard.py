"""Stopping a model that writes in circles, early, so that its time is not wasted.

A ``LoopGuard`` is a cancel token that also stops when the streamed text starts
repeating itself (one run of words written ``REPEATS`` times); it stops too whenever the
job's own token does, with that token's reason, and when an engine's ``cancel()``
cancels it. ``watch`` runs on the engine's thread; ``reason`` may be read from any.
"""

from collections import Counter

from core.llm.types import CancelToken, TokenSink
from core.notes.answer_checks import REPEAT_WORDS, REPEATS, words_of

CHECK_EVERY_CHARS = 200


class LoopGuard(CancelToken):
    def __init__(self, job: CancelToken | None) -> None:
        super().__init__()
        self._job = job
        self._text: list[str] = []
        self._checked_at = 0
        self._size = 0  # characters read so far
        self.looping = False

    @property
    def reason(self) -> str | None:
        """The guard's own cancel (an engine's ``cancel()`` reaches it), the job's
        reason, or "loop"."""
        if (own := super().reason) is not None:
            return own
        if self._job is not None and (reason := self._job.reason) is not None:
            return reason
        return "loop" if self.looping else None

    def watch(self, sink: TokenSink | None) -> TokenSink:
        """A token sink that reads the text for loops, then passes it on to ``sink``."""

        def read(piece: str) -> None:
            self._text.append(piece)
            self._size += len(piece)
            if self._size - self._checked_at >= CHECK_EVERY_CHARS:
                self._checked_at = self._size
                runs = Counter(_runs(words_of("".join(self._text))))
                self.looping = bool(runs) and max(runs.values()) >= REPEATS
            if sink is not None:
                sink(piece)

        return read


def _runs(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + REPEAT_WORDS]) for i in range(len(words) - REPEAT_WORDS + 1)]
