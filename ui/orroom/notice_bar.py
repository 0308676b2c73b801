"""A notice above the machine grid, with the one action it offers and a way to dismiss
it, both on keys: a deferred command to confirm, or a surgery that fits better."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QWidget):
    accepted = Signal()
    dismissed = Signal()

    def __init__(self, name: str, dismiss_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setObjectName("guardBanner")
        self.text.setWordWrap(True)
        self.text.setAccessibleName(name)
        self.action = QPushButton()
        self.action.setAccessibleName(f"{name}: the action offered")
        # Never focused: a stray Space or Enter at the table must not confirm a change to a
        # machine; the offer is taken with its Alt key (in its tooltip) or a click.
        self.action.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dismiss = QPushButton(dismiss_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.dismiss)
        self.action.clicked.connect(self.accepted)
        self.action.clicked.connect(self.hide)
        self.dismiss.clicked.connect(self.dismissed)
        self.dismiss.clicked.connect(self.hide)
        self.hide()

    def offer(self, text: str, action: str, tip: str) -> None:
        self.text.setText(text)
        self.action.setText(action)
        self.action.setToolTip(tip)
        self.show()
