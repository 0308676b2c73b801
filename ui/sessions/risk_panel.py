"""The risk flags the safety net found in the transcript, with their quotes; choosing one
scrolls the transcript to its line. Disclosures first in red, the second screen's
"possible risk, please review" items in amber (worded as such, never as disclosures),
then denials and history."""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.notes.risk import RiskFlag
from ui.theme import POSSIBLE_AMBER, RISK_RED

LINE = Qt.ItemDataRole.UserRole


class RiskPanel(QWidget):
    line_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.screening = QLabel()
        self.screening.setWordWrap(True)
        self.screening.setAccessibleName("Second screen")
        self.list = QListWidget()
        self.list.setAccessibleName("Risk flags")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)  # one finding apart from the next
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.screening)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)

    def show_flags(self, flags: list[RiskFlag]) -> None:
        self.list.clear()
        disclosed = [f for f in flags if f.status == "disclosed"]
        possible = [f for f in flags if f.status == "possible"]
        others = len(flags) - len(disclosed) - len(possible)
        if not flags:
            self.summary.setText("No risk statements found in the transcript.")
        else:
            parts = [f"<b>{len(disclosed)} disclosed</b>"]
            if possible:
                parts.append(f"<b>{len(possible)} possible, please review</b>")
            parts.append(f"{others} denied or historical")
            self.summary.setText(", ".join(parts) + ". Check each in the transcript.")
        order = {"disclosed": 0, "possible": 1, "historical": 2, "denied": 3}
        for flag in sorted(flags, key=lambda f: (order[f.status], f.lines)):
            item = QListWidgetItem(flag.describe())
            item.setData(LINE, flag.line)
            if flag.status == "disclosed":
                item.setForeground(QColor(RISK_RED))
            elif flag.status == "possible":
                item.setForeground(QColor(POSSIBLE_AMBER))
            self.list.addItem(item)

    def show_screening(self, text: str) -> None:
        """What the second screen is doing ("" hides the line)."""
        self.screening.setText(text)
        self.screening.setVisible(bool(text))

    @Slot(QListWidgetItem)
    def _chosen(self, item: QListWidgetItem) -> None:
        self.line_chosen.emit(int(item.data(LINE)))
