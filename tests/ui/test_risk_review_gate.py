"""The risk review gate in the real window: deleting a disclosure's quote in the editor
shows it as "removed from the note" in the Risk tab, and exporting asks for a reason
first (cancelling writes nothing); the reason is kept with the version, and the audit
trail says a confirmation was given without saying the reason."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from core.store import audit
from core.store.notes import current_note, note_history
from core.store.risk_confirmations import confirmations_of
from tests.ui.test_accessible_names import unnamed
from tests.ui.window_fixture import WindowFactory, patient_with_session
from ui.main_window import MainWindow
from ui.sessions.export_gate import RemovedRiskDialog
from ui.sessions.risk_panel import REMOVED

TRANSCRIPT = """Therapist: What brings you in today?
Client: Work is grinding me down and I sleep badly.
Therapist: Has it ever got so bad you thought of ending things?
Client: Yes. On Sunday I stood on the bridge and wanted to jump.
Therapist: Thank you for telling me. Let's build a safety plan together.
"""
WORDS = "stood on the bridge"
REASON = "Discussed with the client; documented in the crisis plan."


def _note_with_a_disclosure(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> int:
    panel = window.sessions
    source = tmp_path / "session.txt"
    session_id = patient_with_session(window, qtbot, source, TRANSCRIPT, "Gate Patient")
    with qtbot.waitSignal(panel.job.note_saved, timeout=120_000):
        qtbot.mouseClick(panel.view.generate_button, Qt.MouseButton.LeftButton)
    assert WORDS in panel.view.editor.toPlainText()
    assert not panel.view.risks.removed
    return session_id


def _delete_lines_with(window: MainWindow, qtbot: QtBot, words: str) -> None:
    """Select each line holding ``words`` and press Delete, as a clinician would."""
    editor = window.sessions.view.editor
    editor.setFocus()
    while (block := editor.document().find(words).block()).isValid():
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert words not in editor.toPlainText()


def _removed_items(window: MainWindow) -> list[str]:
    risks = window.sessions.view.risks.list
    texts = [risks.item(i).text() for i in range(risks.count())]
    return [t for t in texts if t.startswith(REMOVED)]


def test_deleting_a_disclosure_is_flagged_and_export_asks_for_a_reason(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _note_with_a_disclosure(window, qtbot, tmp_path)
    db = window.context.db
    versions = len(note_history(db, session_id))
    _delete_lines_with(window, qtbot, WORDS)
    qtbot.waitUntil(lambda: len(note_history(db, session_id)) > versions, timeout=20_000)
    removed = _removed_items(window)
    assert len(removed) == 1 and WORDS in removed[0]
    assert "1 removed from the note" in window.sessions.view.risks.summary.text()

    # Export: the gate asks; cancelling writes nothing and records no export.
    out = tmp_path / "note.md"
    exports = [e for e in audit.list_entries(db, limit=500) if e.action == "export"]
    assert window.sessions.export_to(out, "md") is None
    gate = window.sessions.risk_gate
    assert isinstance(gate, RemovedRiskDialog) and gate.isVisible()
    assert gate.missing.count() == 1 and WORDS in gate.missing.item(0).text()
    assert not gate.confirm_button.isEnabled()  # a reason is required
    assert unnamed(gate) == []  # a screen reader names every control
    gate.reject()
    assert not out.exists()
    assert [e for e in audit.list_entries(db, limit=500) if e.action == "export"] == exports
    assert "Nothing was exported" in window.statusBar().currentMessage()

    # Again, with a reason typed into the dialog.
    assert window.sessions.export_to(out, "md") is None
    gate = window.sessions.risk_gate
    assert gate is not None and gate.isVisible()
    qtbot.keyClicks(gate.reason, "   ")
    assert not gate.confirm_button.isEnabled()
    gate.reason.clear()
    qtbot.keyClicks(gate.reason, REASON)
    assert gate.confirm_button.isEnabled()
    qtbot.mouseClick(gate.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    exported = out.read_text(encoding="utf-8")
    assert WORDS not in exported and "Risk review: 1 disclosure" in exported
    note = current_note(db, session_id)
    assert note is not None
    [confirmation] = confirmations_of(db, note.version.id)
    assert confirmation.reason == REASON and confirmation.removed[0]["lines"] == [3, 4]
    entries = audit.list_entries(db, limit=10)
    confirmed = [e for e in entries if e.action == "confirm_removed_risk"]
    assert len(confirmed) == 1 and confirmed[0].entity_id == note.version.id
    assert all("crisis" not in (e.detail or "") for e in entries)
    assert audit.verify_chain(db).intact


def test_undoing_the_deletion_lifts_the_mark_and_the_gate(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _note_with_a_disclosure(window, qtbot, tmp_path)
    db = window.context.db
    editor = window.sessions.view.editor
    _delete_lines_with(window, qtbot, WORDS)
    qtbot.waitUntil(lambda: bool(_removed_items(window)), timeout=20_000)
    versions = len(note_history(db, session_id))
    for _ in range(50):  # each Ctrl+Z takes back one edit of the deletion
        if WORDS in editor.toPlainText():
            break
        qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert WORDS in editor.toPlainText()
    qtbot.waitUntil(lambda: len(note_history(db, session_id)) > versions, timeout=20_000)
    assert _removed_items(window) == []
    out = tmp_path / "note.md"
    assert window.sessions.export_to(out, "md") == out and out.exists()
    assert window.sessions.risk_gate is None
