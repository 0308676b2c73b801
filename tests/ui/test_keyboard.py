"""The window from the keyboard, through real key events: Tab never traps the focus in
the note, every action and button has a key shown in its tooltip (and menu), and the text
size follows Ctrl++ / Ctrl+- / Ctrl+0 and is kept for the next start."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.settings import load_settings
from tests.ui.window_fixture import WindowFactory, demo_window
from ui.main_window import MainWindow


def test_tab_leaves_the_note_and_ctrl_tab_types_a_tab(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)
    editor = window.sessions.view.editor
    window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    before = editor.toPlainText()
    assert before, "the demo session has a note"

    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == before, "Tab typed into the note"
    assert not editor.hasFocus(), "Tab is trapped in the note"
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == before and not editor.hasFocus(), "Shift+Tab is trapped"

    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    qtbot.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "\t" + before
    assert editor.hasFocus()


def _key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _unkeyed_controls(window: MainWindow) -> list[str]:
    """Menu actions and workspace buttons without a key, or whose tooltip hides it."""
    problems = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu is not None else []:
            if action.isSeparator():
                continue
            keys = _key_text(action.shortcut())
            name = action.text().replace("&", "")
            if not keys:
                problems.append(f"menu entry {name!r} has no shortcut")
            elif keys not in action.toolTip():
                problems.append(f"menu entry {name!r}: tooltip {action.toolTip()!r} lacks {keys}")
    alt_keys: dict[str, str] = {  # the menu bar's own: Alt+F opens File
        _key_text(QKeySequence.mnemonic(action.text())): action.text()
        for action in window.menuBar().actions()
    }
    for button in window.sessions.findChildren(QAbstractButton):
        if not button.text() or button.parent() is None:
            continue  # a tab bar's scroll arrows, a line edit's clear button
        keys = _key_text(button.shortcut())
        name = button.text().replace("&", "")
        if keys in alt_keys:
            problems.append(f"button {name!r} and {alt_keys[keys]!r} share {keys}")
        alt_keys.setdefault(keys, name)
        if not keys:
            problems.append(f"button {name!r} has no shortcut (mnemonic)")
        elif keys not in button.toolTip():
            problems.append(f"button {name!r}: tooltip {button.toolTip()!r} lacks {keys}")
    return problems


def test_every_menu_entry_and_button_has_a_key_named_in_its_tooltip(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)
    window.sessions.set_engine_description("rules", True)  # the Generate tooltip is rebuilt
    problems = _unkeyed_controls(window)
    assert problems == [], "\n".join(problems)


def _key_on_window(window: MainWindow, qtbot: QtBot, key: Qt.Key) -> None:
    """A key press with Ctrl where the clinician types (the note editor), as a person
    would: through the window's shortcut map, not by calling the action."""
    editor = window.sessions.view.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_n_and_ctrl_f_reach_the_new_patient_and_search_fields(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)
    window.activateWindow()
    patients = window.sessions.patients
    _key_on_window(window, qtbot, Qt.Key.Key_N)
    qtbot.waitUntil(patients.new_name.hasFocus)
    _key_on_window(window, qtbot, Qt.Key.Key_F)
    qtbot.waitUntil(patients.search.hasFocus)
    window.show_workspace("or")
    window.operating_room.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_workspace() == "sessions"
    qtbot.waitUntil(patients.search.hasFocus)


def _point_size(widget: QWidget) -> float:
    return widget.font().pointSizeF()


def test_ctrl_plus_minus_zero_size_the_text_and_the_size_survives_a_restart(
    make_window: WindowFactory, qtbot: QtBot, auralis_home: Path
) -> None:
    window = demo_window(make_window)
    view = window.sessions.view
    window.activateWindow()
    normal = _point_size(view.editor)
    assert _point_size(view.transcript) == normal

    _key_on_window(window, qtbot, Qt.Key.Key_Plus)
    _key_on_window(window, qtbot, Qt.Key.Key_Equal)  # "+" without Shift
    # The new size reaches each widget through posted events: waited for, not slept.
    qtbot.waitUntil(lambda: _point_size(view.editor) > normal * 1.15)
    larger = _point_size(view.editor)
    assert _point_size(view.transcript) == larger, "the transcript did not follow"
    assert window.context.loaded.settings.ui.zoom == 120

    _key_on_window(window, qtbot, Qt.Key.Key_Minus)
    qtbot.waitUntil(lambda: normal < _point_size(view.editor) < larger)
    text_before = view.editor.toPlainText()
    assert "+" not in text_before[-3:] and "=" not in text_before[-3:]  # not typed
    settings_file = window.context.loaded.file
    assert load_settings(settings_file).settings.ui.zoom == 110  # on disk

    window.close()  # a restart on the same data folder
    window.context.close()
    again = make_window()
    assert again.context.loaded.settings.ui.zoom == 110
    again.show_demo_selection()
    again.activateWindow()
    qtbot.waitUntil(lambda: normal < _point_size(again.sessions.view.editor) < larger)

    _key_on_window(again, qtbot, Qt.Key.Key_0)
    qtbot.waitUntil(lambda: _point_size(again.sessions.view.editor) == normal)
    assert load_settings(settings_file).settings.ui.zoom == 100
    app = QApplication.instance()
    assert isinstance(app, QApplication) and app.font().pointSizeF() == normal


def test_the_view_menu_lists_the_text_size_keys(make_window: WindowFactory) -> None:
    window = make_window()
    view_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&View"
    )
    entries = {
        action.text().replace("&", ""): [_key_text(key) for key in action.shortcuts()]
        for action in view_menu.actions()
        if isinstance(action, QAction) and not action.isSeparator()
    }
    assert entries["Larger text"] == ["Ctrl++", "Ctrl+="]
    assert entries["Smaller text"] == ["Ctrl+-"]
    assert entries["Normal text size"] == ["Ctrl+0"]
