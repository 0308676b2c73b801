"""The risk flags the safety net found in the transcript, with their quotes; choosing one
scrolls the transcript to its line. Disclosures first in red, the second screen's
"possible risk, please review" items in amber (worded as such, never as disclosures),
then denials and history. A disclosure the note no longer holds (the rule is
``core.notes.risk_review``'s) is shown as "removed from the note", checked again each
time the note is shown or saved."""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.notes.risk import RiskFlag
from core.notes.risk_review import removed_disclosures
from ui.theme import POSSIBLE_AMBER, RISK_RED

LINE = Qt.ItemDataRole.UserRole
REMOVED = "Removed from the note: "


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
        self._flags: list[RiskFlag] = []
        self._note: str | None = None  # the note's current text (None: no note yet)
        self.removed: list[RiskFlag] = []  # the disclosures the note no longer holds

    def review_note(self, note_text: str | None) -> None:
        """Check the shown disclosures against the note's current text (None: no note,
        nothing to check)."""
        self._note = note_text
        self.show_flags(self._flags)

    def show_flags(self, flags: list[RiskFlag]) -> None:
        self._flags = list(flags)
        self.removed = [] if self._note is None else removed_disclosures(self._note, flags)
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
            gone = (
                f' <b style="color:{RISK_RED}">{len(self.removed)} removed from the note</b>;'
                " exporting asks for your reason."
                if self.removed
                else ""
            )
            self.summary.setText(", ".join(parts) + ". Check each in the transcript." + gone)
        order = {"disclosed": 0, "possible": 1, "historical": 2, "denied": 3}
        for flag in sorted(flags, key=lambda f: (order[f.status], f.lines)):
            item = QListWidgetItem((REMOVED if flag in self.removed else "") + flag.describe())
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
