"""A risk found in a transcript: the flag the safety net and the window show.

Pure data; no state.
"""

from dataclasses import dataclass
from typing import Literal

from core.notes.risk_lexicon import RiskCategory

# "possible": the second screen's finding, for a clinician to review; never a disclosure.
RiskStatus = Literal["disclosed", "denied", "historical", "possible"]

RANK: dict[RiskStatus, int] = {"possible": 0, "denied": 1, "historical": 2, "disclosed": 3}
LABELS: dict[RiskCategory, str] = {
    **{"suicidal_ideation": "Suicidal ideation", "plan_or_means": "Plan or means"},
    **{"self_harm": "Self-harm", "violence": "Violence toward others", "abuse": "Abuse"},
    "overdose": "Overdose",
}


@dataclass(frozen=True)
class RiskFlag:
    """One risk found in a transcript: what, how it was said, and where."""

    category: RiskCategory
    status: RiskStatus
    quote: str  # the sentence (or clause) as it appears in the transcript line, trimmed
    line: int  # 1-based line number in the transcript text (the first, over several)
    speaker: str | None  # the line's speaker label, if any
    construct: str = ""  # what clinicians screen for, e.g. "nssi", "abuse_financial"
    lines: tuple[int, ...] = ()  # every line it rests on (a question and its answer)

    def __post_init__(self) -> None:
        if not self.lines:
            object.__setattr__(self, "lines", (self.line,))

    def describe(self) -> str:
        """One line for the note, e.g. ``Self-harm (disclosed, line 7, Client): "..."``."""
        label = LABELS[self.category]
        where = f"line {self.line}" + (f", {self.speaker}" if self.speaker else "")
        quote = " ".join(self.quote.split())
        if self.status == "possible":
            return f'Possible risk, please review: {label.lower()} ({where}): "{quote}"'
        if self.status == "disclosed":
            return f'{label} (disclosed, {where}): "{quote}"'
        prefix = "Denied" if self.status == "denied" else "Historical"
        return f'{prefix} {label[0].lower()}{label[1:]} ({where}): "{quote}"'
