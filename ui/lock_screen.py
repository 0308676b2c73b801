"""The locked window: nothing of the record, only a passphrase field to unlock it, and a
watcher that notices when nobody has used the keyboard or the mouse for a while.

GUI thread only. The lock screen checks the typed passphrase with the ``KeyChoice`` the
database is open with now (asked each time: the passphrase may have been changed);
wrong passphrases count towards the same wait as at start-up.
"""

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from app.db_key import KeyChoice
from app.unlock_attempts import UnlockAttempts
from ui.passphrase_dialogs import PassphraseEntry

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``minutes`` without keyboard, mouse or touch input
    anywhere in the application; 0 minutes switches it off."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.seconds = minutes * 60.0
        self._last_input = time.monotonic()
        if self.seconds > 0:
            # Checked a few times per idle period (at most each second): cheap, and the lock
            # comes at most a quarter period late.
            self._timer.start(int(min(1000.0, self.seconds * 250.0)))
        else:
            self._timer.stop()

    def reset(self) -> None:
        self._last_input = time.monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self._last_input = time.monotonic()
        return False

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @Slot()
    def _check(self) -> None:
        if self.seconds > 0 and time.monotonic() - self._last_input >= self.seconds:
            self._last_input = time.monotonic()
            self.idle.emit()


class LockScreen(QWidget):
    """Shown instead of the workspaces while the window is locked."""

    unlocked = Signal()
    failed = Signal(int)  # wrong passphrases so far

    def __init__(
        self,
        choice: Callable[[], KeyChoice],
        attempts: UnlockAttempts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.choice, self.attempts = choice, attempts
        title = QLabel("Auralis is locked")
        title.setObjectName("lockTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Type the passphrase to unlock. Nothing is lost while it is locked.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.entry = PassphraseEntry(attempts)
        self.entry.passphrase.setAccessibleName("Passphrase to unlock")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setEnabled(self.entry.ready)
        self.entry.ready_changed.connect(self.unlock_button.setEnabled)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.entry.passphrase.returnPressed.connect(self.try_unlock)
        box = QWidget()
        box.setMinimumWidth(480)
        box.setMaximumWidth(520)
        column = QVBoxLayout(box)
        column.addWidget(title)
        column.addWidget(hint)
        column.addWidget(self.entry)
        column.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def start(self) -> None:
        self.entry.show_error("")
        self.entry.passphrase.setFocus()

    @Slot()
    def try_unlock(self) -> None:
        if not self.entry.ready:
            return
        if self.choice().unlocks(self.entry.text()):
            self.attempts.succeeded()
            self.entry.show_error("")
            self.unlocked.emit()
            return
        failures = self.attempts.failed()
        self.entry.show_error("Wrong passphrase. Try again.")
        self.failed.emit(failures)
