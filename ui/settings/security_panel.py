"""Security settings: how the database is protected, Change passphrase, the window's
lock (idle minutes, and whether the operating-room display is exempt), and the audit
trail (verify its hash chain, export it as CSV).

GUI thread. Re-encrypting the database (SQLCipher re-writes each page once) and then its
backups runs off it, on a connection of its own, with a progress dialog; the window's
connection is closed meanwhile and opened again with the new key.
"""

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.settings import SecuritySettings, SpeechSettings, field_bounds
from app.startup import unlock_attempts
from app.usecases.audit_trail import export_audit, verify_audit
from app.usecases.errors import StoreError
from app.usecases.keys import change_passphrase
from ui.async_jobs import async_slot
from ui.background import run_in_background
from ui.passphrase_dialogs import NewPassphraseDialog

KEEP_RECORDINGS_TEXT = "Keep session recordings (encrypted with the session)"
OR_EXEMPTION_TEXT = (
    "Keep the operating-room display visible when idle (it shows the phase and the "
    "machines, no patient identity). Ctrl+L still locks it."
)
CHANGE_TEXT = (
    "Choose the new passphrase. The database and its backups are re-encrypted with it; "
    "the old one stops working.\n\nKeep it somewhere safe: if it is lost, the records "
    "cannot be recovered by anyone."
)
CHANGE_UNLOCK_TEXT = (
    "Choose the new passphrase that unlocks the window. The database key stays in the "
    "system keyring."
)


def protection_text(context: AppContext) -> str:
    """How the database is protected, in words."""
    choice = context.key_choice
    if choice.key is None:
        return (
            "NOT encrypted: anyone who copies the database file can read the records. "
            "Restart Auralis to be offered encryption, or run `auralis db encrypt`."
        )
    if choice.source == "keyring":
        return (
            "Encrypted (AES-256) with a random key kept in the system keyring; your "
            "passphrase unlocks the window."
        )
    return "Encrypted (AES-256) with your passphrase. Backups are encrypted with it too."


class SecurityPanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        security = context.loaded.settings.security
        self.protection = QLabel(protection_text(context))
        self.protection.setWordWrap(True)
        self.protection.setAccessibleName("Database protection")
        self.change_button = QPushButton("&Change passphrase…")
        self.change_button.setEnabled(context.key_choice.key is not None)
        limits = field_bounds(SecuritySettings.model_fields["lock_after_minutes"])
        self.lock_minutes = QDoubleSpinBox()
        self.lock_minutes.setDecimals(1)
        self.lock_minutes.setRange(limits.low, limits.high)
        self.lock_minutes.setSuffix(" min")
        self.lock_minutes.setSpecialValueText("Never (Ctrl+L only)")
        self.lock_minutes.setValue(security.lock_after_minutes)
        self.lock_minutes.setAccessibleName("Lock after idle minutes")
        self.or_exempt = QCheckBox(OR_EXEMPTION_TEXT)
        self.or_exempt.setChecked(security.lock_exempts_or_display)
        self.or_exempt.setAccessibleName("Operating-room display exempt from the idle lock")
        self.keep_recordings = QCheckBox(KEEP_RECORDINGS_TEXT)
        self.keep_recordings.setChecked(context.loaded.settings.speech.keep_recordings)
        self.keep_recordings.setAccessibleName("Keep session recordings")
        self.keep_recordings.setToolTip(
            "Off (the default): a recorded session's sound is never stored, only its transcript"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Security message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Database:", self.protection)
        change_row = QHBoxLayout()
        change_row.addWidget(self.change_button)
        change_row.addStretch(1)
        form.addRow("", change_row)
        form.addRow("Lock after:", self.lock_minutes)
        form.addRow("", self.or_exempt)
        form.addRow("Recordings:", self.keep_recordings)
        self.verify_button = QPushButton("&Verify the audit trail")
        self.export_button = QPushButton("E&xport the audit trail…")
        audit_row = QHBoxLayout()
        audit_row.addWidget(self.verify_button)
        audit_row.addWidget(self.export_button)
        audit_row.addStretch(1)
        form.addRow("Audit trail:", audit_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not context.key_choice.can_unlock:
            layout.addWidget(
                QLabel(
                    "The lock needs a passphrase: it is off while the database is not encrypted."
                )
            )
        layout.addWidget(
            QLabel("Lock now: Ctrl+L. Unlocking needs the passphrase. Apply saves these settings.")
        )
        layout.addStretch(1)
        layout.addWidget(self.message)
        self.change_button.clicked.connect(self.change_passphrase)
        self.verify_button.clicked.connect(self.verify_audit)
        self.export_button.clicked.connect(self.export_audit)

    def values(self) -> SecuritySettings:
        return SecuritySettings(
            lock_after_minutes=self.lock_minutes.value(),
            lock_exempts_or_display=self.or_exempt.isChecked(),
        )

    def speech_values(self) -> SpeechSettings:
        return self.context.loaded.settings.speech.model_copy(
            update={"keep_recordings": self.keep_recordings.isChecked()}
        )

    @Slot()
    def verify_audit(self) -> None:
        report = verify_audit(self.context.db)
        notes = "".join(f" Note: {note}" for note in report.notes)
        if report.intact:
            self.message.setText(
                f"The audit trail's {report.entries} entries form an unbroken chain. Head "
                f"hash (write it down to detect a later rewrite): {report.head}.{notes}"
            )
        else:
            self.message.setText(
                "The audit trail was CHANGED outside Auralis: " + " ".join(report.problems) + notes
            )

    @Slot()
    def export_audit(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the audit trail", "audit.csv", "CSV (*.csv)"
        )
        if name:
            self.export_audit_to(Path(name))

    def export_audit_to(self, path: Path) -> None:
        try:
            count = export_audit(self.context.db, path)
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(
            f"Wrote {count} audit entries to {path} (ids and times, no patient text)."
        )

    @Slot()
    def change_passphrase(self) -> None:
        current = self.context.key_choice
        keyring = current.source == "keyring"
        dialog = NewPassphraseDialog(
            self, explanation=CHANGE_UNLOCK_TEXT if keyring else CHANGE_TEXT, ask_current=True
        )
        dialog.setWindowTitle("Change the passphrase")
        self._dialog = dialog
        dialog.accepted.connect(self._change_accepted)
        dialog.open()

    @async_slot
    async def _change_accepted(self) -> None:
        context, current = self.context, self.context.key_choice
        paths, new = context.paths, self._dialog.passphrase.text()
        typed, attempts = self._dialog.current.text(), unlock_attempts(context.paths)
        self._dialog.deleteLater()
        context.suspend_store()  # the passphrase is changed on a connection of its own
        try:
            change = await run_in_background(
                self,
                "Changing the passphrase",
                lambda progress: change_passphrase(
                    paths, current, new, progress, typed_current=typed, attempts=attempts
                ),
            )
            context.key_choice = change.choice
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        finally:
            context.resume_store()
        if current.source == "keyring":
            self.message.setText("The passphrase that unlocks the window was changed.")
            return
        text = f"The passphrase was changed for the database and {change.backups} backup(s)."
        if change.left:
            text += f" {len(change.left)} backup(s) still need the old one: {change.left[0].name}."
        if current.source in ("environment", "key file"):
            text += f" Auralis was given the old one by the {current.source}: update it there."
        self.message.setText(text)
