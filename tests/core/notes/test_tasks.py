"""The rule drafts, without any engine: a note's sections and a summary's answer."""

import jsonschema

from core.llm.rules import RuleEngine
from core.notes.rules_note import rule_note_sections
from core.notes.tasks import SessionsSummaryTask
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

TRANSCRIPT = """Therapist: What brings you in today?
Client: I feel overwhelmed at work and I have been sleeping badly.
Therapist: Let's try a breathing exercise when the racing thoughts start.
Client: Okay, I'll try that, it makes sense.
Therapist: Next week we will review a sleep diary.
"""


def test_a_notes_rule_draft_quotes_the_transcript_section_by_section() -> None:
    template = BUILTIN_TEMPLATES["soap"]
    answer = rule_note_sections(TRANSCRIPT, template.sections)
    jsonschema.validate(answer, template.schema())
    assert "overwhelmed" in answer["subjective"]
    assert "sleep diary" in answer["plan"]
    assert answer["risk"] == NOT_DISCUSSED  # the risk safety net writes that section


def test_a_summarys_rule_answer_covers_each_session() -> None:
    text = f"Session 1 (2026-01-05):\n{TRANSCRIPT}\n\nSession 2 (2026-01-12):\n{TRANSCRIPT}"
    task = SessionsSummaryTask(text)
    answer = task.rule_answer()
    jsonschema.validate(answer, task.schema)
    assert answer["summary"].startswith("Rule-based summary of 2 session(s).")
    assert len(answer["key_points"]) == 2


def test_the_rule_engine_gives_the_tasks_answer() -> None:
    task = SessionsSummaryTask(f"Session 1 (2026-01-05):\n{TRANSCRIPT}")
    result = RuleEngine().structured(task)
    assert result.obj == task.rule_answer() and result.degraded
