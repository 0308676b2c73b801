"""Opening the database for the window, with the dialogs start-up may need: a new
passphrase (or a key in the system keyring) for a new database, the offer to encrypt an
unencrypted one, the passphrase of an encrypted one (asked again after a wrong one), and
the newest good backup offered for a damaged file (which is kept)."""

from pathlib import Path

from PySide6.QtWidgets import QDialog, QMessageBox

from app.context import AppContext, open_context
from app.db_key import (
    DatabaseKey,
    FileState,
    KeyChoice,
    KeyOptions,
    NoPassphraseGiven,
    file_state,
    given_key,
)
from app.keyring_store import keyring_name, save_key
from app.paths import AppPaths
from app.startup import check_database, unlock_attempts
from app.usecases.database import restore_file
from app.usecases.errors import CorruptDatabaseError, StoreError, WrongKeyError
from app.usecases.keys import KeyChange, encrypt_existing, record_encryption
from ui.passphrase_dialogs import EnterPassphraseDialog, NewPassphraseDialog

ENCRYPT_OFFER = (
    "This database is not encrypted: anyone who copies the file can read the records.\n\n"
    "Encrypt it now? Auralis writes an encrypted copy, checks it against the original, and "
    "only then replaces the original (and re-encrypts the backups)."
)
ENCRYPT_EXPLANATION = (
    "Choose the passphrase that will protect the existing records. You will type it when "
    "Auralis starts and to unlock it.\n\nKeep it somewhere safe: if it is lost, the "
    "records cannot be recovered by anyone."
)


class _Asker:
    """The ``AskForKey`` of the window; remembers what it was given and the last error."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.error = ""
        self.asked: KeyChoice | None = None
        self.preset: KeyChoice | None = None  # just chosen to encrypt the database

    def __call__(self, state: FileState) -> KeyChoice | None:
        if self.preset is not None:
            self.asked, self.preset = self.preset, None
            return self.asked
        if state is FileState.MISSING:
            self.asked = new_key_choice(self.paths)
            return self.asked
        dialog = EnterPassphraseDialog(unlock_attempts(self.paths), error=self.error)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.asked = KeyChoice(dialog.key(), "asked") if accepted else None
        return self.asked


def new_key_choice(paths: AppPaths, explanation: str | None = None) -> KeyChoice | None:
    """Ask for a new passphrase (or a key in the keyring, stored there now); None when
    the person cancelled."""
    keyring = keyring_name()
    if explanation is None:
        dialog = NewPassphraseDialog(keyring=keyring)
    else:
        dialog = NewPassphraseDialog(explanation=explanation, keyring=keyring)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    choice, stored = dialog.choice()
    if stored is not None:
        try:
            save_key(paths.database, stored)
        except StoreError as exc:
            _tell(f"{exc} The passphrase you typed protects the database instead.")
            return KeyChoice(dialog.key(), "asked")
    return choice


def open_context_with_dialogs(data_dir: Path | None, options: KeyOptions) -> AppContext | None:
    """The open context, or None when the person cancelled or the database cannot be
    opened (they were told why)."""
    paths = AppPaths.resolve(data_dir)
    asker = _Asker(paths)
    encrypted = _offer_encryption(paths, options)
    asker.preset = encrypted[0] if encrypted else None
    while True:
        try:
            context = open_context(data_dir, options, asker)
            if encrypted:
                record_encryption(context.db, encrypted[1])
            return context
        except WrongKeyError as exc:
            if asker.asked is None or asker.asked.source != "asked":
                _tell(str(exc))  # from a file, the environment or the keyring: asking won't help
                return None
            asker.error = str(exc)
        except CorruptDatabaseError as exc:
            key = asker.asked.key if asker.asked else given_key(options)[0]
            if not _restore_offered(exc, paths, key):
                return None
            asker.preset = asker.asked  # the restored backup opens with the same key
        except NoPassphraseGiven:
            return None
        except StoreError as exc:
            _tell(str(exc))
            return None
        finally:
            asker.asked = None


def _offer_encryption(paths: AppPaths, options: KeyOptions) -> tuple[KeyChoice, KeyChange] | None:
    """For an unencrypted database (not chosen with --no-encryption, no key given by a
    file or the environment): offer to encrypt it; the key it now has and what was
    encrypted, or None."""
    if options.no_encryption or file_state(paths.database) is not FileState.PLAINTEXT:
        return None
    try:
        if given_key(options)[0] is not None:
            return None
        check_database(paths, None)  # never copy a damaged file
    except StoreError:
        return None  # opening reports it
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Encrypt the database?",
        ENCRYPT_OFFER,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    box.setObjectName("encryptOffer")
    if box.exec() != QMessageBox.StandardButton.Yes:
        return None
    choice = new_key_choice(paths, ENCRYPT_EXPLANATION)
    if choice is None or choice.key is None:
        return None
    try:
        change = encrypt_existing(paths, choice.key)
    except StoreError as exc:
        _tell(f"{exc} The database stays unencrypted.", "The database was not encrypted")
        return None
    if change.left:
        _tell(
            f"{len(change.left)} backup(s) could not be encrypted and stay unencrypted: "
            f"{change.left[0]}",
            "Some backups are not encrypted",
        )
    others = [path for path in change.plaintext.left if path not in change.left]
    if others:
        _tell(
            f"{len(others)} unencrypted copy(ies) beside the database could not be encrypted "
            f"and are kept as they are: {others[0]}. Move them somewhere safe.",
            "Some copies are not encrypted",
        )
    return choice, change


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
        restore_file(paths, key, exc.newest_backup)
    except StoreError as error:
        _tell(str(error))
        return False
    return True


def _tell(text: str, title: str = "Auralis cannot open its database") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.setObjectName("openFailed")
    box.exec()
