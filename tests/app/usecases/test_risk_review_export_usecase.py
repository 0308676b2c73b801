"""The risk review gate on export: a note that no longer holds a disclosure the safety net
found is exported only with a reason, kept with the version; the audit says a
confirmation was given, never the reason."""

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.exporters import EXPORTERS
from app.usecases.exports import (
    RemovedRiskError,
    copy_as_plain_text,
    export_note,
    removed_risks,
)
from app.usecases.notes import generate_note, save_edit
from core.llm.rules import RuleEngine
from core.store import audit
from core.store.notes import current_note
from core.store.patients import create_patient
from core.store.risk_confirmations import confirmations_of
from core.store.sessions import add_session

TRANSCRIPT = (
    "Therapist: What has been on your mind this week?\n"
    "Client: Honestly I keep thinking I would be better off dead, every single night.\n"
    "Therapist: Thank you for telling me. Let's talk about staying safe.\n"
)
QUOTE_WORDS = "better off dead"
REASON = "Discussed in person; recorded in the safety plan of 7 Dec."


@pytest.fixture
def session_id(fresh_db: Database) -> int:
    patient = create_patient(fresh_db, "Grace Hopper")
    session = add_session(fresh_db, patient.id, TRANSCRIPT)
    generate_note(fresh_db, RuleEngine(), session.id)
    return session.id


def _delete_the_quote(db: Database, session_id: int) -> None:
    note = current_note(db, session_id)
    assert note is not None and QUOTE_WORDS in note.version.content
    kept = [line for line in note.version.content.splitlines() if QUOTE_WORDS not in line]
    assert save_edit(db, session_id, "\n".join(kept)) is not None


def _actions(db: Database) -> list[str]:
    return [e.action for e in audit.list_entries(db, limit=500)]


def test_the_drafted_note_exports_without_asking(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    assert removed_risks(fresh_db, session_id) == []
    out = export_note(fresh_db, session_id, EXPORTERS["md"], tmp_path / "note.md")
    assert out.exists() and "confirm_removed_risk" not in _actions(fresh_db)


def test_an_edit_that_deletes_a_disclosure_is_not_exported_without_a_reason(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    _delete_the_quote(fresh_db, session_id)
    exports_before = _actions(fresh_db).count("export")
    for reason in (None, "", "   \n"):
        with pytest.raises(RemovedRiskError) as refused:
            export_note(
                fresh_db,
                session_id,
                EXPORTERS["md"],
                tmp_path / "note.md",
                removed_risk_reason=reason,
            )
        message = str(refused.value)
        assert "suicidal ideation (line 2)" in message and "Nothing was exported" in message
        assert "--confirm-removed-risk" in message and QUOTE_WORDS not in message
        assert "Put it back in the Risk section" in message
    with pytest.raises(RemovedRiskError):
        copy_as_plain_text(fresh_db, session_id)
    assert not (tmp_path / "note.md").exists()
    assert _actions(fresh_db).count("export") == exports_before


def test_a_reason_exports_it_and_is_kept_with_the_version_not_in_the_audit(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    _delete_the_quote(fresh_db, session_id)
    out = export_note(
        fresh_db,
        session_id,
        EXPORTERS["md"],
        tmp_path / "note.md",
        removed_risk_reason=f"  {REASON} ",
    )
    exported = out.read_text(encoding="utf-8")
    assert QUOTE_WORDS not in exported and REASON not in exported
    assert (
        "- Risk review: 1 disclosure the risk safety net found in the transcript "
        "(suicidal ideation (line 2)) is not in this note; the clinician confirmed"
    ) in exported
    note = current_note(fresh_db, session_id)
    assert note is not None
    [confirmation] = confirmations_of(fresh_db, note.version.id)
    assert confirmation.reason == REASON
    assert confirmation.removed == [
        {"category": "suicidal_ideation", "construct": "active_ideation", "lines": [2]}
    ]
    entries = audit.list_entries(fresh_db, limit=10)
    confirmed = next(e for e in entries if e.action == "confirm_removed_risk")
    assert confirmed.entity == "note_version" and confirmed.entity_id == note.version.id
    assert confirmed.detail == (
        f"session={session_id} removed=1 confirmation={confirmation.id} reason_chars={len(REASON)}"
    )
    assert all("safety plan" not in (e.detail or "") for e in entries)
    assert entries[0].action == "export" and audit.verify_chain(fresh_db).intact
    # The clipboard is gated the same way, with its own confirmation.
    assert "Patient: Grace Hopper" in copy_as_plain_text(
        fresh_db, session_id, removed_risk_reason="Copied for the referral letter."
    )
    assert len(confirmations_of(fresh_db, note.version.id)) == 2


def test_putting_the_quote_back_lifts_the_gate(
    fresh_db: Database, session_id: int, tmp_path: Path
) -> None:
    _delete_the_quote(fresh_db, session_id)
    note = current_note(fresh_db, session_id)
    assert note is not None
    save_edit(
        fresh_db,
        session_id,
        note.version.content + '\nClient: "I would be better off dead, every single night."',
    )
    assert removed_risks(fresh_db, session_id) == []
    export_note(fresh_db, session_id, EXPORTERS["md"], tmp_path / "note.md")
    assert (tmp_path / "note.md").exists()
