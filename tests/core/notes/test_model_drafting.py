"""Drafting with a real model (the tiny random-weight llama.cpp model): whatever it
writes, is cut off or fails, the clinician gets a complete, checked, labelled draft."""

from pathlib import Path

import pytest
from gguf_builder import write_llama_gguf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.types import CancelToken
from core.notes.drafting import ModelOutcome, assemble_draft, draft_note
from core.notes.markers import RED_MARKER, strip_markers
from core.notes.model_note import ModelAnswer
from core.notes.note_text import note_chat_messages, parse_note_text
from core.notes.risk import detect_risks
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

DEFAULT = BUILTIN_TEMPLATES["default"]
VISIT = BUILTIN_TEMPLATES["visit"]
TRANSCRIPT = (
    "Therapist: How has the week been?\n"
    "Client: I have been sleeping four hours a night and I feel low.\n"
    "Client: Some nights I think everyone would be better off without me.\n"
    "Therapist: Let's practise grounding, and next week we review a sleep diary.\n"
)
CALM = "Doctor: What brings you in?\nPatient: A cough for three weeks, worse at night.\n"


@pytest.fixture(scope="module")
def model(tiny_model: Path) -> LocalEngine:
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=2, seed=5))
    yield engine
    engine.close()


def test_the_tiny_models_note_is_checked_and_labelled(model: LocalEngine) -> None:
    streamed: list[str] = []
    draft = draft_note(model, DEFAULT, TRANSCRIPT, max_answer_tokens=48, on_token=streamed.append)
    assert streamed and draft.engine == "local"
    assert list(draft.sections) == list(DEFAULT.keys)
    assert all(text.strip() for text in draft.sections.values())
    # Random weights write no headings: every section is the rules', and the note says so.
    assert draft.degraded and set(draft.rule_sections) == set(DEFAULT.keys) - {"risk"}
    first = draft.text.splitlines()[0]
    assert first.startswith("[Rule-based draft: the language model's text could not be used")
    assert "it did not write the note under its headings" in first
    assert "better off without me" in strip_markers(draft.sections["risk"])


@pytest.mark.parametrize(
    ("token", "notice"),
    [
        (CancelToken(timeout_s=0), "did not finish within the time limit"),
        ("cancelled", "draft was cancelled"),
    ],
)
def test_a_timeout_or_a_cancel_gives_the_labelled_rule_draft(
    model: LocalEngine, token: CancelToken | str, notice: str
) -> None:
    if token == "cancelled":
        token = CancelToken()
        token.cancel()
    draft = draft_note(model, DEFAULT, TRANSCRIPT, cancel=token)
    assert draft.degraded and draft.engine == "local"
    first = draft.text.splitlines()[0]
    assert first.startswith("[Rule-based draft: the language model") and notice in first
    assert all(text.strip() for text in draft.sections.values())
    assert "better off without me" in strip_markers(draft.sections["risk"])


def test_a_base_model_continues_a_plain_prompt(tmp_path: Path) -> None:
    path = write_llama_gguf(tmp_path / "base.gguf", chat_template=None)
    engine = LocalEngine(LlamaConfig(path, n_ctx=4096, n_threads=2, seed=5))
    prompts: list[str] = []
    complete = engine.complete

    def recording(prompt: str, **kw: object) -> object:
        prompts.append(prompt)
        return complete(prompt, **kw)  # type: ignore[arg-type]

    engine.complete = recording  # type: ignore[method-assign]
    try:
        draft = draft_note(engine, VISIT, CALM, max_answer_tokens=16)
    finally:
        engine.close()
    assert engine.info().has_chat_template is False
    assert prompts and prompts[0].endswith("Chief Complaint:\n")  # no made-up chat template
    assert "<|im_start|>" not in prompts[0] and "<start_of_turn>" not in prompts[0]
    assert list(draft.sections) == list(VISIT.keys)


def _assembled(text: str, template=DEFAULT, transcript: str = TRANSCRIPT):  # type: ignore[no-untyped-def]
    instructions = "\n".join(m.content for m in note_chat_messages(template, " "))
    answer = ModelAnswer(parse_note_text(template, text), instructions)
    outcome = ModelOutcome("local", "tiny", answer=answer)
    return assemble_draft(template, transcript, tuple(detect_risks(transcript)), outcome)


def test_a_usable_section_is_kept_and_the_rest_is_labelled() -> None:
    text = (
        "Chief Complaint: The client sleeps four hours a night and feels low.\n"
        "Emotional State: Low mood.\nRisk: No risk.\n"
        "Intervention: What the clinician did: techniques, psychoeducation, exercises.\n"
    )
    draft = _assembled(text)
    assert draft.sections["chief_complaint"].startswith("The client sleeps four hours")
    assert not draft.degraded and "chief_complaint" not in draft.rule_sections
    notice = draft.text.splitlines()[0]
    assert notice.startswith("[Drafted by the rules instead of the model")
    assert "Intervention (it repeats the instructions given to the model)" in notice
    assert "Risk (it says there is no risk, but the transcript has a disclosure)" in notice
    assert "No risk." not in draft.sections["risk"]


def test_risk_words_of_echoed_instructions_never_become_markers() -> None:
    echo = "\n".join(f"{s.title}: {s.instruction}" for s in DEFAULT.sections)
    draft = _assembled(echo, transcript=CALM)
    assert "suicidal" in echo.lower() and RED_MARKER.search(draft.text) is None
    assert draft.degraded


HEADINGS = [f"{s.title}:" for s in VISIT.sections] + ["## Results", "**Risk**:"]
PIECES = st.one_of(
    st.sampled_from(HEADINGS),
    st.sampled_from(["No risk.", NOT_DISCUSSED, "{{RED:suicide}}", '"]["', "N/A", "\n"]),
    st.text(min_size=0, max_size=40),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=25).map(" ".join))
def test_whatever_the_model_writes_the_draft_is_complete_safe_and_labelled(text: str) -> None:
    transcript = CALM + "Patient: Some nights I think everyone would be better off without me.\n"
    draft = _assembled(text, VISIT, transcript)
    assert list(draft.sections) == list(VISIT.keys)
    assert all(section.strip() for section in draft.sections.values())
    risk = draft.sections["risk"]
    assert "better off without me" in strip_markers(risk) and "{{RED:" in risk
    kept = [k for k in VISIT.keys if k != "risk" and k not in draft.rule_sections]
    if kept:
        assert not draft.degraded and not draft.text.startswith("[Rule-based draft")
    else:
        assert draft.degraded and draft.text.startswith("[Rule-based draft")
