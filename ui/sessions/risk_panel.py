"""The risk flags the deterministic safety net found in the transcript, with their quotes;
choosing one scrolls the transcript to its line."""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.notes.risk import RiskFlag

LINE = Qt.ItemDataRole.UserRole


class RiskPanel(QWidget):
    line_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Risk flags")
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)

    def show_flags(self, flags: list[RiskFlag]) -> None:
        self.list.clear()
        disclosed = [f for f in flags if f.status == "disclosed"]
        if not flags:
            self.summary.setText("No risk statements found in the transcript.")
        else:
            self.summary.setText(
                f"<b>{len(disclosed)} disclosed</b>, {len(flags) - len(disclosed)} denied or "
                "historical. Check each in the transcript."
            )
        for flag in flags:
            item = QListWidgetItem(flag.describe())
            item.setData(LINE, flag.line)
            if flag.status == "disclosed":
                item.setForeground(Qt.GlobalColor.darkRed)
            self.list.addItem(item)

    @Slot(QListWidgetItem)
    def _chosen(self, item: QListWidgetItem) -> None:
        self.line_chosen.emit(int(item.data(LINE)))
