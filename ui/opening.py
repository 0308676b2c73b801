"""Opening the database for the window, with the dialogs start-up may need: a new
passphrase for a new database, the passphrase of an encrypted one (asked again after a
wrong one), and the newest good backup offered for a damaged file (which is kept)."""

from pathlib import Path

from PySide6.QtWidgets import QDialog, QMessageBox

from app.context import AppContext, open_context
from app.db_key import KeyChoice, KeyOptions, NoPassphraseGiven, given_key
from app.paths import AppPaths
from app.startup import unlock_attempts
from core.store.backup import restore_backup
from core.store.connection import DatabaseKey, FileState
from core.store.errors import CorruptDatabaseError, StoreError, WrongKeyError
from ui.passphrase_dialogs import EnterPassphraseDialog, NewPassphraseDialog


class _Asker:
    """The ``AskForKey`` of the window; remembers what it was given and the last error."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.error = ""
        self.asked: DatabaseKey | None = None

    def forget(self) -> None:
        self.asked = None

    def __call__(self, state: FileState) -> KeyChoice | None:
        dialog: NewPassphraseDialog | EnterPassphraseDialog
        if state is FileState.MISSING:
            dialog = NewPassphraseDialog()
        else:
            dialog = EnterPassphraseDialog(unlock_attempts(self.paths), error=self.error)
        self.asked = dialog.key() if dialog.exec() == QDialog.DialogCode.Accepted else None
        return KeyChoice(self.asked, "asked") if self.asked is not None else None


def open_context_with_dialogs(data_dir: Path | None, options: KeyOptions) -> AppContext | None:
    """The open context, or None when the person cancelled or the database cannot be
    opened (they were told why)."""
    paths = AppPaths.resolve(data_dir)
    asker = _Asker(paths)
    while True:
        asker.forget()
        try:
            return open_context(data_dir, options, asker)
        except WrongKeyError as exc:
            if asker.asked is None:  # from a key file or the environment: asking again won't help
                _tell(str(exc))
                return None
            asker.error = str(exc)
        except CorruptDatabaseError as exc:
            key = asker.asked or given_key(options)[0]
            if not _restore_offered(exc, paths, key):
                return None
        except NoPassphraseGiven:
            return None
        except StoreError as exc:
            _tell(str(exc))
            return None


def _restore_offered(exc: CorruptDatabaseError, paths: AppPaths, key: DatabaseKey | None) -> bool:
    """Offer the newest good backup; True when it was restored (the damaged file is kept
    beside it), False when there is none or the person declined."""
    if exc.newest_backup is None:
        _tell(str(exc))
        return False
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "The database is damaged",
        f"{exc}\n\nRestore the newest good backup now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    box.setObjectName("restoreOffer")
    if box.exec() != QMessageBox.StandardButton.Yes:
        return False
    try:
        restore_backup(exc.newest_backup, paths.database, key=key)
    except StoreError as error:
        _tell(str(error))
        return False
    return True


def _tell(text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, "Auralis cannot open its database", text)
    box.setObjectName("openFailed")
    box.exec()
