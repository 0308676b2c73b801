"""The rolling transcript buffer: the last ``window_s`` seconds of what was said in the room.

Segments arrive from a speech recogniser (final and partial hypotheses), a replayed file or
typed lines. The buffer keeps them sorted by their own timestamps and evicts by the
*newest timestamp seen*, never by the wall clock, so a replay at any speed and a live feed
behave the same.

Ownership: a buffer belongs to one thread (the operating-room pipeline's). It holds no
lock; other threads read a snapshot (:meth:`RollingBuffer.to_dict`,
:meth:`RollingBuffer.get_summary`).

Decisions:

- An entry is kept while ``t >= newest_t - window_s`` (an entry exactly ``window_s``
  older than the newest stays). An out-of-order entry already outside the window is
  dropped and counted as an eviction.
- A partial replaces the pending partial of the same speaker; a final from a speaker also
  removes that speaker's pending partial (the final is the finished hypothesis).
- Text is whitespace-normalised (one line per segment); whitespace-only text is ignored.
  An empty speaker becomes ``"unknown"``.
- ``max_entries`` is a hard cap; the oldest entries go first and count as evictions.
- :meth:`RollingBuffer.get_entries_since` is inclusive (``entry.t >= t``) and, like
  :meth:`RollingBuffer.get_entries_by_speaker`, includes partials; the LLM context
  shows final segments only.
"""

from __future__ import annotations

import bisect
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.files import write_text_atomically

FORMAT_VERSION = 1
UNKNOWN_SPEAKER = "unknown"


@dataclass(frozen=True)
class BufferEntry:
    """One transcript segment: seconds since the session started, who, what."""

    t: float
    speaker: str
    text: str
    is_final: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "speaker": self.speaker, "text": self.text, "is_final": self.is_final}


def _check_number(value: Any, what: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite")
    if positive and number <= 0:
        raise ValueError(f"{what} must be greater than 0")
    return number


def _format_window(window_s: float) -> str:
    return str(int(window_s)) if window_s.is_integer() else str(window_s)


class RollingBuffer:
    """The last ``window_s`` seconds of transcript, sorted by timestamp."""

    def __init__(
        self, window_s: float = 45.0, *, surgery: str = "", max_entries: int = 2000
    ) -> None:
        self.window_s = _check_number(window_s, "window_s", positive=True)
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError("max_entries must be a positive integer")
        self.surgery = surgery
        self.max_entries = max_entries
        self._entries: list[BufferEntry] = []
        self._keys: list[float] = []  # the entries' timestamps, parallel, for bisect
        self._partials: dict[str, BufferEntry] = {}
        self._newest_t: float | None = None
        self._evictions = 0

    # --- writing -------------------------------------------------------------------

    def add(self, t: float, speaker: str, text: str, is_final: bool = True) -> None:
        """Add a segment at time ``t`` (seconds); see the module docstring for the rules.

        Raises ValueError for a non-finite or non-numeric ``t``."""
        when = _check_number(t, "t")
        words = " ".join(str(text).split())
        if not words:
            return
        who = " ".join(str(speaker).split()) or UNKNOWN_SPEAKER
        pending = self._partials.pop(who, None)
        if pending is not None:
            self._remove(pending)
        if self._newest_t is None or when > self._newest_t:
            self._newest_t = when
        if when < self._newest_t - self.window_s:
            self._evictions += 1
            return
        self._insert(BufferEntry(when, who, words, bool(is_final)))
        self._evict()

    def _insert(self, entry: BufferEntry) -> None:
        index = bisect.bisect_right(self._keys, entry.t)
        self._entries.insert(index, entry)
        self._keys.insert(index, entry.t)
        if not entry.is_final:
            self._partials[entry.speaker] = entry

    def clear(self) -> None:
        """Forget every entry (the window, surgery and eviction count stay)."""
        self._entries.clear()
        self._keys.clear()
        self._partials.clear()
        self._newest_t = None

    def _remove(self, entry: BufferEntry) -> None:
        for index in range(len(self._entries) - 1, -1, -1):
            if self._entries[index] is entry:
                del self._entries[index]
                del self._keys[index]
                return

    def _evict(self) -> None:
        if self._newest_t is None:
            return
        cutoff = self._newest_t - self.window_s
        count = bisect.bisect_left(self._keys, cutoff)
        count = max(count, len(self._entries) - self.max_entries)
        if count <= 0:
            return
        for entry in self._entries[:count]:
            if self._partials.get(entry.speaker) is entry:
                del self._partials[entry.speaker]
        del self._entries[:count]
        del self._keys[:count]
        self._evictions += count

    # --- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> list[BufferEntry]:
        """A copy of every entry (final and partial), oldest first."""
        return list(self._entries)

    @property
    def evictions(self) -> int:
        return self._evictions

    @property
    def newest_t(self) -> float | None:
        """The newest timestamp ever added (the window's right edge), or None."""
        return self._newest_t

    def get_context_for_llm(self, phase: str | None = None) -> str:
        """The window's final segments as the prompt's transcript block (format in the
        module tests); the surgery part is omitted when the surgery is empty and the phase
        part when ``phase`` is None."""
        finals = [entry for entry in self._entries if entry.is_final]
        parts = ["--- Recent OR Transcript ---"]
        if self.surgery:
            parts.append(f"Surgery: {self.surgery}")
        if phase is not None:
            parts.append(f"Phase: {phase}")
        parts.append(f"Window: {_format_window(self.window_s)}s ({len(finals)} segments)")
        lines = [" | ".join(parts)]
        lines.extend(f"[{entry.t:.1f}s] {entry.speaker}: {entry.text}" for entry in finals)
        lines.append("--- End Transcript ---")
        return "\n".join(lines)

    def get_entries_since(self, t: float) -> list[BufferEntry]:
        """Entries with ``entry.t >= t``, oldest first (partials included)."""
        return self._entries[bisect.bisect_left(self._keys, float(t)) :]

    def get_entries_by_speaker(self) -> dict[str, list[BufferEntry]]:
        """Entries grouped by speaker, each list oldest first, speakers in first-seen order."""
        grouped: dict[str, list[BufferEntry]] = {}
        for entry in self._entries:
            grouped.setdefault(entry.speaker, []).append(entry)
        return grouped

    def get_summary(self) -> dict[str, Any]:
        """Counts and times, no text: safe to log. ``speakers`` is the sorted list of
        speaker names; ``duration_s`` spans the oldest to the newest kept entry."""
        oldest = self._keys[0] if self._keys else None
        newest = self._keys[-1] if self._keys else None
        return {
            "entries": len(self._entries),
            "final_entries": sum(1 for entry in self._entries if entry.is_final),
            "duration_s": (newest - oldest) if oldest is not None and newest is not None else 0.0,
            "speakers": sorted({entry.speaker for entry in self._entries}),
            "evictions": self._evictions,
            "window_s": self.window_s,
            "newest_t": newest,
            "oldest_t": oldest,
        }

    # --- persistence ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "window_s": self.window_s,
            "surgery": self.surgery,
            "max_entries": self.max_entries,
            "evictions": self._evictions,
            "newest_t": self._newest_t,
            "entries": [entry.to_dict() for entry in self._entries],
        }

    @classmethod
    def from_dict(cls, data: Any) -> RollingBuffer:
        """Rebuild a buffer from :meth:`to_dict`'s output. Raises ValueError naming the
        damaged field (never quoting transcript text)."""
        if not isinstance(data, Mapping):
            raise ValueError("rolling buffer data must be a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"rolling buffer data: unsupported version (expected {FORMAT_VERSION})"
            )
        try:
            window_s = _check_number(data.get("window_s"), "window_s", positive=True)
            max_entries = data.get("max_entries", 2000)
            surgery = data.get("surgery", "")
            if not isinstance(surgery, str):
                raise ValueError("surgery must be a string")
            evictions = data.get("evictions", 0)
            if isinstance(evictions, bool) or not isinstance(evictions, int) or evictions < 0:
                raise ValueError("evictions must be a non-negative integer")
            newest = data.get("newest_t")
            newest_t = None if newest is None else _check_number(newest, "newest_t")
            raw_entries = data.get("entries")
            if not isinstance(raw_entries, list):
                raise ValueError("entries must be a list")
            buffer = cls(window_s, surgery=surgery, max_entries=max_entries)
            for index, raw in enumerate(raw_entries):
                buffer._restore(index, raw)
        except ValueError as error:
            raise ValueError(f"rolling buffer data: {error}") from None
        if newest_t is not None and (buffer._newest_t is None or newest_t > buffer._newest_t):
            buffer._newest_t = newest_t
        buffer._evict()
        buffer._evictions = evictions
        return buffer

    def _restore(self, index: int, raw: Any) -> None:
        where = f"entries[{index}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where} must be an object")
        t = _check_number(raw.get("t"), f"{where}.t")
        speaker, text, is_final = raw.get("speaker"), raw.get("text"), raw.get("is_final", True)
        if not isinstance(speaker, str):
            raise ValueError(f"{where}.speaker must be a string")
        if not isinstance(text, str):
            raise ValueError(f"{where}.text must be a string")
        if not isinstance(is_final, bool):
            raise ValueError(f"{where}.is_final must be true or false")
        words, who = " ".join(text.split()), " ".join(speaker.split()) or UNKNOWN_SPEAKER
        if words:
            # Inserted as saved, not through add(): the replacement rules already ran.
            self._insert(BufferEntry(t, who, words, is_final))
            if self._newest_t is None or t > self._newest_t:
                self._newest_t = t

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the buffer as JSON atomically (see :func:`core.files.write_atomically`)."""
        write_text_atomically(Path(path), json.dumps(self.to_dict(), ensure_ascii=False))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RollingBuffer:
        """Read a buffer saved by :meth:`save`. Raises ValueError for a damaged file and
        OSError (e.g. FileNotFoundError) when it cannot be read."""
        text = Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"rolling buffer file {Path(path).name} is not valid JSON "
                f"(line {error.lineno}, column {error.colno})"
            ) from None
        return cls.from_dict(data)
