"""Transcript segments as JSON lines, the way a speech recogniser (or an export) writes
them: ``{"t": 12.5, "speaker": "surgeon", "text": "...", "final": true}``."""

import json
import math
import time
from collections.abc import Callable

# t (seconds), speaker, text, final
Segment = tuple[float, str, str, bool]

# The latest time a segment may have: room for a recogniser that writes Unix times (about
# 1.7e9 now), none for 1e308, which would sort after every real segment.
MAX_SEGMENT_T = 1e10


def parse_segment_line(line: str) -> Segment | None:
    """The segment on one line; None for a blank line. Raises ``ValueError`` for a line
    that is not a segment (bad JSON, JSON nested too deeply, no number ``t`` from 0 to
    ``MAX_SEGMENT_T`` seconds, no string ``text``, text that is not valid Unicode); the
    message never quotes the line.
    ``speaker`` defaults to ``"unknown"``, ``final`` to true."""
    if not line.strip():
        return None
    try:
        item = json.loads(line)
        t, text = float(item["t"]), item["text"]
        if not isinstance(text, str) or not math.isfinite(t) or not 0 <= t <= MAX_SEGMENT_T:
            raise TypeError
        speaker = str(item.get("speaker") or "unknown")
        # Lone surrogates (undecodable bytes, or a "\ud800" escape) cannot be stored.
        text.encode("utf-8")
        speaker.encode("utf-8")
        return t, speaker, text, bool(item.get("final", True))
    # RecursionError: "[[[[..." nested deeper than the parser's stack; OverflowError: an
    # integer too large for a float.
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError):
        raise ValueError("not a transcript segment") from None


def bad_line_message(number: int) -> str:
    """What a front end says of a malformed line (never its content)."""
    return (
        f'line {number}: not a segment like {{"t": 12.5, "speaker": "surgeon", "text": "..."}} '
        f"(t: seconds from 0 to {MAX_SEGMENT_T:.0e}); skipped"
    )


class ReplayClock:
    """When a replayed segment is due: its time after the first segment's, divided by the
    speed, counted from the replay's start. A speed of 0 or less: everything is due now."""

    def __init__(self, speed: float, now: Callable[[], float] = time.monotonic) -> None:
        self.speed, self._now = speed, now
        self._started = now()
        self._first_t: float | None = None

    def due_in(self, t: float) -> float:
        """Seconds until the segment at ``t`` is due (0 or less: now)."""
        if self._first_t is None:
            self._first_t = t
        if self.speed <= 0:
            return 0.0
        return (t - self._first_t) / self.speed - (self._now() - self._started)
