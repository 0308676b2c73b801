"""The wrong-surgery guard (Qt-free): when several commands in a row name machines the
selected surgery does not have but another surgery does, it names that surgery.

A segment that names a machine of the selected surgery ends the run; one that names no
machine at all neither adds to it nor ends it. A phrase both surgeries have ("suction",
"lights") counts as the selected surgery's."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.orstate.rule_text import tokenize
from core.orstate.surgeries import Surgery

GUARD_AFTER = 3  # commands in a row that name only another surgery's machines


@dataclass(frozen=True)
class SurgerySuggestion:
    surgery: Surgery  # the surgery that has the machines named
    machines: tuple[str, ...]  # their names, as that surgery calls them
    commands: int  # how many commands in a row named them


def _phrases(surgery: Surgery) -> dict[str, str]:
    """Each name and alias, as words, with the machine's name."""
    found = {}
    for machine in surgery.machines.values():
        for phrase in (machine.name, *machine.aliases):
            words = " ".join(tokenize(phrase))
            if words:
                found[words] = machine.name
    return found


class SurgeryGuard:
    def __init__(self, selected: Surgery, others: Iterable[Surgery], after: int = GUARD_AFTER):
        self.selected, self.after = selected, after
        own = _phrases(selected)
        self._own = set(own)
        self._others = [
            (surgery, {p: n for p, n in _phrases(surgery).items() if p not in own})
            for surgery in others
            if surgery.name != selected.name
        ]
        self._run = 0
        self._named: Counter[tuple[str, str]] = Counter()  # (surgery, machine name)
        self.dismissed = False

    def heard(self, text: str) -> SurgerySuggestion | None:
        """Take one final segment's words; the suggestion once the run is long enough."""
        words = f" {' '.join(tokenize(text))} "
        if any(f" {phrase} " in words for phrase in self._own):
            self._run, self._named = 0, Counter()
            return None
        foreign = [
            (surgery.name, name)
            for surgery, phrases in self._others
            for phrase, name in phrases.items()
            if f" {phrase} " in words
        ]
        if not foreign:
            return self.suggestion()
        self._run += 1
        self._named.update(set(foreign))
        return self.suggestion()

    def suggestion(self) -> SurgerySuggestion | None:
        if self.dismissed or self._run < self.after:
            return None
        votes: Counter[str] = Counter()
        for (name, _machine), count in self._named.items():
            votes[name] += count
        best = max(votes, key=lambda s: votes[s])
        surgery = next(s for s, _ in self._others if s.name == best)
        names = tuple(sorted(n for s, n in self._named if s == best))
        return SurgerySuggestion(surgery, names, self._run)
