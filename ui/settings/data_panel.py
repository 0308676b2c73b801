"""Where the data is, Back up now, and Restore from a backup (after a confirmation).

GUI thread. The backup runs off it, on a connection of its own, with a progress dialog
(``ui.background``); the window stays usable meanwhile. The restore is the window's
(``restore``), which refuses while a draft or a case runs, restores off the GUI thread
too, and reloads the views.
"""

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.usecases.database import back_up, backups
from app.usecases.errors import StoreError
from core.llm.model_file import human_size
from ui.async_jobs import async_slot
from ui.background import run_in_background
from ui.dialogs import confirm

STAMP = re.compile(r"(\d{8}-\d{6})")


def backup_time(path: Path) -> str:
    """When a backup was made, from its name (UTC), for people."""
    found = STAMP.search(path.name)
    if found is None:
        return path.name
    made = datetime.strptime(found.group(1), "%Y%m%d-%H%M%S")
    return made.strftime("%d %b %Y, %H:%M:%S UTC")


class DataPanel(QWidget):
    def __init__(
        self,
        context: AppContext,
        restore: Callable[[Path], Awaitable[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.restore = context, restore
        paths = context.paths
        self.folder = QLabel(str(paths.data_dir))
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setAccessibleName("Data folder")
        self.open_button = QPushButton("&Open folder")
        self.database = QLabel()
        self.database.setAccessibleName("Database")
        self.backups = QListWidget()
        self.backups.setAccessibleName("Backups")
        self.backup_button = QPushButton("&Back up now")
        self.restore_button = QPushButton("&Restore selected backup…")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Data message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.open_button)
        form = QFormLayout()
        form.addRow("Data folder:", folder_row)
        form.addRow("Database:", self.database)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(f"Backups, newest first (in {paths.backup_dir}):"))
        layout.addWidget(self.backups, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.open_button.clicked.connect(self._open_folder)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore_selected)
        self.backups.currentRowChanged.connect(self._selection_changed)
        self.refresh()

    def refresh(self) -> None:
        paths = self.context.paths
        size = paths.database.stat().st_size if paths.database.exists() else 0
        self.database.setText(f"{paths.database} ({human_size(size)})")
        self.backups.clear()
        for path in backups(paths):
            item = QListWidgetItem(f"{backup_time(path)} — {human_size(path.stat().st_size)}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.backups.addItem(item)
        self._selection_changed(self.backups.currentRow())

    @Slot(int)
    def _selection_changed(self, row: int) -> None:
        self.restore_button.setEnabled(row >= 0)

    @Slot()
    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.paths.data_dir)))

    @async_slot
    async def back_up(self) -> None:
        paths, key = self.context.paths, self.context.key
        keep = self.context.loaded.settings.backup.keep
        self.backup_button.setEnabled(False)
        try:
            path = await run_in_background(
                self,
                "Backing up",
                lambda progress: back_up(paths, key, keep=keep, progress=progress),
            )
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        finally:
            self.backup_button.setEnabled(True)
        self.refresh()
        self.message.setText(f"Backed up to {path.name}.")

    @async_slot
    async def restore_selected(self) -> None:
        if self.backups.currentRow() < 0:
            return
        item = self.backups.currentItem()
        backup = Path(str(item.data(Qt.ItemDataRole.UserRole)))
        when = backup_time(backup)
        sure = await confirm(
            self,
            "restoreConfirm",
            "Restore from a backup?",
            f"Replace everything in Auralis with the backup of {when}?\n\n"
            "Patients, sessions, notes and cases written since then are not in it. A backup "
            "of the current data is made first, so you can go back by restoring that one.",
        )
        if not sure:
            self.message.setText("Nothing was restored.")
            return
        try:
            self.message.setText(await self.restore(backup))
        except StoreError as exc:
            self.message.setText(str(exc))
        self.refresh()
