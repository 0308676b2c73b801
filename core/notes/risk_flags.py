"""A risk found in a transcript: the flag the safety net and the window show.

Pure data; no state.
"""

from dataclasses import dataclass
from typing import Literal

from core.notes.risk_lexicon import RiskCategory

# "possible": the second screen's finding, or a listed phrase it doubts, for a clinician to
# review; never a disclosure.
RiskStatus = Literal["disclosed", "denied", "historical", "possible"]

RANK: dict[RiskStatus, int] = {"possible": 0, "denied": 1, "historical": 2, "disclosed": 3}
LABELS: dict[RiskCategory, str] = {
    **{"suicidal_ideation": "Suicidal ideation", "plan_or_means": "Plan or means"},
    **{"self_harm": "Self-harm", "violence": "Violence toward others", "abuse": "Abuse"},
    "overdose": "Overdose",
}

# Each construct clinicians screen for, and the category the net reports it under.
CONSTRUCT_CATEGORY: dict[str, RiskCategory] = {
    **dict.fromkeys(
        ("wish_to_be_dead", "active_ideation", "intent", "past_attempt"), "suicidal_ideation"
    ),
    **dict.fromkeys(("method", "plan", "preparatory_acts"), "plan_or_means"),
    "nssi": "self_harm",
    **dict.fromkeys(("homicidal_ideation", "weapon_access"), "violence"),
    **dict.fromkeys(
        (
            "abuse_physical",
            "abuse_sexual",
            "abuse_emotional",
            "abuse_financial",
            "neglect",
            "coercive_control",
        ),
        "abuse",
    ),
    **dict.fromkeys(("overdose_event", "intoxication_event"), "overdose"),
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
    doubted: bool = False  # a listed phrase the second screen reads as unlikely: possible

    def __post_init__(self) -> None:
        if not self.lines:
            object.__setattr__(self, "lines", (self.line,))

    def describe(self) -> str:
        """One line for the note, e.g. ``Self-harm (disclosed, line 7, Client): "..."``
        (``lines 7-8`` for a question and its answer, or a statement over two lines)."""
        label = LABELS[self.category]
        first, last = min(self.lines), max(self.lines)
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        where += f", {self.speaker}" if self.speaker else ""
        quote = " ".join(self.quote.split())
        if self.status == "possible":
            doubted = " (a listed risk phrase, read as unlikely here)" if self.doubted else ""
            return f'Possible risk, please review: {label.lower()} ({where}): "{quote}"{doubted}'
        if self.status == "disclosed":
            return f'{label} (disclosed, {where}): "{quote}"'
        prefix = "Denied" if self.status == "denied" else "Historical"
        return f'{prefix} {label[0].lower()}{label[1:]} ({where}): "{quote}"'
