"""Asking for the database passphrase in the window: a new one (typed twice, with a
strength hint, and where the computer has a keyring the choice to keep a random key
there) for a new or newly encrypted database, or the existing one to open it. The typed
text lives only in the fields and the returned key.

:class:`PassphraseEntry` is the field, the problem line and the wait after too many wrong
passphrases; the open dialog and the lock screen both use it.
"""

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db_key import DatabaseKey, KeyChoice
from app.keyring_store import StoredKey
from app.unlock_attempts import UnlockAttempts
from core.passphrase import PassphraseVerifier, passphrase_strength

NEW_PASSPHRASE_TEXT = (
    "Auralis encrypts its database, so the records on this computer cannot be read "
    "without this passphrase. You will type it when Auralis starts and to unlock it.\n\n"
    "Keep it somewhere safe: if it is lost, the records cannot be recovered by anyone."
)


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setMinimumWidth(320)
    return field


class NewPassphraseDialog(QDialog):
    """Choose a passphrase: OK only when it is long enough and typed the same twice.

    With ``keyring`` (the system keyring's name), a check box offers to keep a random
    database key there instead; the passphrase then only unlocks the window. With
    ``ask_current`` (changing it) the current passphrase is asked first, and OK waits
    for it too; whoever accepts checks it."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        explanation: str = NEW_PASSPHRASE_TEXT,
        keyring: str | None = None,
        ask_current: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newPassphraseDialog")
        self.current = password_field("Current passphrase")
        self.setWindowTitle("Choose a database passphrase")
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        self.passphrase = password_field("New passphrase")
        self.repeat = password_field("Repeat the passphrase")
        self.strength = QLabel()
        self.strength.setObjectName("passphraseStrength")
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName("Passphrase strength")
        self.use_keyring = QCheckBox(
            f"Keep a random database key in the system keyring ({keyring}): Auralis then "
            "opens without asking while you are logged in, and this passphrase only "
            "unlocks the window"
        )
        self.use_keyring.setObjectName("useKeyring")
        self.use_keyring.setVisible(keyring is not None)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        if ask_current:
            form.addRow("Current passphrase:", self.current)
        else:
            self.current.setParent(self)
            self.current.hide()
        form.addRow("New passphrase:" if ask_current else "Passphrase:", self.passphrase)
        form.addRow("Again:", self.repeat)
        form.addRow("Strength:", self.strength)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.use_keyring)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self.current.textChanged.connect(self._update)
        self._update()

    @Slot()
    def _update(self) -> None:
        text = self.passphrase.text()
        strength = passphrase_strength(text)
        same = text == self.repeat.text()
        label = f"{strength.label.capitalize()}. {strength.hint}" if text else strength.hint
        if text and strength.acceptable and self.repeat.text() and not same:
            label += " The two entries differ."
        self.strength.setText(label)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        current_given = self.current.isHidden() or bool(self.current.text())
        ok.setEnabled(strength.acceptable and same and current_given)

    def key(self) -> DatabaseKey:
        return DatabaseKey.passphrase(self.passphrase.text())

    def choice(self) -> tuple[KeyChoice, StoredKey | None]:
        """The key chosen and, for the keyring, what to store there."""
        if not self.use_keyring.isHidden() and self.use_keyring.isChecked():
            stored = StoredKey(DatabaseKey.random(), PassphraseVerifier.of(self.passphrase.text()))
            return KeyChoice(stored.key, "keyring", stored.unlock), stored
        return KeyChoice(self.key(), "asked"), None


class PassphraseEntry(QWidget):
    """A passphrase field with a line for the last problem. While wrong passphrases must
    wait, ``ready`` is False and a countdown says for how long."""

    ready_changed = Signal(bool)

    def __init__(self, attempts: UnlockAttempts, error: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.attempts = attempts
        self.passphrase = password_field("Passphrase")
        self.error = QLabel(error)
        self.error.setObjectName("passphraseError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Passphrase problem")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        self._error_text = error
        self.ready = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.passphrase.textChanged.connect(self._tick)
        self._timer.start()
        self._tick()

    @Slot()
    def _tick(self) -> None:
        wait = self.attempts.wait_seconds()
        if wait > 0:
            self.error.setText(f"Too many wrong passphrases. Try again in {wait:.0f} seconds.")
            ready = False
        else:
            self.error.setText(self._error_text)
            ready = bool(self.passphrase.text())
        if ready != self.ready:
            self.ready = ready
            self.ready_changed.emit(ready)

    def text(self) -> str:
        return self.passphrase.text()

    def show_error(self, text: str) -> None:
        self._error_text = text
        self.passphrase.clear()
        self._tick()


class EnterPassphraseDialog(QDialog):
    """Type the database's passphrase to open it."""

    def __init__(
        self,
        attempts: UnlockAttempts,
        parent: QWidget | None = None,
        *,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("enterPassphraseDialog")
        self.setWindowTitle("Open the Auralis database")
        intro = QLabel("The database is encrypted. Type its passphrase.")
        intro.setWordWrap(True)
        self.entry = PassphraseEntry(attempts, error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.entry)
        layout.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.entry.ready)
        self.entry.ready_changed.connect(ok.setEnabled)

    def key(self) -> DatabaseKey:
        return DatabaseKey.passphrase(self.entry.text())
