"""Drafting as both front ends run it: a job on a queue served by its own thread, one time
limit, and the save (an AI version, audited) back on the database's thread."""

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from screen_heads import head_for
from sqlite_utils import Database

from app.engines import transcript_part_chars
from app.settings import InferenceSettings
from app.usecases.drafting import (
    NoteDrafting,
    drafting_timeout_s,
    note_timeout_s,
    start_note,
    start_summary,
    writing_status,
)
from app.usecases.errors import StoreError
from app.usecases.notes import NoteExistsError, NoteRequest, current_note
from app.usecases.patients import add_patient
from app.usecases.sessions import add_pasted_session
from core.llm.config import LlamaConfig
from core.llm.embedder import Embedder
from core.llm.jobs import Job, JobQueue, JobSink
from core.llm.local import LocalEngine
from core.llm.rules import RuleEngine
from core.notes.chunking import split_transcript
from core.notes.drafting import NoteDraft
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import RiskScreen
from core.notes.risk_screen_head import NONE
from core.notes.templates import BUILTIN_TEMPLATES
from core.store import audit

TRANSCRIPT = "Client: I feel low and I sleep badly.\nTherapist: Let's try a sleep diary."
INFERENCE = InferenceSettings(timeout_s=60, max_tokens=512, n_ctx=4096)


def _run(job: Job) -> tuple[str, Any]:
    """Run one job on a queue served by its own thread (the rules as the engine)."""
    done = threading.Event()
    outcome: list[tuple[str, Any]] = []

    def settle(kind: str) -> Any:
        def record(_job_id: str, value: Any) -> None:
            outcome.append((kind, value))
            done.set()

        return record

    job.sink = JobSink(
        on_result=settle("result"), on_error=settle("error"), on_cancelled=settle("cancelled")
    )
    queue = JobQueue(RuleEngine())
    thread = queue.start_thread("test-drafting")
    queue.submit(job)
    assert done.wait(30)
    queue.stop()
    thread.join(30)
    return outcome[0]


def test_a_note_is_drafted_on_the_engines_thread_and_saved_as_an_ai_version(
    fresh_db: Database,
) -> None:
    session = add_pasted_session(fresh_db, add_patient(fresh_db, "Ada").id, TRANSCRIPT).session
    drafting = start_note(fresh_db, session.id, "soap", INFERENCE)
    outcome, draft = _run(drafting.job())
    assert outcome == "result" and isinstance(draft, NoteDraft) and draft.template == "soap"
    result = drafting.save(fresh_db, draft)
    note = current_note(fresh_db, session.id)
    assert note is not None and note.version == result.version and note.is_ai_generated
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity_id) == ("generate", result.version.id)
    assert newest.detail == f"session={session.id} engine=rules"
    with pytest.raises(NoteExistsError):
        start_note(fresh_db, session.id, "soap", INFERENCE)


def test_a_summary_is_drafted_and_recorded(fresh_db: Database) -> None:
    patient = add_patient(fresh_db, "Ada")
    for _ in range(2):
        add_pasted_session(fresh_db, patient.id, TRANSCRIPT)
    drafting = start_summary(fresh_db, patient.id, INFERENCE)
    outcome, summary = _run(drafting.job())
    assert outcome == "result" and drafting.finish(fresh_db, summary).session_count == 2
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity_id) == ("summarize", patient.id)


def test_a_draft_of_a_file_is_never_stored(fresh_db: Database) -> None:
    drafting = NoteDrafting(NoteRequest(None, BUILTIN_TEMPLATES["default"], TRANSCRIPT), INFERENCE)
    _, draft = _run(drafting.job())
    with pytest.raises(StoreError, match="not stored"):
        drafting.save(fresh_db, draft)


def test_the_time_limit_grows_with_what_the_draft_may_generate() -> None:
    one_part = note_timeout_s(INFERENCE, TRANSCRIPT)
    assert one_part == pytest.approx(60)  # a note: one answer of max_tokens per part
    long = "\n".join([TRANSCRIPT] * 2000)  # several parts for the local model
    assert note_timeout_s(INFERENCE, long) >= 3 * one_part
    assert drafting_timeout_s(INFERENCE, TRANSCRIPT) == pytest.approx(60 * 3)  # a summary
    faster = INFERENCE.model_copy(update={"timeout_s": 10})
    assert note_timeout_s(faster, TRANSCRIPT) == pytest.approx(one_part / 6)
    template = BUILTIN_TEMPLATES["default"]
    drafting = NoteDrafting(NoteRequest(None, template, TRANSCRIPT), INFERENCE)
    assert drafting.timeout_s == one_part


def test_the_risk_section_lists_the_second_screens_findings_as_possible(
    fresh_db: Database, tiny_encoder: Path
) -> None:
    session = add_pasted_session(fresh_db, add_patient(fresh_db, "Ada").id, TRANSCRIPT).session
    net = RiskNet(screen=RiskScreen(Embedder(tiny_encoder), head_for("nssi")))
    drafting = start_note(fresh_db, session.id, "default", INFERENCE, risk_net=net)
    _, draft = _run(drafting.job())
    possible = [flag for flag in draft.risk_flags if flag.status == "possible"]
    assert [(f.line, f.category) for f in possible] == [(1, "self_harm")]
    risk = draft.sections["risk"]
    assert (
        'Transcript: Possible risk, please review: self-harm (line 1, Client): "I feel low '
        'and I sleep badly."'
    ) in risk.splitlines()
    assert "{{RED:I feel low" not in risk  # possible, never marked as a disclosure


def test_a_disclosure_the_second_screen_doubts_is_listed_as_possible_not_red(
    fresh_db: Database, tiny_encoder: Path
) -> None:
    transcript = "Client: I want to kill myself.\nClient: I slept badly all week."
    session = add_pasted_session(fresh_db, add_patient(fresh_db, "Ada").id, transcript).session
    doubting = replace(head_for(NONE), doubt=0.5)  # reads every line as no risk at all
    net = RiskNet(screen=RiskScreen(Embedder(tiny_encoder), doubting))
    drafting = start_note(fresh_db, session.id, "default", INFERENCE, risk_net=net)
    _, draft = _run(drafting.job())
    assert [(f.status, f.doubted) for f in draft.risk_flags] == [("possible", True)]
    risk = draft.sections["risk"]
    assert "Possible risk, please review: suicidal ideation (line 1, Client)" in risk
    assert "read as unlikely here" in risk
    assert "{{RED:I want to kill myself" not in risk


def test_the_writing_status_says_tokens_speed_and_time_left() -> None:
    assert writing_status(1, 0.0, 512) == "Writing… 1 token"
    assert (
        writing_status(101, 2.0, 512) == "Writing… 101 tokens, 50 tokens/s, about 8 s left at most"
    )
    assert writing_status(600, 10.0, 512).endswith("about 0 s left at most")


def test_a_transcript_that_fits_the_models_context_is_not_split(tiny_model: Path) -> None:
    # The longest ACI-Bench training visit is about 14,000 characters (some 3,500 tokens).
    visit = "\n".join(
        f"Doctor: question {n} about the knee?\nPatient: answer {n}." for n in range(300)
    )
    assert len(visit) > 14_000
    defaults = InferenceSettings()  # n_ctx 8192
    assert len(split_transcript(visit, transcript_part_chars(defaults, "local"))) == 1
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=defaults.n_ctx, n_threads=1))
    try:  # the tiny model was trained on 4096 tokens: it is opened with that, and splits
        opened = engine.info().details["n_ctx"]
        parts = split_transcript(visit, transcript_part_chars(defaults, "local", opened))
    finally:
        engine.close()
    assert opened == 4096 and len(parts) > 1
