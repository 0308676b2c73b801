"""The note use cases on a real SQLite file, with the rule engine and the tiny GGUF."""

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from app.usecases.notes import (
    NoteExistsError,
    current_note,
    generate_note,
    note_diff,
    note_history,
    restore_note_version,
    save_edit,
)
from app.usecases.summaries import summarize
from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.rules import RuleEngine
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, GenerationResult, Message, TokenSink
from core.notes.markers import RED_MARKER as MARKER
from core.notes.markers import strip_markers
from core.notes.render import word_count
from core.notes.risk import URGENT_WORD_PATTERN
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED, WORD_CAP
from core.store import open_store
from core.store.patients import create_patient
from core.store.sessions import add_session, set_private_notes

TRANSCRIPT = """Therapist: How have you been since last week?
Client: I feel exhausted, I have been sleeping about four hours a night.
Client: Work has been really stressful and I can't switch off.
Therapist: Let's try a breathing exercise when you notice the racing thoughts.
Client: Honestly sometimes I think everyone would be better off without me.
Client: I would never hurt anyone though.
Therapist: Next week we will review a sleep diary, and I will give you a crisis line number.
Client: Okay, I'll try the breathing, that makes sense.
"""


class RecordingEngine:
    """A real engine (the rules, the tiny model) whose prompts are kept, to check what
    is sent."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.prompts = inner, inner.name, []

    def structured(self, task: StructuredTask, **kw: Any) -> GenerationResult:
        self.prompts.append("\n".join(m.content for m in task.messages))
        return self.inner.structured(task, **kw)

    def chat(self, messages: Sequence[Message], **kw: Any) -> GenerationResult:
        self.prompts.append("\n".join(m.content for m in messages))
        return self.inner.chat(messages, **kw)

    def complete(self, prompt: str, **kw: Any) -> GenerationResult:
        self.prompts.append(prompt)
        return self.inner.complete(prompt, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def session_id(fresh_db: Database) -> int:
    return add_session(fresh_db, create_patient(fresh_db, "Ada").id, TRANSCRIPT).id


def _section(text: str, title: str) -> str:
    match = re.search(rf"^{title}:\n(.*?)(?:\n\n|\Z)", text, re.S | re.M)
    assert match, title
    return match.group(1)


def test_rule_based_note(fresh_db: Database, session_id: int) -> None:
    result = generate_note(fresh_db, RuleEngine(), session_id)
    draft = result.draft
    assert draft.engine == "rules" and draft.degraded
    assert draft.text.startswith("[Rule-based draft")
    assert set(draft.sections) == set(BUILTIN_TEMPLATES["default"].keys)
    assert "four hours" in draft.sections["emotional_state"]
    assert "breathing exercise" in draft.sections["intervention"]
    assert "sleep diary" in draft.sections["plan"]
    risk = draft.sections["risk"]
    assert "better off without me" in strip_markers(risk)
    assert NOT_DISCUSSED not in risk
    assert any(f.status == "disclosed" for f in draft.risk_flags)
    version = result.version
    assert version.is_ai_generated and version.engine == "rules"
    assert version.sections == draft.sections


def test_overwrite_protection_and_regenerate(fresh_db: Database, session_id: int) -> None:
    first = generate_note(fresh_db, RuleEngine(), session_id)
    with pytest.raises(NoteExistsError, match="already has a note"):
        generate_note(fresh_db, RuleEngine(), session_id)
    assert len(note_history(fresh_db, session_id)) == 1
    second = generate_note(fresh_db, RuleEngine(), session_id, "soap", regenerate=True)
    assert [v.id for v in note_history(fresh_db, session_id)] == [
        first.version.id,
        second.version.id,
    ]
    assert second.version.template == "soap"


def test_edit_metadata(fresh_db: Database, session_id: int) -> None:
    draft = generate_note(fresh_db, RuleEngine(), session_id).version
    assert save_edit(fresh_db, session_id, draft.content) is None  # unchanged: no version
    edited = save_edit(fresh_db, session_id, draft.content + "\nReviewed with client.")
    assert edited is not None
    note = current_note(fresh_db, session_id)
    assert note is not None
    assert (note.is_ai_generated, note.edited_from_ai) == (False, True)
    assert note.generated_at == draft.generated_at
    assert note.last_edited_at == edited.created_at
    again = save_edit(fresh_db, session_id, "Shorter note.")
    assert again is not None and again.edited_from_ai  # still descends from the AI draft


def test_a_note_written_from_scratch_is_not_from_ai(fresh_db: Database, session_id: int) -> None:
    version = save_edit(fresh_db, session_id, "Plan:\nSee next week.")
    assert version is not None and not version.edited_from_ai and not version.is_ai_generated


def test_diff_and_restore(fresh_db: Database, session_id: int) -> None:
    draft = generate_note(fresh_db, RuleEngine(), session_id).version
    edited = save_edit(fresh_db, session_id, "Plan:\nSee next week.\n")
    assert edited is not None
    diff = note_diff(fresh_db, draft.id, edited.id)
    assert diff.startswith("--- version") and "+See next week." in diff
    restored = restore_note_version(fresh_db, draft.id)
    assert restored.content == draft.content
    assert restored.is_ai_generated and restored.generated_at == draft.generated_at
    assert len(note_history(fresh_db, session_id)) == 3


def test_private_notes_are_never_sent(
    fresh_db: Database, session_id: int, tiny_model: Path
) -> None:
    set_private_notes(fresh_db, session_id, "Zanzibar hypothesis about the family")
    model = RecordingEngine(LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=2)))
    try:
        generate_note(fresh_db, model, session_id, max_answer_tokens=16)
    finally:
        model.inner.close()
    rules = RecordingEngine(RuleEngine())
    summarize(fresh_db, rules, 1)
    prompts = model.prompts + rules.prompts
    assert model.prompts and rules.prompts and all("Zanzibar" not in p for p in prompts)
    assert all("four hours a night" in prompt for prompt in prompts)


def test_a_long_transcript_is_drafted_in_parts(fresh_db: Database, tiny_model: Path) -> None:
    patient = create_patient(fresh_db, "Bob")
    long_text = "\n".join([TRANSCRIPT] * 30)
    session = add_session(fresh_db, patient.id, long_text)
    engine = RecordingEngine(LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=2)))
    try:
        result = generate_note(
            fresh_db, engine, session.id, max_chunk_chars=2000, max_answer_tokens=16
        )
    finally:
        engine.inner.close()
    assert result.draft.parts > 5
    assert len(engine.prompts) == result.draft.parts  # one answer per part, no merge call
    assert "Built from a long transcript" in result.draft.text
    assert "better off without me" in strip_markers(result.draft.sections["risk"])


def test_summary_across_sessions(fresh_db: Database, session_id: int) -> None:
    add_session(fresh_db, 1, "Client: I feel calmer this week and I slept better.")
    summary = summarize(fresh_db, RuleEngine(), 1)
    assert summary.session_count == 2
    assert summary.total_text_length > len(TRANSCRIPT)
    assert summary.summary and summary.key_points
    assert summary.degraded and summary.engine == "rules"


def test_with_the_tiny_gguf_model(fresh_db: Database, session_id: int, tiny_model: Path) -> None:
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=2, seed=3))
    tokens: list[str] = []
    try:
        result = generate_note(
            fresh_db, engine, session_id, on_token=tokens.append, max_answer_tokens=64
        )
    finally:
        engine.close()
    draft = result.draft
    assert tokens  # the model streamed (its answer may then have been unusable)
    assert set(draft.sections) == set(BUILTIN_TEMPLATES["default"].keys)
    assert all(text.strip() for text in draft.sections.values())
    assert "better off without me" in strip_markers(draft.sections["risk"])
    assert draft.engine in ("local", "rules")
    assert result.version.engine == draft.engine


def _unmarked_urgent_words(text: str) -> list[str]:
    outside = MARKER.sub(" ", text)
    return URGENT_WORD_PATTERN.findall(outside)


LINES = [
    "Client: I have been sleeping badly and I feel low.",
    "Client: I want to kill myself some days.",
    "Client: I cut myself last night.",
    "Client: my partner hit me again.",
    "Client: I killed it at the presentation.",
    "Therapist: let's practise grounding and plan the next session.",
    "Client: no thoughts of harming myself.",
    "Client: work is stressful because of deadlines.",
    "Therapist: Have you had thoughts of suicide?",
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(LINES), min_size=1, max_size=12),
    st.sampled_from(sorted(BUILTIN_TEMPLATES)),
)
def test_every_note_is_complete_bounded_and_marked(lines: list[str], template: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_store(Path(folder) / "p.db", key=TEST_KEY)
        try:
            session = add_session(db, create_patient(db, "P").id, "\n".join(lines))
            draft = generate_note(db, RuleEngine(), session.id, template).draft
        finally:
            db.close()
    spec = BUILTIN_TEMPLATES[template]
    for section in spec.sections:
        text = draft.sections[section.key]
        assert text.strip(), section.key
        if not section.is_risk:
            assert word_count(text) <= WORD_CAP
    assert _unmarked_urgent_words(draft.text) == []
    for flag in draft.risk_flags:
        if flag.status == "disclosed":
            assert (
                strip_markers(flag.quote).lower()
                in strip_markers(draft.sections[spec.risk_key]).lower()
            )


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[str, str]]:
    kinds = st.sampled_from(["generate", "regenerate", "edit", "same", "restore"])
    return draw(
        st.lists(st.tuples(kinds, st.text(alphabet="abc ", min_size=1, max_size=8)), max_size=8)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations())
def test_metadata_across_generate_edit_regenerate(ops: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_store(Path(folder) / "m.db", key=TEST_KEY)
        try:
            sid = add_session(db, create_patient(db, "P").id, TRANSCRIPT).id
            _run_operations(db, sid, ops)
        finally:
            db.close()


def _run_operations(db: Database, sid: int, ops: list[tuple[str, str]]) -> None:
    for kind, text in ops:
        before = current_note(db, sid)
        count = before.version_count if before else 0
        if kind in ("generate", "regenerate"):
            if kind == "generate" and before is not None:
                with pytest.raises(NoteExistsError):
                    generate_note(db, RuleEngine(), sid)
                assert current_note(db, sid) == before  # refused: nothing changed
                continue
            generate_note(db, RuleEngine(), sid, regenerate=True)
            note = current_note(db, sid)
            assert note is not None and note.is_ai_generated and note.last_edited_at is None
        elif kind in ("edit", "same"):
            new_text = before.version.content if (kind == "same" and before) else f"Plan:\n{text}"
            saved = save_edit(db, sid, new_text)
            note = current_note(db, sid)
            assert note is not None
            if before is not None and new_text == before.version.content:
                assert saved is None and note.version_count == count
                continue
            from_ai = before is not None and (before.is_ai_generated or before.edited_from_ai)
            assert note.edited_from_ai == from_ai and not note.is_ai_generated
            assert note.last_edited_at == note.version.created_at
        elif before is not None:
            first = note_history(db, sid)[0]
            restore_note_version(db, first.id)
            note = current_note(db, sid)
            assert note is not None and note.version.content == first.content
            assert note.is_ai_generated == first.is_ai_generated
        else:
            continue
        after = current_note(db, sid)
        assert after is not None and after.version_count == count + 1


def test_a_token_sink_and_cancel_token_pass_through(fresh_db: Database, session_id: int) -> None:
    seen: list[str] = []
    sink: TokenSink = seen.append
    generate_note(fresh_db, RuleEngine(), session_id, on_token=sink, cancel=CancelToken())
    assert seen == []  # the rules answer at once; nothing streams
