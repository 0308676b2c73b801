"""A patient summary always carries the current disclosures (the newest session's risk
flags) into its key points, with the session's number and date, whatever the model
answered: the rules add them after the model, whose output is never trusted."""

import time
from datetime import date
from typing import Any

from sqlite_utils import Database

from app.usecases.summaries import prepare_summary, summarize
from core.llm.rules import RuleEngine
from core.llm.tasks import StructuredTask
from core.llm.types import GenerationResult
from core.notes.markers import strip_markers
from core.store.patients import create_patient
from core.store.sessions import add_session

FIRST = """Therapist: What would you like to work on?
Client: I feel tired all the time and work is hard to face.
Therapist: Let's keep a sleep diary this week.
"""
LATEST = """Therapist: How have things been since we last met?
Client: Worse. I have been thinking about ending my life most nights this week.
Therapist: I'm really glad you told me. What's happening at home?
Client: My partner shoved me into the wall on Friday and said next time will be worse.
Therapist: Let's talk about where you can stay safe this weekend.
"""
OLD_RISK = """Therapist: Anything since last time?
Client: Years ago I cut my arms, but not for a long time now. I feel calmer.
"""


class ReassuringEngine(RuleEngine):
    """The rules, but answering every summary the way a careless model might: no risk."""

    name = "local"

    def structured(self, task: StructuredTask, **_: Any) -> GenerationResult:
        answer = {"summary": "Stable mood; no risk concerns.", "key_points": ["Sleep improving."]}
        return self._result(time.perf_counter(), obj=answer, repairs=())


def _patient(db: Database) -> int:
    patient = create_patient(db, "Rosalind Franklin")
    add_session(db, patient.id, FIRST, session_date=date(2026, 11, 2))
    add_session(db, patient.id, LATEST, session_date=date(2026, 11, 30))
    return patient.id


def _risk_points(points: list[str]) -> list[str]:
    return [strip_markers(p) for p in points if strip_markers(p).startswith("Current risk")]


def test_the_latest_disclosures_are_key_points_whatever_the_model_says(
    fresh_db: Database,
) -> None:
    summary = summarize(fresh_db, ReassuringEngine(), _patient(fresh_db))
    risks = _risk_points(summary.key_points)
    assert len(risks) == 2, summary.key_points
    assert risks[0].startswith("Current risk, session 2 (2026-11-30): Suicidal ideation")
    assert "ending my life" in risks[0]
    assert risks[1].startswith("Current risk, session 2 (2026-11-30): Abuse")
    assert "partner shoved me" in risks[1]
    assert "Sleep improving." in summary.key_points  # the model's own points stay
    assert "{{RED:" in summary.key_points[0]  # shown red like every risk word


def test_the_rule_summary_carries_them_too(fresh_db: Database) -> None:
    summary = summarize(fresh_db, RuleEngine(), _patient(fresh_db))
    assert len(_risk_points(summary.key_points)) == 2


def test_only_the_newest_sessions_disclosures_are_current(fresh_db: Database) -> None:
    patient_id = _patient(fresh_db)
    add_session(fresh_db, patient_id, OLD_RISK, session_date=date(2026, 12, 7))
    request = prepare_summary(fresh_db, patient_id)
    assert request.current_risks == ()  # history and a calm session: nothing current
    summary = summarize(fresh_db, ReassuringEngine(), patient_id)
    assert _risk_points(summary.key_points) == []
