"""The window's lock: Ctrl+L and the idle time hide the record until the passphrase is
typed; wrong passphrases are audited and slowed down; the operating-room display can be
exempted; an unencrypted database says so and cannot be locked."""

import json
import os
import time
from pathlib import Path

from conftest import TEST_PASSPHRASE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from app.unlock_attempts import FREE_ATTEMPTS, UnlockAttempts
from core.store import audit
from core.store.notes import note_history
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow

NAME = "Cordelia Ashdown"


def _visible_text(window: MainWindow) -> str:
    """Everything a person could read in the window now."""
    parts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton) or (
            isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Normal
        ):
            parts.append(widget.text())
        elif isinstance(widget, QTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QListWidget):
            parts += [widget.item(i).text() for i in range(widget.count())]
    return "\n".join(parts)


def _patient_with_note(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> int:
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, NAME)
    qtbot.mouseClick(panel.patients.add_button, Qt.MouseButton.LeftButton)
    source = tmp_path / "session.txt"
    source.write_text("Therapist: How was the week?\nClient: Calmer.\n", encoding="utf-8")
    session_id = panel.sessions.import_file(source)
    assert session_id is not None
    return session_id


def _unlock(window: MainWindow, qtbot: QtBot, passphrase: str) -> None:
    field = window.lock_screen.entry.passphrase
    qtbot.keyClicks(field, passphrase)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_ctrl_l_hides_the_record_and_the_passphrase_unlocks(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    session_id = _patient_with_note(window, qtbot, tmp_path)
    editor = window.sessions.view.editor
    qtbot.keyClicks(editor, "Typed just before locking")
    assert NAME in _visible_text(window)

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and window.windowTitle() == "Auralis — locked"
    shown = _visible_text(window)
    assert NAME not in shown and "Typed just before" not in shown and "Calmer" not in shown
    assert "Auralis is locked" in shown
    # the keystrokes typed before the lock were saved, not lost
    assert note_history(window.context.db, session_id)[-1].content == "Typed just before locking"
    assert not window.sessions.isVisible() and not window.nav.isVisible()
    assert all(not a.isEnabled() for a in window._actions if a is not window._quit)

    _unlock(window, qtbot, "not the passphrase")
    assert window.locked
    assert "Wrong passphrase" in window.lock_screen.entry.error.text()
    failed = audit.list_entries(window.context.db, limit=1)[0]
    assert (failed.action, failed.entity, failed.detail) == (
        "unlock_failed",
        "window",
        "failures=1",
    )

    _unlock(window, qtbot, TEST_PASSPHRASE)
    assert not window.locked and window.windowTitle() == "Auralis"
    assert NAME in _visible_text(window)
    assert all(a.isEnabled() for a in window._actions)
    actions = [e.action for e in audit.list_entries(window.context.db, limit=4)]
    assert actions[:3] == ["unlock", "unlock_failed", "lock"]


def _as_if_the_wait_ran_out(attempts: UnlockAttempts) -> None:
    """Move the count's records (and their files' times) an hour back, as if the wait
    had passed: deleting them no longer ends it (issue 21)."""
    past = time.time() - 3600
    for file in (attempts.file, attempts.mirror):
        if file is not None and file.exists():
            record = json.loads(file.read_text())
            file.write_text(json.dumps({**record, "last_failure": past}))
            os.utime(file, (past, past))


def test_the_window_locks_itself_when_idle_and_waits_after_five_wrong_passphrases(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(AURALIS_SECURITY__LOCK_AFTER_MINUTES="0.01")  # 0.6 s
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    for attempt in range(FREE_ATTEMPTS):
        _unlock(window, qtbot, f"guess {attempt}")
    entry = window.lock_screen.entry
    assert "Too many wrong passphrases" in entry.error.text()
    assert not window.lock_screen.unlock_button.isEnabled()
    qtbot.keyClicks(entry.passphrase, TEST_PASSPHRASE)
    qtbot.keyClick(entry.passphrase, Qt.Key.Key_Return)
    assert window.locked  # even the right passphrase waits
    _as_if_the_wait_ran_out(window.lock_screen.attempts)
    qtbot.waitUntil(lambda: window.lock_screen.unlock_button.isEnabled(), timeout=3000)
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.locked


def test_the_operating_room_display_can_be_exempted_from_the_idle_lock(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(
        AURALIS_SECURITY__LOCK_AFTER_MINUTES="0.01",
        AURALIS_SECURITY__LOCK_EXEMPTS_OR_DISPLAY="true",
    )
    window.show_workspace("or")
    qtbot.wait(1500)  # more than twice the idle time
    assert not window.locked
    window.show_workspace("sessions")
    qtbot.waitUntil(lambda: window.locked, timeout=5000)


def test_an_unencrypted_database_is_said_and_cannot_be_locked(
    make_window: WindowFactory, qtbot: QtBot, auralis_home: Path
) -> None:
    from core.store import open_store

    open_store(auralis_home / "data" / "auralis.db", key=None).close()
    window = make_window()
    assert window.unencrypted_badge.isVisible()
    assert "not encrypted" in window.unencrypted_badge.toolTip()
    assert not window.lock()
    assert not window.locked and "cannot be locked" in window.statusBar().currentMessage()


def test_an_encrypted_database_shows_no_unencrypted_badge(
    make_window: WindowFactory,
) -> None:
    window = make_window()
    assert not window.unencrypted_badge.isVisible()
