"""Restore in the window after an operating-room replay has played to its end: the user
confirmed the restore, and it must happen (the finished case is ended first, as Stop
would end it), not be refused as if a case were still running. A case that is still
running (typed lines, a followed file) is still refused: it would write into the store
while its contents are replaced."""

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.store.orcases import list_cases
from tests.ui.window_fixture import WindowFactory

LINES = [
    {"t": 0, "speaker": "nurse", "text": "patient is in the room, starting the time-out"},
    {"t": 30, "speaker": "anesthetist", "text": "induction now, turn on the ventilator"},
]


def _answer(qtbot: QtBot, parent: QWidget, name: str, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, name) is not None, timeout=5000)
    box = parent.findChild(QMessageBox, name)
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)


def test_restore_after_a_finished_or_case_is_done_not_refused(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    dialog = window.open_settings()
    data = dialog.data
    qtbot.mouseClick(data.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: data.backups.count() == 1, timeout=10_000)

    window.show_workspace("or")
    room = window.operating_room
    room.speed.setValue(0)  # as fast as possible
    transcript = tmp_path / "case.jsonl"
    transcript.write_text("".join(json.dumps(line) + "\n" for line in LINES), encoding="utf-8")
    room.start_replay(transcript)
    qtbot.waitUntil(
        lambda: room.feed.blockCount() == 2 and not room.controller.replaying, timeout=5000
    )

    data.backups.setCurrentRow(data.backups.count() - 1)  # the one made before the case
    qtbot.mouseClick(data.restore_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, data, "restoreConfirm", QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: not data.message.text().startswith("Backed up"), timeout=10_000)
    assert "Restored" in data.message.text(), data.message.text()
    assert list_cases(window.context.db) == []  # the backup's contents, from before the case
    assert not room.controller.running
    assert room.stop_button.isEnabled() is False
