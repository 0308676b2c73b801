"""Autosave while the clinician types, through the real window and a real store: a saved
version never moves the cursor, drops a selection, scrolls the note or empties the undo
stack; the note says whether it is saved."""

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from core.store.notes import note_history
from tests.ui.window_fixture import WindowFactory, patient_with_session
from ui.main_window import MainWindow

TRANSCRIPT = """Therapist: How was the week?
Client: Busy at work, sleeping better.
Therapist: Good to hear.
"""
LONG_NOTE = "\n".join(f"Line {number}: the client described the week." for number in range(1, 201))
SAVE_WAIT_MS = 20_000  # generous: a loaded two-core machine


def _session_with_note(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> int:
    source = tmp_path / "session.txt"
    session_id = patient_with_session(window, qtbot, source, TRANSCRIPT, "Autosave Patient")
    editor = window.sessions.view.editor
    editor.setPlainText(LONG_NOTE)  # as if pasted: autosaved as the first version
    qtbot.waitUntil(lambda: _versions(window, session_id) == 1, timeout=SAVE_WAIT_MS)
    return session_id


def _versions(window: MainWindow, session_id: int) -> int:
    return len(note_history(window.context.db, session_id))


def test_autosave_never_moves_the_cursor_selection_scroll_or_undo(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _session_with_note(window, qtbot, tmp_path)
    editor = window.sessions.view.editor
    editor.setFocus()
    # The cursor in the middle of line 100, after "Line 100:"; scrolled there.
    start = LONG_NOTE.index("Line 100:") + len("Line 100:")
    cursor = editor.textCursor()
    cursor.setPosition(start)
    editor.setTextCursor(cursor)
    editor.centerCursor()
    scroll = editor.verticalScrollBar().value()
    assert scroll > 0, "the note is too short to scroll"

    qtbot.keyClicks(editor, " calm")
    qtbot.waitUntil(lambda: _versions(window, session_id) == 2, timeout=SAVE_WAIT_MS)
    assert editor.textCursor().position() == start + len(" calm"), "autosave moved the cursor"
    assert editor.verticalScrollBar().value() == scroll, "autosave scrolled the note"
    qtbot.keyClicks(editor, " and rested")
    expected = LONG_NOTE.replace("Line 100:", "Line 100: calm and rested", 1)
    assert editor.toPlainText() == expected

    # A selection made before the autosave is still there after it.
    for _ in range(len("rested")):
        qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _versions(window, session_id) == 3, timeout=SAVE_WAIT_MS)
    assert editor.textCursor().selectedText() == "rested", "autosave dropped the selection"
    assert editor.verticalScrollBar().value() == scroll
    qtbot.keyClick(editor, Qt.Key.Key_Right)  # off the selection, at its end
    assert editor.textCursor().position() == start + len(" calm and rested")

    # Ctrl+Z still undoes the typing after the autosaves, back to the pasted note.
    for _ in range(10):
        if editor.toPlainText() == LONG_NOTE:
            break
        qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == LONG_NOTE, "autosave emptied the undo stack"


def test_the_note_says_unsaved_saved_at_and_retrying(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _session_with_note(window, qtbot, tmp_path)
    view = window.sessions.view
    editor = view.editor
    assert view.save_state.isVisible()
    assert re.fullmatch(r"Saved at \d\d:\d\d", view.save_state.text()), view.save_state.text()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " More.")
    assert view.save_state.text() == "Unsaved changes"
    qtbot.waitUntil(lambda: _versions(window, session_id) == 2, timeout=SAVE_WAIT_MS)
    assert re.fullmatch(r"Saved at \d\d:\d\d", view.save_state.text()), view.save_state.text()

    # The store refuses the next save (read-only for a moment): the note says so.
    db = window.context.db
    db.execute("PRAGMA query_only = ON")
    try:
        qtbot.keyClicks(editor, " Again.")
        qtbot.waitUntil(
            lambda: view.save_state.text() == "Not saved yet — retrying", timeout=SAVE_WAIT_MS
        )
        assert editor.toPlainText().endswith(" More. Again.")  # kept in the editor
    finally:
        db.execute("PRAGMA query_only = OFF")
    qtbot.waitUntil(lambda: _versions(window, session_id) == 3, timeout=SAVE_WAIT_MS)
    assert re.fullmatch(r"Saved at \d\d:\d\d", view.save_state.text()), view.save_state.text()
