"""Start-up's dialogs, answered as a person would: a new passphrase (or a key in the system
keyring) for a new database, the passphrase of an existing one, the offer to encrypt an
old unencrypted database, and the newest good backup for a damaged file."""

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.db_key import KeyOptions
from core.store import audit, open_store
from core.store.backup import backup_database, list_backups
from core.store.connection import DatabaseKey, FileState, file_state
from core.store.patients import create_patient, list_patients
from ui.opening import open_context_with_dialogs
from ui.passphrase_dialogs import EnterPassphraseDialog, NewPassphraseDialog

PASSPHRASE = "orchard copper winter signal"
NAME = "Benedick Larkspur"
Answer = Callable[[QWidget], None]


@pytest.fixture
def home(auralis_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("AURALIS_DB_KEY")  # a person at the screen, not a script
    return auralis_home


def _open_answering(qtbot: QtBot, home: Path, answers: list[Answer]) -> AppContext | None:
    """Open as the window does, answering each modal dialog in turn; every answer must
    have been used."""
    pending = list(answers)

    def answer_next() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not pending:
            QTimer.singleShot(20, answer_next)
            return
        pending.pop(0)(dialog)
        if pending:
            QTimer.singleShot(20, answer_next)

    QTimer.singleShot(20, answer_next)
    context = open_context_with_dialogs(home, KeyOptions())
    assert not pending, f"{len(pending)} dialog(s) never came"
    return context


def _new_passphrase(passphrase: str = PASSPHRASE, *, keyring: bool = False) -> Answer:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, NewPassphraseDialog)
        dialog.passphrase.setText(passphrase)
        dialog.repeat.setText(passphrase)
        assert dialog.use_keyring.isVisible() == keyring
        dialog.use_keyring.setChecked(keyring)
        dialog.accept()

    return answer


def _passphrase(passphrase: str, expect_error: str = "") -> Answer:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, EnterPassphraseDialog)
        assert expect_error in dialog.entry.error.text()
        dialog.entry.passphrase.setText(passphrase)
        dialog.accept()

    return answer


def _box(name: str, button: QMessageBox.StandardButton) -> Answer:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox) and dialog.objectName() == name, dialog
        dialog.done(button)

    return answer


def _cancel(dialog: QWidget) -> None:
    assert isinstance(dialog, QDialog)
    dialog.reject()


def _database(home: Path) -> Path:
    return home / "data" / "auralis.db"


def test_a_new_database_is_encrypted_with_the_passphrase_chosen(qtbot: QtBot, home: Path) -> None:
    context = _open_answering(qtbot, home, [_new_passphrase()])
    assert context is not None
    try:
        create_patient(context.db, NAME)
        assert context.key_choice.source == "asked" and context.key_choice.unlocks(PASSPHRASE)
    finally:
        context.close()
    assert file_state(_database(home)) is FileState.ENCRYPTED
    assert NAME.encode() not in _database(home).read_bytes()


def test_a_wrong_passphrase_is_asked_again_and_cancel_opens_nothing(
    qtbot: QtBot, home: Path
) -> None:
    open_store(_database(home), key=DatabaseKey.passphrase(PASSPHRASE)).close()
    answers = [_passphrase("wrong one"), _passphrase(PASSPHRASE, "Wrong passphrase")]
    context = _open_answering(qtbot, home, answers)
    assert context is not None
    context.close()
    assert _open_answering(qtbot, home, [_cancel]) is None


def test_a_key_in_the_keyring_opens_without_asking(
    qtbot: QtBot, home: Path, file_keyring: Path
) -> None:
    context = _open_answering(qtbot, home, [_new_passphrase(keyring=True)])
    assert context is not None
    assert context.key_choice.source == "keyring" and context.key_choice.key is not None
    assert context.key_choice.key.raw  # a random key, not the passphrase
    context.close()
    again = _open_answering(qtbot, home, [])  # no dialog at all
    assert again is not None
    try:
        assert again.key_choice.source == "keyring"
        assert again.key_choice.unlocks(PASSPHRASE) and not again.key_choice.unlocks("other")
    finally:
        again.close()


def test_an_old_unencrypted_database_is_offered_encryption(qtbot: QtBot, home: Path) -> None:
    db = open_store(_database(home), key=None)
    create_patient(db, NAME)
    backup_database(db, home / "data" / "backups", keep=5, key=None)
    db.close()
    answers = [_box("encryptOffer", QMessageBox.StandardButton.Yes), _new_passphrase()]
    context = _open_answering(qtbot, home, answers)
    assert context is not None
    try:
        assert [p.display_name for p in list_patients(context.db)] == [NAME]
        assert context.key_choice.unlocks(PASSPHRASE)
        newest = audit.list_entries(context.db, limit=1)[0]
        assert (newest.action, newest.detail) == ("encrypt", "backups=1")
    finally:
        context.close()
    for path in [_database(home), *list_backups(home / "data" / "backups")]:
        assert file_state(path) is FileState.ENCRYPTED, path
        assert NAME.encode() not in path.read_bytes()


def test_declining_encryption_opens_the_database_as_it_is(qtbot: QtBot, home: Path) -> None:
    open_store(_database(home), key=None).close()
    context = _open_answering(qtbot, home, [_box("encryptOffer", QMessageBox.StandardButton.No)])
    assert context is not None
    context.close()
    assert context.key is None and file_state(_database(home)) is FileState.PLAINTEXT


def test_a_damaged_database_is_offered_the_newest_good_backup(qtbot: QtBot, home: Path) -> None:
    key = DatabaseKey.passphrase(PASSPHRASE)
    db = open_store(_database(home), key=key)
    create_patient(db, NAME)
    backup_database(db, home / "data" / "backups", keep=5, key=key)
    db.close()
    data = bytearray(_database(home).read_bytes())
    data[4096 + 100 : 4096 + 400] = b"\x00" * 300  # a page in the middle, overwritten
    _database(home).write_bytes(bytes(data))
    answers = [_passphrase(PASSPHRASE), _box("restoreOffer", QMessageBox.StandardButton.Yes)]
    context = _open_answering(qtbot, home, answers)
    assert context is not None
    try:
        assert [p.display_name for p in list_patients(context.db)] == [NAME]
    finally:
        context.close()
    kept = list((home / "data").glob("auralis.db.replaced-*"))  # never overwritten
    assert [path.read_bytes() for path in kept] == [bytes(data)]
