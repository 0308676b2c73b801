"""A patient summary across all sessions: gather the transcripts (never the private
notes), and record in the audit trail that one was made. The newest session's
disclosures (the risk safety net's) are always among its key points, with the session's
number and date, whatever the model writes (``core.notes.summary_risks``)."""

from sqlite_utils import Database

from app.usecases.transaction import record_event
from core.llm.engine import Engine
from core.llm.types import CancelToken
from core.notes.drafting import (
    DEFAULT_MAX_CHUNK_CHARS,
    PatientSummary,
    SummaryRequest,
    draft_summary,
)
from core.notes.risk_net import RiskNet
from core.notes.summary_risks import current_risk_points
from core.store.errors import StoreError
from core.store.patients import get_patient
from core.store.sessions import get_session, list_sessions

__all__ = ["PatientSummary", "SummaryRequest", "prepare_summary", "record_summary", "summarize"]


def prepare_summary(
    db: Database, patient_id: int, risk_net: RiskNet | None = None
) -> SummaryRequest:
    """Every session's transcript of the patient, oldest first, each under its header,
    and the newest session's disclosures (``risk_net``: default the built-in lexicon)."""
    get_patient(db, patient_id)
    sessions = sorted(
        list_sessions(db, patient_id), key=lambda s: (s.session_date, s.session_number)
    )
    if not sessions:
        raise StoreError(f"Patient {patient_id} has no sessions to summarise.")
    blocks = []
    for summary in sessions:
        session = get_session(db, summary.id)
        blocks.append(
            f"Session {session.session_number} ({session.session_date}):\n{session.transcript}"
        )
    flags = (risk_net or RiskNet()).detect(session.transcript)  # the newest session's
    risks = current_risk_points(session.session_number, session.session_date, flags)
    return SummaryRequest(patient_id, "\n\n".join(blocks), len(sessions), risks)


def record_summary(db: Database, summary: PatientSummary) -> None:
    record_event(db, "summarize", "patient", summary.patient_id)


def summarize(
    db: Database,
    engine: Engine,
    patient_id: int,
    *,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    cancel: CancelToken | None = None,
) -> PatientSummary:
    """Prepare, draft and record in one thread (tests); the front ends draft on their
    inference thread (``app.usecases.drafting``)."""
    request = prepare_summary(db, patient_id)
    summary = draft_summary(engine, request, max_chunk_chars=max_chunk_chars, cancel=cancel)
    record_summary(db, summary)
    return summary
