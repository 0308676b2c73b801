"""The surgical phase from the running transcript, by cue phrases and machine use.

Decisions: the phase only moves forward. A cue of a later phase (from the surgery file,
whole words, case-insensitive) moves to that phase, skipping any between (the latest cue in
the utterance wins); a machine turned ON moves to the first phase that machine is used in,
when that is later ("lithotripter on" -> Stone Management). Going back needs an explicit
cue: "back to", "go back", "return to" or "again" together with a cue or name of an earlier
phase ("back to access, the tract is lost"). One tracker per transcript stream, one thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.orstate.rule_text import tokenize
from core.orstate.rules import Toggle
from core.orstate.surgeries import Surgery

_BACK = re.compile(r"\b(back to|go back|going back|return to|returning to|again)\b")


class PhaseTracker:
    """Tracks the current phase of ``surgery``, starting at its first phase."""

    def __init__(self, surgery: Surgery) -> None:
        self.surgery = surgery
        self._ids = surgery.phase_ids
        self._index = 0
        self.history: list[tuple[str, float | None]] = [(self._ids[0], None)]
        self._cues: list[tuple[int, re.Pattern[str]]] = []
        for i, phase in enumerate(surgery.phases):
            phrases = sorted({" ".join(tokenize(c)) for c in (*phase.cues, phase.name)} - {""})
            if phrases:
                alt = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                self._cues.append((i, re.compile(rf"\b(?:{alt})\b")))

    @property
    def current(self) -> str:
        return self._ids[self._index]

    @property
    def next_phase(self) -> str | None:
        return self._ids[self._index + 1] if self._index + 1 < len(self._ids) else None

    def restore(self, phase_id: str) -> None:
        """Continue from a phase recorded earlier (resuming a case), backwards included."""
        if phase_id in self._ids and phase_id != self.current:
            self._index = self._ids.index(phase_id)
            self.history.append((self.current, None))

    def observe(self, text: str, toggles: Sequence[Toggle] = (), t: float | None = None) -> str:
        """Update from one utterance and the toggles parsed from it; the current phase id."""
        norm = " ".join(tokenize(text))
        hits = [i for i, pattern in self._cues if pattern.search(norm)]
        target = self._index
        later = [i for i in hits if i > self._index]
        if later:
            target = max(later)
        elif _BACK.search(norm):
            earlier = [i for i in hits if i < self._index]
            if earlier:
                target = max(earlier)
        for tog in toggles:
            if tog.action != "ON" or tog.machine_id not in self.surgery.machines:
                continue
            phases = self.surgery.machines[tog.machine_id].phases
            first = min((self._ids.index(p) for p in phases if p in self._ids), default=0)
            if first > target:
                target = first
        if target != self._index:
            self._index = target
            self.history.append((self.current, t))
        return self.current
