"""The risk review gate's question before an export: the note no longer holds disclosures
the risk safety net found in the transcript; export anyway only with a reason.

Window-modal without blocking the event loop (``open``): the reason arrives by
``reason_given``; cancelling emits nothing and nothing is written. GUI thread only. The
dialog shows the disclosures themselves (the clinician is looking at the record); what
is logged or audited is said by the use case (``app.usecases.exports``), never this text.
"""

from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.notes.risk_flags import RiskFlag
from ui.theme import RISK_RED

GATE_NAME = "removedRiskGate"


class RemovedRiskDialog(QDialog):
    """Lists the disclosures missing from the note and asks for a required reason."""

    reason_given = Signal(str)

    def __init__(self, parent: QWidget, removed: Sequence[RiskFlag], what: str) -> None:
        super().__init__(parent)
        self.setObjectName(GATE_NAME)
        self.setWindowTitle("Risk missing from the note")
        count = len(removed)
        intro = QLabel(
            f"The note no longer holds {count} disclosure{'s' if count != 1 else ''} the "
            "risk safety net found in the transcript. Put "
            f"{'them' if count != 1 else 'it'} back in the Risk section, or give your "
            f"reason to {what} without {'them' if count != 1 else 'it'}. The reason is "
            "kept with this version of the note."
        )
        intro.setWordWrap(True)
        self.missing = QListWidget()
        self.missing.setAccessibleName("Disclosures missing from the note")
        self.missing.setWordWrap(True)
        for flag in removed:
            self.missing.addItem(flag.describe())
            self.missing.item(self.missing.count() - 1).setForeground(QColor(RISK_RED))
        reason_label = QLabel("&Reason (required):")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for exporting without the disclosures")
        self.reason.setTabChangesFocus(True)
        reason_label.setBuddy(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.confirm_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm_button.setText(f"{what[0].upper()}{what[1:]} anyway")
        self.confirm_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.missing, 1)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._reason_changed)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        self.resize(520, 380)

    @Slot()
    def _reason_changed(self) -> None:
        self.confirm_button.setEnabled(bool(self.reason.toPlainText().strip()))

    @Slot()
    def _confirm(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            return
        self.accept()
        self.reason_given.emit(reason)
