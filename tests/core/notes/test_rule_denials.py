"""A client's denial of a plan, of intent or of thoughts of harming others is a denial in
the Risk section of the rule draft, never a line of the Plan, and never a disclosure."""

import pytest

from core.llm.rules import RuleEngine
from core.notes.drafting import draft_note
from core.notes.markers import strip_markers
from core.notes.risk import detect_risks
from core.notes.templates import BUILTIN_TEMPLATES

TRANSCRIPT = """Therapist: How was the fortnight?
Client: Rough. I feel flat and my appetite has gone.
Therapist: Have you had thoughts of killing yourself?
Client: Sometimes, late at night, I wish I could just disappear for good.
Therapist: Do you have a plan for how you would do it?
Client: No, I don't have a plan, and I would never act on it.
Therapist: Any thoughts of hurting anyone else?
Client: No thoughts of harming others.
Therapist: Let's try a grounding exercise when the night thoughts come.
Client: Okay, I'll try that.
Therapist: Next week we will go over your safety plan and book a follow up.
"""
DENIAL = "No, I don't have a plan, and I would never act on it."


def _section(text: str, title: str) -> str:
    after = text.split(f"\n{title}:\n", 1)[1]
    return after.split("\n\n", 1)[0]


@pytest.mark.parametrize("template", ["default", "soap", "birp", "dap", "girp"])
def test_a_denied_plan_goes_to_risk_as_a_denial_never_under_plan(template: str) -> None:
    text = draft_note(RuleEngine(), BUILTIN_TEMPLATES[template], TRANSCRIPT).text
    plan = _section(text, "Plan")
    assert "don't have a plan" not in plan and "never act on it" not in plan
    assert "safety plan" in plan  # the real plan stays
    risk = strip_markers(_section(text, "Risk"))
    assert f'Denies suicidal plan or intent (Client: "{DENIAL}").' in risk
    assert "Plan or means (disclosed" not in risk
    assert "Denies thoughts of harming others" in risk or "Denied violence" in risk
    assert "disappear for good" in risk  # the disclosure itself stays, in red


@pytest.mark.parametrize(
    "reply",
    [
        "No, I don't have a plan, and I would never act on it.",
        "I would never act on it.",
        "I have no plan and no intent.",
        "I have no intent to act on it.",
        "Honestly no, I wouldn't act on it.",
    ],
)
def test_denying_a_plan_or_intent_is_never_a_disclosure(reply: str) -> None:
    transcript = (
        "Therapist: Have you thought about ending your life?\n"
        "Client: Yes, most evenings.\n"
        f"Therapist: Do you have a plan for how you would do it?\nClient: {reply}\n"
    )
    flags = detect_risks(transcript)
    on_reply = [f for f in flags if 4 in f.lines and f.status == "disclosed"]
    assert on_reply == [], on_reply
    assert any(f.status == "disclosed" and f.lines[0] <= 2 for f in flags)


def test_acting_on_it_is_still_a_disclosure() -> None:
    transcript = (
        "Therapist: Have you thought about ending your life?\n"
        "Client: Yes, most evenings.\n"
        "Therapist: What stops you?\n"
        "Client: Nothing really, I think I will act on it soon.\n"
    )
    assert any(f.status == "disclosed" and 4 in f.lines for f in detect_risks(transcript))


def test_no_plans_for_the_weekend_is_not_a_risk_denial() -> None:
    transcript = (
        "Therapist: What are you doing this weekend?\n"
        "Client: I have no plan for the weekend yet, maybe a walk.\n"
        "Therapist: A walk sounds good; let's plan it for Saturday.\n"
    )
    text = draft_note(RuleEngine(), BUILTIN_TEMPLATES["default"], transcript).text
    assert "Denies" not in _section(text, "Risk")


@pytest.mark.parametrize(
    "reply", ["Not a plan. Just that thought, late at night.", "Nothing planned."]
)
def test_a_clipped_denial_after_a_risk_question_is_a_denial_not_the_plan(reply: str) -> None:
    transcript = (
        "Therapist: Have you had thoughts of ending your life?\n"
        f"Client: {reply}\n"
        "Therapist: We will write a safety plan together today.\n"
    )
    text = draft_note(RuleEngine(), BUILTIN_TEMPLATES["default"], transcript).text
    assert reply.split(".")[0] not in _section(text, "Plan")
    assert "Denies suicidal plan or intent" in strip_markers(_section(text, "Risk"))
