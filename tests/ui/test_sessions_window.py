"""The Sessions workspace through its real widgets, offscreen."""

import json
import resource
from dataclasses import replace
from pathlib import Path

import docx
from conftest import CliRunner
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from screen_heads import head_for

from app.usecases.drafting import note_timeout_s
from app.usecases.sessions import read_session
from core.llm.embedder import Embedder
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import RiskScreen
from core.notes.risk_screen_head import NONE
from core.store import audit
from core.store.notes import note_history
from tests.ui.window_fixture import WindowFactory, patient_with_session
from ui.main_window import MainWindow
from ui.theme import POSSIBLE_AMBER

TRANSCRIPT = """Therapist: How have you been since last week?
Client: Not good. I have been thinking about killing myself.
Therapist: Thank you for telling me. Do you have a plan?
Client: No plan. My sister helps.
Therapist: Let's make a safety plan together.
"""


def _patient_with_session(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> int:
    panel = window.sessions
    source = tmp_path / "session.txt"
    session_id = patient_with_session(window, qtbot, source, TRANSCRIPT, "Test Patient")
    assert panel.patients.list.count() == 1
    assert "killing myself" in panel.view.transcript.toPlainText()
    assert panel.view.risks.list.count() >= 1
    return session_id


def _generate(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        qtbot.mouseClick(window.sessions.view.generate_button, Qt.MouseButton.LeftButton)


def test_generate_edit_autosave_history_restore_with_the_tiny_model(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_model: Path
) -> None:
    window = make_window(model=tiny_model)
    assert "local model" in window.engine_label.text()
    assert not window.degraded_badge.isVisible()
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    streamed: list[str] = []
    window.sessions.job.token.connect(streamed.append)
    _generate(window, qtbot)
    assert streamed, "no tokens reached the editor while generating"
    text = view.editor.toPlainText()
    assert "Risk" in text and "{{RED:" in text  # the safety net marks the disclosure
    assert "AI draft" in view.badges.text()

    view.editor.moveCursor(view.editor.textCursor().MoveOperation.End)
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.editor, "Reviewed with the client.")
    qtbot.waitUntil(lambda: len(note_history(window.context.db, session_id)) == 2, timeout=5000)
    assert view.badges.text().startswith("Edited")
    assert view.history.list.count() == 2
    assert window.sessions.sessions.list.currentItem().text().endswith("edited")

    view.history.list.setCurrentRow(1)  # the AI draft (newest first)
    assert "+Reviewed with the client." in view.history.diff.toPlainText()
    qtbot.mouseClick(view.history.restore_button, Qt.MouseButton.LeftButton)
    history = note_history(window.context.db, session_id)
    assert len(history) == 3 and history[-1].content == history[0].content
    assert "Reviewed with the client." not in view.editor.toPlainText()
    trail = [(e.action, e.entity) for e in reversed(audit.list_entries(window.context.db))]
    for expected in [
        ("create", "patient"),
        ("view", "patient"),
        ("create", "session"),
        ("view", "session"),
        ("generate", "note_version"),
        ("edit", "note_version"),
        ("restore", "note_version"),
    ]:
        assert expected in trail, expected
    assert audit.verify_chain(window.context.db).intact


def test_regenerate_asks_first_and_cancel_leaves_the_note(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_model: Path
) -> None:
    window = make_window(model=tiny_model)
    session_id = _patient_with_session(window, qtbot, tmp_path)
    _generate(window, qtbot)
    view = window.sessions.view
    before = view.editor.toPlainText()

    qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    box = view.findChild(QMessageBox, "regenerateConfirm")
    assert box is not None and box.isVisible() and not window.sessions.job.busy
    box.button(QMessageBox.StandardButton.No).click()
    assert not window.sessions.job.busy and view.editor.toPlainText() == before

    # Regenerate, then cancel at the first streamed token.
    window.sessions.job.token.connect(lambda _text: window.sessions.job.cancel())
    qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    box = view.findChild(QMessageBox, "regenerateConfirm")
    with qtbot.waitSignal(window.sessions.job.cancelled, timeout=120_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert view.editor.toPlainText() == before
    assert len(note_history(window.context.db, session_id)) == 1
    assert "cancelled" in window.statusBar().currentMessage()


def test_rule_based_note_and_exports_without_a_model(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    assert window.degraded_badge.isVisible() and "rule-based" in window.engine_label.text()
    _patient_with_session(window, qtbot, tmp_path)
    _generate(window, qtbot)
    assert "Rule-based draft" in window.sessions.view.editor.toPlainText()
    exported = {
        kind: window.sessions.export_to(tmp_path / f"note.{kind}", kind)
        for kind in ("pdf", "docx", "md")
    }
    assert all(path is not None and path.stat().st_size > 0 for path in exported.values())
    assert (tmp_path / "note.pdf").read_bytes().startswith(b"%PDF")
    assert "**killing**" in (tmp_path / "note.md").read_text(encoding="utf-8")
    words = "\n".join(p.text for p in docx.Document(str(tmp_path / "note.docx")).paragraphs)
    assert "killing" in words
    assert "NOT encrypted" in window.statusBar().currentMessage()
    exports = [e.detail for e in audit.list_entries(window.context.db) if e.action == "export"]
    assert sorted(exports) == ["format=docx", "format=md", "format=pdf"]


def test_a_bad_transcript_is_refused_in_the_window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, "Another Patient")
    qtbot.keyClick(panel.patients.new_name, Qt.Key.Key_Return)
    broken = tmp_path / "broken.json"
    broken.write_text('{"segments": [', encoding="utf-8")
    assert panel.sessions.import_file(broken) is None
    assert panel.sessions.error.isVisible() and "broken.json" in panel.sessions.error.text()
    assert panel.sessions.list.count() == 0


def test_patients_search_rename_archive(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window()
    patients = window.sessions.patients
    for name in ("Ada Example", "Bea Example"):
        qtbot.keyClicks(patients.new_name, name)
        qtbot.keyClick(patients.new_name, Qt.Key.Key_Return)
    patients.search.setText("Bea")
    qtbot.waitUntil(lambda: patients.list.count() == 1, timeout=2000)
    item = patients.list.item(0)
    item.setText("Bea Renamed")
    qtbot.waitUntil(lambda: patients.list.item(0).text() == "Bea Renamed", timeout=2000)
    patients.list.setCurrentRow(0)
    qtbot.mouseClick(patients.archive_button, Qt.MouseButton.LeftButton)
    patients.search.clear()
    qtbot.waitUntil(lambda: patients.list.count() == 1, timeout=2000)
    assert patients.list.item(0).text() == "Ada Example"


def test_an_autosave_on_a_full_disk_keeps_the_text_and_saves_it_later(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _patient_with_session(window, qtbot, tmp_path)
    editor = window.sessions.view.editor
    largest = max(p.stat().st_size for p in window.context.paths.data_dir.rglob("*") if p.is_file())
    text = "A long reviewed paragraph. " * 40_000  # about 1 MB: more than the limit allows
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest + (256 << 10), hard))  # a "full disk"
    try:
        editor.setPlainText(text)
        editor.flush()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    message = window.statusBar().currentMessage()
    assert "not saved yet" in message and "free some space" in message
    assert editor.toPlainText() == text and editor.dirty
    assert note_history(window.context.db, session_id) == []
    qtbot.waitUntil(lambda: not editor.dirty, timeout=10_000)  # retried once there is space
    assert note_history(window.context.db, session_id)[-1].content == text


def test_a_draft_that_could_not_be_saved_is_saved_later_as_the_ai_draft(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    db = window.context.db
    # The window's own connection refuses AI versions for a while, as a full disk would.
    db.execute(
        "CREATE TEMP TRIGGER refuse_drafts BEFORE INSERT ON note_versions "
        "WHEN NEW.is_ai_generated = 1 BEGIN SELECT RAISE(ABORT, 'no space'); END"
    )
    with qtbot.waitSignal(window.sessions.job.failed, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    assert "Rule-based draft" in view.editor.toPlainText()  # shown, not lost
    assert note_history(db, session_id) == []
    view.editor.moveCursor(view.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(view.editor, "Reviewed.")  # edited before the draft could be saved
    view.editor.flush()
    assert note_history(db, session_id) == [] and "not saved yet" in _status(window)
    db.execute("DROP TRIGGER refuse_drafts")  # space again: the retry saves both
    qtbot.waitUntil(lambda: len(note_history(db, session_id)) == 2, timeout=20_000)
    draft, edit = note_history(db, session_id)
    assert draft.is_ai_generated and draft.engine == "rules"  # not "a clinician's edit"
    assert not draft.content.endswith("Reviewed.")
    assert edit.content.endswith("Reviewed.") and edit.edited_from_ai
    assert view.badges.text().startswith("Edited")
    generated = [e.entity_id for e in audit.list_entries(db) if e.action == "generate"]
    edited = [e.entity_id for e in audit.list_entries(db) if e.action == "edit"]
    assert (generated, edited) == ([draft.id], [edit.id])


def _status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_the_window_and_the_command_line_give_a_note_the_same_time(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, run_cli: CliRunner
) -> None:
    window = make_window()
    session_id = _patient_with_session(window, qtbot, tmp_path)
    _generate(window, qtbot)
    cli = run_cli("notes", "generate", "--session", str(session_id), "--regenerate")
    assert cli.returncode == 0, cli.stderr
    log = window.context.paths.log_dir / "auralis.jsonl"
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    limits = [e["timeout_s"] for e in events if e["event"] == "llm.job" and e["kind"] == "note"]
    inference = window.context.loaded.settings.inference
    expected = note_timeout_s(inference, TRANSCRIPT.strip())
    assert limits == [expected, expected]  # the window's, then the command line's


def test_the_risk_tab_says_when_the_second_screen_is_switched_off(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    _patient_with_session(window, qtbot, tmp_path)
    risks = window.sessions.view.risks
    assert "Second screen switched off" in risks.screening.text()  # as the tests' settings say
    assert "possible" not in risks.summary.text()


def test_a_listed_phrase_the_second_screen_doubts_is_shown_as_possible(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_encoder: Path
) -> None:
    window = make_window()
    doubting = replace(head_for(NONE), doubt=0.5)  # reads every line as no risk at all
    window.context.risk_net = RiskNet(screen=RiskScreen(Embedder(tiny_encoder), doubting))
    _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    qtbot.waitUntil(lambda: "read as unlikely" in view.risks.screening.text(), timeout=60_000)
    items = [view.risks.list.item(i).text() for i in range(view.risks.list.count())]
    assert not any("(disclosed" in item for item in items)  # amber now, not red
    doubted = [t for t in items if t.startswith("Possible risk, please review: suicidal")]
    assert doubted and doubted[0].endswith("read as unlikely here)")
    assert POSSIBLE_AMBER in view.transcript.toHtml()


def test_the_second_screens_findings_join_the_risk_tab_as_possible_risks(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_encoder: Path
) -> None:
    window = make_window()
    screen = RiskScreen(Embedder(tiny_encoder), head_for("abuse_financial"))
    window.context.risk_net = RiskNet(screen=screen)
    _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    qtbot.waitUntil(lambda: "to review" in view.risks.screening.text(), timeout=60_000)
    items = [view.risks.list.item(i).text() for i in range(view.risks.list.count())]
    assert items[0].startswith("Suicidal ideation (disclosed, line 2")  # disclosures first
    possible = [t for t in items if t.startswith("Possible risk, please review: abuse")]
    assert possible and "possible, please review" in view.risks.summary.text()
    assert POSSIBLE_AMBER in view.transcript.toHtml()
    # shown again (after a note change): the findings are kept, not read again
    window.sessions.view.show_session(read_session(window.context.db, view.session_id))
    assert "to review" in view.risks.screening.text()


def test_a_visit_note_is_drafted_by_the_rules_and_regenerated_with_its_template(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    view.template.setCurrentIndex(view.template.findData("visit"))
    _generate(window, qtbot)
    text = view.editor.toPlainText()
    assert "History of Present Illness:" in text and "Assessment and Plan:" in text
    view.template.setCurrentIndex(view.template.findData("default"))
    window.sessions.sessions.list.setCurrentRow(0)  # the session shown again
    view.show_session(view._opened, view.patient_id)
    assert view.template.currentData() == "visit"
    assert note_history(window.context.db, session_id)[-1].template == "visit"
