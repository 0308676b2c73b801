"""A session's note versions, newest first: who wrote each (rule draft / AI draft from
which model / edited / clinician, from the version's own metadata) and when, the
difference from the current text, and Restore (which adds the old text as a new version:
history is never rewritten)."""

from pathlib import PurePath

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.usecases.errors import StoreError
from app.usecases.notes import NoteVersion, note_diff, note_history, restore_note_version

VERSION_ID = Qt.ItemDataRole.UserRole
RULE_ENGINE = "rules"


def version_label(version: NoteVersion) -> str:
    """Who wrote a version, from its stored metadata: "Rule draft" (the rules wrote it,
    with or without a model configured), "AI draft · <model file>", "Edited" (a person
    changed a draft) or "Written by a clinician"."""
    if version.is_ai_generated:
        if version.engine == RULE_ENGINE:
            return "Rule draft"
        model = PurePath(version.model_name).name if version.model_name else version.engine
        return f"AI draft · {model}"
    return "Edited" if version.edited_from_ai else "Written by a clinician"


class HistoryPanel(QWidget):
    restored = Signal(int)  # the new version's id
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session_id: int | None = None
        self.versions: list[NoteVersion] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Note versions")
        self.diff = QPlainTextEdit()
        self.diff.setReadOnly(True)
        self.diff.setAccessibleName("Changes from the selected version to the current one")
        self.restore_button = QPushButton("&Restore this version")
        self.restore_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("Changes from this version to the current one:"))
        layout.addWidget(self.diff, 2)
        layout.addWidget(self.restore_button)
        self.list.currentItemChanged.connect(self._selected)
        self.restore_button.clicked.connect(self.restore_selected)

    def show_session(self, session_id: int | None) -> None:
        self.session_id = session_id
        self.versions = note_history(self.context.db, session_id) if session_id is not None else []
        self.list.clear()
        total = len(self.versions)
        for number, version in reversed(list(enumerate(self.versions, start=1))):
            current = "  (current)" if number == total else ""
            item = QListWidgetItem(
                f"v{number}  {version.created_at[:16].replace('T', ' ')}  ·  "
                f"{version_label(version)}{current}"
            )
            item.setData(VERSION_ID, version.id)
            self.list.addItem(item)
        self.diff.clear()
        self.restore_button.setEnabled(False)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None or not self.versions:
            self.restore_button.setEnabled(False)
            return
        version_id = int(item.data(VERSION_ID))
        current = self.versions[-1].id
        self.restore_button.setEnabled(version_id != current)
        diff = note_diff(self.context.db, version_id, current) if version_id != current else ""
        self._show_diff(diff or "This is the current version.")

    def _show_diff(self, text: str) -> None:
        self.diff.setPlainText(text)
        cursor = QTextCursor(self.diff.document())
        for number in range(self.diff.document().blockCount()):
            block = self.diff.document().findBlockByNumber(number)
            line = block.text()
            colour = (
                "#2e7d32"
                if line.startswith("+") and not line.startswith("+++")
                else "#c62828"
                if line.startswith("-") and not line.startswith("---")
                else None
            )
            if colour:
                fmt = QTextCharFormat()
                fmt.setForeground(QColor(colour))
                cursor.setPosition(block.position())
                cursor.setPosition(block.position() + len(line), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(fmt)

    @Slot()
    def restore_selected(self) -> None:
        if self.list.currentRow() < 0:
            return
        item = self.list.currentItem()
        try:
            version = restore_note_version(self.context.db, int(item.data(VERSION_ID)))
        except StoreError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit("The older version is the current note again (as a new version).")
        self.restored.emit(version.id)
