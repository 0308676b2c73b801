"""Asking for the database passphrase in the window: a new one (typed twice, with a
strength hint) for a new or newly encrypted database, or the existing one to open or
unlock. The typed text lives only in the fields and the returned key."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.unlock_attempts import UnlockAttempts
from core.passphrase import passphrase_strength
from core.store.connection import DatabaseKey

NEW_PASSPHRASE_TEXT = (
    "Auralis encrypts its database, so the records on this computer cannot be read "
    "without this passphrase. You will type it when Auralis starts and to unlock it.\n\n"
    "Keep it somewhere safe: if it is lost, the records cannot be recovered by anyone."
)


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setMinimumWidth(320)
    return field


class NewPassphraseDialog(QDialog):
    """Choose a passphrase: OK only when it is long enough and typed the same twice."""

    def __init__(self, parent: QWidget | None = None, *, explanation: str = NEW_PASSPHRASE_TEXT):
        super().__init__(parent)
        self.setObjectName("newPassphraseDialog")
        self.setWindowTitle("Choose a database passphrase")
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        self.passphrase = _password_field("New passphrase")
        self.repeat = _password_field("Repeat the passphrase")
        self.strength = QLabel()
        self.strength.setObjectName("passphraseStrength")
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName("Passphrase strength")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Passphrase:", self.passphrase)
        form.addRow("Again:", self.repeat)
        form.addRow("Strength:", self.strength)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        text = self.passphrase.text()
        strength = passphrase_strength(text)
        same = text == self.repeat.text()
        label = f"{strength.label.capitalize()}. {strength.hint}" if text else strength.hint
        if text and strength.acceptable and self.repeat.text() and not same:
            label += " The two entries differ."
        self.strength.setText(label)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(strength.acceptable and same)

    def key(self) -> DatabaseKey:
        return DatabaseKey.passphrase(self.passphrase.text())


class EnterPassphraseDialog(QDialog):
    """Type the passphrase; while wrong attempts must wait, OK is off and a countdown
    says for how long."""

    def __init__(
        self,
        attempts: UnlockAttempts,
        parent: QWidget | None = None,
        *,
        title: str = "Open the Auralis database",
        text: str = "The database is encrypted. Type its passphrase.",
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("enterPassphraseDialog")
        self.setWindowTitle(title)
        self.attempts = attempts
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.passphrase = _password_field("Passphrase")
        self.error = QLabel(error)
        self.error.setObjectName("passphraseError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Passphrase problem")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._error_text = error
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.passphrase.textChanged.connect(self._tick)
        self._timer.start()
        self._tick()

    def _tick(self) -> None:
        wait = self.attempts.wait_seconds()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if wait > 0:
            self.error.setText(f"Too many wrong passphrases. Try again in {wait:.0f} seconds.")
            ok.setEnabled(False)
        else:
            self.error.setText(self._error_text)
            ok.setEnabled(bool(self.passphrase.text()))

    def show_error(self, text: str) -> None:
        self._error_text = text
        self.passphrase.clear()
        self._tick()

    def key(self) -> DatabaseKey:
        return DatabaseKey.passphrase(self.passphrase.text())
