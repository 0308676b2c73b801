"""Settings → Security: the lock's settings saved and taken up at once (and audited by
name), and Change passphrase re-encrypting the database and its backups."""

import tomllib
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from gui_watch import GuiWatch
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.startup import unlock_attempts
from app.usecases import keys as usecases_keys
from app.usecases.keys import WRONG_CURRENT
from core.store import audit, open_store
from core.store.backup import backup_database, integrity_problems, list_backups
from core.store.connection import DatabaseKey
from core.store.errors import WrongKeyError
from core.store.patients import list_patients
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow
from ui.passphrase_dialogs import NewPassphraseDialog
from ui.settings.security_panel import SecurityPanel

NEW_PASSPHRASE = "lantern harbour violet seven"


def test_lock_settings_are_saved_taken_up_and_audited_by_name(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.tabs.setCurrentWidget(dialog.security)
    assert "Encrypted (AES-256) with your passphrase" in dialog.security.protection.text()
    dialog.security.lock_minutes.setValue(5)
    dialog.security.or_exempt.setChecked(True)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Now answering" in dialog.message.text(), timeout=10_000)
    saved = tomllib.loads(window.context.loaded.file.read_text(encoding="utf-8"))
    assert saved["security"] == {"lock_after_minutes": 5.0, "lock_exempts_or_display": True}
    assert window.idle.seconds == 300
    change = next(e for e in audit.list_entries(window.context.db) if e.action == "settings_change")
    assert change.detail == "security.lock_after_minutes,security.lock_exempts_or_display"


def test_keeping_recordings_is_off_until_turned_on_and_then_the_record_dialog_ticks_it(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    dialog = window.open_settings()
    assert not dialog.security.keep_recordings.isChecked()  # default: the sound is not kept
    dialog.security.keep_recordings.setChecked(True)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Now answering" in dialog.message.text(), timeout=10_000)
    saved = tomllib.loads(window.context.loaded.file.read_text(encoding="utf-8"))
    assert saved["speech"] == {"keep_recordings": True}
    assert window.context.loaded.settings.speech.keep_recordings
    change = next(e for e in audit.list_entries(window.context.db) if e.action == "settings_change")
    assert change.detail == "speech.keep_recordings"


def test_change_passphrase_re_encrypts_the_database_and_its_backups(
    make_window: WindowFactory, qtbot: QtBot, auralis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    watch = GuiWatch()  # re-keying must leave the window responsive
    monkeypatch.setattr(usecases_keys, "change_key", watch.wrap(usecases_keys.change_key))
    context = window.context
    backup_database(context.db, context.paths.backup_dir, keep=10, key=context.key)
    dialog = window.open_settings()
    panel = dialog.security
    qtbot.mouseClick(panel.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(NewPassphraseDialog) is not None, timeout=3000)
    new = dialog.findChild(NewPassphraseDialog)
    assert isinstance(new, NewPassphraseDialog) and not new.use_keyring.isVisible()
    qtbot.keyClicks(new.current, TEST_PASSPHRASE)
    qtbot.keyClicks(new.passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(new.repeat, NEW_PASSPHRASE)
    assert new.buttons.button(new.buttons.StandardButton.Ok).isEnabled()
    new.accept()
    qtbot.waitUntil(lambda: "passphrase was changed" in panel.message.text(), timeout=10_000)
    watch.stop()
    assert watch.on_gui_thread == [False] and watch.gui_answered == [True]
    assert "AURALIS_DB_KEY" not in panel.message.text()
    assert "environment" in panel.message.text()  # the tests give the old one that way

    # the lock now takes the new passphrase, not the old one
    dialog.close()
    assert window.lock()
    for typed in (TEST_PASSPHRASE, NEW_PASSPHRASE):
        qtbot.keyClicks(window.lock_screen.entry.passphrase, typed)
        qtbot.keyClick(window.lock_screen.entry.passphrase, Qt.Key.Key_Return)
    assert not window.locked
    entries = [e.action for e in audit.list_entries(context.db, limit=4)]
    assert entries[:3] == ["unlock", "unlock_failed", "lock"] and "change_passphrase" in entries

    database, backups = context.paths.database, list_backups(context.paths.backup_dir)
    window.close()
    context.close()
    new_key = DatabaseKey.passphrase(NEW_PASSPHRASE)
    db = open_store(database, key=new_key)
    try:
        assert list_patients(db) == []
    finally:
        db.close()
    assert backups and all(integrity_problems(b, key=new_key) == [] for b in backups)
    try:
        open_store(database, key=DatabaseKey.passphrase(TEST_PASSPHRASE)).close()
        raise AssertionError("the old passphrase still opens the database")
    except WrongKeyError:
        pass


def _change_dialog(window: MainWindow, qtbot: QtBot) -> tuple[SecurityPanel, NewPassphraseDialog]:
    dialog = window.open_settings()
    panel = dialog.security
    qtbot.mouseClick(panel.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(NewPassphraseDialog) is not None, timeout=3000)
    new = dialog.findChild(NewPassphraseDialog)
    assert isinstance(new, NewPassphraseDialog)
    return panel, new


def test_changing_the_passphrase_refuses_a_wrong_current_one_and_changes_nothing(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    context = window.context
    panel, new = _change_dialog(window, qtbot)
    assert new.current.isVisible() and new.current.accessibleName() == "Current passphrase"
    ok = new.buttons.button(new.buttons.StandardButton.Ok)
    qtbot.keyClicks(new.passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(new.repeat, NEW_PASSPHRASE)
    assert not ok.isEnabled()  # not without the current passphrase
    qtbot.keyClicks(new.current, "not the passphrase at all")
    assert ok.isEnabled()
    new.accept()
    qtbot.waitUntil(lambda: "current passphrase is wrong" in panel.message.text(), timeout=10_000)
    assert panel.message.text() == WRONG_CURRENT  # one clear line
    assert unlock_attempts(context.paths).failures == 1  # counted as a wrong unlock
    assert context.key_choice.unlocks(TEST_PASSPHRASE)  # nothing changed
    assert "change_passphrase" not in [e.action for e in audit.list_entries(context.db)]
    window.close()
    database = context.paths.database
    context.close()
    open_store(database, key=DatabaseKey.passphrase(TEST_PASSPHRASE)).close()


def test_the_audit_trail_is_verified_and_exported_from_the_window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    window.lock()  # something to audit
    qtbot.keyClicks(window.lock_screen.entry.passphrase, TEST_PASSPHRASE)
    qtbot.keyClick(window.lock_screen.entry.passphrase, Qt.Key.Key_Return)
    panel = window.open_settings().security
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    head = audit.verify_chain(window.context.db).head
    assert "unbroken chain" in panel.message.text() and head in panel.message.text()
    out = tmp_path / "audit.csv"
    panel.export_audit_to(out)
    assert "audit entries" in panel.message.text()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,at,actor,action") and len(lines) >= 3
    newest = audit.list_entries(window.context.db, limit=1)[0]
    assert (newest.action, newest.entity) == ("export", "audit_log")
    panel.export_audit_to(tmp_path / "audit.csv" / "no.csv")  # a file is not a folder
    assert "could not be written" in panel.message.text()


def test_a_deleted_audit_trail_is_reported_by_the_windows_verify(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    window.lock()  # something to audit
    qtbot.keyClicks(window.lock_screen.entry.passphrase, TEST_PASSPHRASE)
    qtbot.keyClick(window.lock_screen.entry.passphrase, Qt.Key.Key_Return)
    db = window.context.db
    entries = audit.verify_chain(db).entries
    db.execute("DROP TRIGGER audit_log_no_delete")  # someone with an SQL shell
    db.execute("DELETE FROM audit_log")
    panel = window.open_settings().security
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    text = panel.message.text()
    assert "CHANGED" in text and "unbroken" not in text
    assert "audit_log_no_delete" in text and f"{entries} entries" in text
