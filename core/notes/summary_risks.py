"""The current disclosures a patient summary always carries: the risk safety net's
disclosures in the newest session, as key points naming the session and its date.

They are added by rule after the model's answer (a model's summary is never trusted to
keep them): first among the key points, urgent words marked red. "Current" is the newest
session only (by date, then number); what older sessions disclosed is history, in their
notes. Pure functions; never imports Qt.
"""

from collections.abc import Sequence

from core.notes.risk import mark_urgent_words
from core.notes.risk_flags import RiskFlag


def current_risk_points(
    session_number: int, session_date: str, flags: Sequence[RiskFlag]
) -> tuple[str, ...]:
    """One key point per disclosure of the session, e.g. ``Current risk, session 4
    (2026-11-30): Suicidal ideation (disclosed, line 2, Client): "..."``."""
    return tuple(
        mark_urgent_words(
            f"Current risk, session {session_number} ({session_date}): {flag.describe()}"
        )
        for flag in flags
        if flag.status == "disclosed"
    )


def with_current_risks(key_points: Sequence[str], risks: Sequence[str]) -> list[str]:
    """The risks first, then the model's points (a point that repeats a risk's line
    word for word is left out)."""
    return [*risks, *(point for point in key_points if point not in risks)]
