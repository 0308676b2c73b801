"""Settings and the model manager, the data panel's restore, and the first-run offer,
through the real widgets offscreen (async flows on the qasync loop)."""

import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from gui_watch import GuiWatch
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.context import open_context
from app.usecases import database as usecases_database
from core.llm.model_file import ChecksumCache
from core.store.backup import list_backups
from core.store.patients import create_patient, list_patients
from tests.core.llm.server_fixture import SERVER_API_KEY
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow
from ui.settings.dialog import SettingsDialog

API_KEY = SERVER_API_KEY


def _answer(qtbot: QtBot, parent: QWidget, name: str, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, name) is not None, timeout=3000)
    box = parent.findChild(QMessageBox, name)
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)


class _LabelRecorder(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window, self.shown = window, list[str]()

    @Slot(str, str, float)
    def record(self, _job: str, _stage: str, _fraction: float) -> None:
        self.shown.append(self.window.engine_label.text())


def _pick(dialog: SettingsDialog, file_name: str) -> None:
    models = dialog.model.models
    rows = [models.item(i).text() for i in range(models.count())]
    models.setCurrentRow(next(i for i, text in enumerate(rows) if text.startswith(file_name)))


def test_models_folder_is_listed_and_corrupt_files_are_rejected_with_the_reason(
    make_window: WindowFactory, qtbot: QtBot, tiny_model: Path
) -> None:
    window = make_window()
    models_dir = window.context.paths.models_dir
    models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, models_dir / "good.gguf")
    data = tiny_model.read_bytes()
    (models_dir / "half.gguf").write_bytes(data[: len(data) // 2])
    (models_dir / "notes.gguf").write_bytes(b"this is a text file, renamed\n" * 40)
    dialog = window.open_settings()
    panel = dialog.model
    assert panel.models.count() == 3
    assert "your models folder" in panel.models.item(0).text()

    _pick(dialog, "half.gguf")
    qtbot.waitUntil(panel.problem.isVisible, timeout=10_000)
    assert "half.gguf is truncated" in panel.problem.text()
    assert panel.facts["Architecture"].text() == "–"

    _pick(dialog, "notes.gguf")
    qtbot.waitUntil(lambda: "not a GGUF model file" in panel.problem.text(), timeout=10_000)

    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cannot be used" in dialog.message.text(), timeout=10_000)
    assert window.worker.degraded  # the engine in use did not change
    assert not window.context.loaded.file.exists()  # nothing was saved

    _pick(dialog, "good.gguf")
    qtbot.waitUntil(lambda: panel.facts["Architecture"].text() == "llama", timeout=10_000)
    assert not panel.problem.isVisible()
    assert panel.facts["Quantization"].text() == "F32"
    assert panel.facts["Checksum"].text() == "not listed in a manifest (not verified)"


def test_load_and_unload_a_model_from_the_dialog(
    make_window: WindowFactory, qtbot: QtBot, tiny_model: Path
) -> None:
    window = make_window(AURALIS_INFERENCE__N_CTX="2048", AURALIS_INFERENCE__N_THREADS="2")
    models_dir = window.context.paths.models_dir
    models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, models_dir / "tiny.gguf")
    dialog = window.open_settings()
    dialog.model.refresh()
    _pick(dialog, "tiny.gguf")
    qtbot.mouseClick(dialog.model.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Now answering: local model" in dialog.message.text(), timeout=30_000)
    assert "auralis-tiny-test" in window.engine_label.text()
    assert not window.degraded_badge.isVisible()
    saved = tomllib.loads(window.context.loaded.file.read_text(encoding="utf-8"))
    assert saved["inference"]["model_path"] == str(models_dir / "tiny.gguf")
    assert dialog.model.unload_button.isEnabled()

    qtbot.mouseClick(dialog.model.unload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "unloaded" in dialog.message.text(), timeout=30_000)
    assert window.worker.degraded and window.degraded_badge.isVisible()
    assert "rule-based" in window.engine_label.text()
    assert not dialog.model.unload_button.isEnabled()


def test_settings_are_validated_in_the_dialog_and_saved_when_valid(
    make_window: WindowFactory, qtbot: QtBot, auralis_home: Path
) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.tabs.setCurrentIndex(1)
    assert dialog.fields["n_ctx"].minimum() == 512  # the settings' own bounds
    dialog.remote_url.setText("ftp://10.0.0.5")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was saved" in dialog.message.text(), timeout=3000)
    assert "remote_url" in dialog.message.text()
    assert not window.context.loaded.file.exists()

    dialog.remote_url.setText("")
    dialog.fields["max_tokens"].setValue(640)
    dialog.engine.setCurrentIndex(dialog.engine.findData("rules"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Now answering" in dialog.message.text(), timeout=10_000)
    saved = tomllib.loads(window.context.loaded.file.read_text(encoding="utf-8"))
    assert saved["inference"]["max_tokens"] == 640
    assert saved["inference"]["engine"] == "rules"
    reread = open_context(auralis_home)
    reread.close()
    assert reread.loaded.settings.inference.max_tokens == 640


def test_connection_to_a_real_server_and_to_nothing(
    make_window: WindowFactory, qtbot: QtBot, llama_server_url: str
) -> None:
    window = make_window(AURALIS_INFERENCE__REMOTE_API_KEY=API_KEY)
    dialog = window.open_settings()
    dialog.remote_url.setText(llama_server_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connected in" in dialog.message.text(), timeout=15_000)
    assert dialog.test_button.isEnabled()

    dialog.remote_url.setText("http://127.0.0.1:9")  # nothing listens there
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "127.0.0.1:9" in dialog.message.text(), timeout=15_000)
    assert "Connected" not in dialog.message.text()


def test_restore_from_a_backup_asks_first_and_keeps_what_it_replaced(
    make_window: WindowFactory, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    watch = GuiWatch()  # the backup and the restore must leave the window responsive
    for name in ("backup_database", "restore_into"):
        monkeypatch.setattr(usecases_database, name, watch.wrap(getattr(usecases_database, name)))
    db = window.context.db
    create_patient(db, "In the backup")
    dialog = window.open_settings()
    dialog.tabs.setCurrentIndex(2)
    data = dialog.data
    assert not data.restore_button.isEnabled()  # nothing chosen yet
    qtbot.mouseClick(data.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Backed up" in data.message.text(), timeout=10_000)
    assert data.backups.count() == 1
    create_patient(db, "Written after the backup")
    window.sessions.reload()
    data.backups.setCurrentRow(0)

    qtbot.mouseClick(data.restore_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, data, "restoreConfirm", QMessageBox.StandardButton.No)
    qtbot.waitUntil(lambda: data.message.text() == "Nothing was restored.", timeout=3000)
    assert len(list_patients(db)) == 2

    qtbot.mouseClick(data.restore_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, data, "restoreConfirm", QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: "Restored" in data.message.text(), timeout=5000)
    db = window.context.db  # reopened after the restore
    assert [p.display_name for p in list_patients(db)] == ["In the backup"]
    patients = window.sessions.patients.list
    assert [patients.item(i).text() for i in range(patients.count())] == ["In the backup"]
    assert data.backups.count() == 2  # the copy of what was replaced is listed too
    undo = list_backups(window.context.paths.backup_dir)[0]
    assert undo.name in data.message.text()
    watch.stop()
    assert watch.on_gui_thread == [False, False]  # off the GUI thread (before: on it)
    assert watch.gui_answered == [True, True]  # the window answered meanwhile


def test_restore_is_refused_while_a_case_runs(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window()
    window.show_workspace("or")
    window.operating_room.start_typed()
    dialog = window.open_settings()
    qtbot.mouseClick(dialog.data.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.data.backups.count() == 1, timeout=10_000)
    dialog.data.backups.setCurrentRow(0)
    qtbot.mouseClick(dialog.data.restore_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, dialog.data, "restoreConfirm", QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: "case is running" in dialog.data.message.text(), timeout=5000)
    assert window.operating_room.controller.running  # a typed-lines case is never ended


def test_first_run_offers_demo_data_clearly_labelled(
    qtbot: QtBot, auralis_home: Path, async_loop: object
) -> None:
    context = open_context(auralis_home)
    window = MainWindow(context)  # an empty store: the offer appears
    qtbot.addWidget(window)
    window.show()
    try:
        _answer(qtbot, window, "demoOffer", QMessageBox.StandardButton.Yes)
        names = [p.display_name for p in list_patients(context.db)]
        assert len(names) == 2 and all(name.startswith("DEMO") for name in names)
        assert window.sessions.patients.list.count() == 2
        assert window.operating_room.cases.count() == 1
        assert "fictitious" in window.statusBar().currentMessage()
    finally:
        window.close()
        context.close()
    second = open_context(auralis_home)
    again = MainWindow(second)  # not empty any more: no offer
    qtbot.addWidget(again)
    try:
        assert again.findChild(QMessageBox, "demoOffer") is None
    finally:
        again.close()
        second.close()


def test_the_model_loads_in_the_background_with_progress_in_the_status_bar(
    qtbot: QtBot,
    auralis_home: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    async_loop: object,
) -> None:
    monkeypatch.setenv("AURALIS_INFERENCE__MODEL_PATH", str(tiny_model))
    monkeypatch.setenv("AURALIS_INFERENCE__N_CTX", "2048")
    context = open_context(auralis_home)
    window = MainWindow(context, first_run_prompt=False)
    qtbot.addWidget(window)
    window.show()
    recorder = _LabelRecorder(window)
    window.worker.progress.connect(recorder.record)  # queued: runs after the window's slot
    try:
        with qtbot.waitSignal(window.worker.engine_changed, timeout=30_000):
            window.start_engine()
            assert window.sessions.patients.add_button.isEnabled()  # usable meanwhile
        qtbot.waitUntil(lambda: "local model" in window.engine_label.text(), timeout=5000)
        assert any("loading the model" in text for text in recorder.shown)
    finally:
        window.close()
        context.close()


@contextmanager
def _window_after_startup_load(qtbot: QtBot, home: Path) -> Iterator[MainWindow]:
    context = open_context(home)
    window = MainWindow(context, first_run_prompt=False)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.worker.engine_changed, timeout=30_000):
            window.start_engine()
        yield window
    finally:
        window.close()
        context.close()


def test_an_installed_model_that_was_replaced_is_announced_with_both_checksums(
    qtbot: QtBot, auralis_home: Path, tiny_model: Path
) -> None:
    models = auralis_home / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, models / "installed.gguf")
    listed = "0" * 64
    (models / "manifest.json").write_text(
        f'{{"models": [{{"file": "installed.gguf", "sha256": "{listed}"}}]}}'
    )
    with _window_after_startup_load(qtbot, auralis_home) as window:
        box = window.findChild(QMessageBox, "engineProblem")
        assert box is not None and box.isVisible()
        found = ChecksumCache(None).sha256(models / "installed.gguf")
        expected = f"checksum mismatch (expected sha256 {listed}, found {found})"
        assert expected in box.informativeText()
        assert expected in window.degraded_badge.toolTip()
        assert window.degraded_badge.isVisible()
        box.accept()


def test_no_model_installed_is_not_announced(qtbot: QtBot, auralis_home: Path) -> None:
    with _window_after_startup_load(qtbot, auralis_home) as window:
        assert window.findChild(QMessageBox, "engineProblem") is None
        assert "No model file found" in window.degraded_badge.toolTip()


def test_a_fine_tuned_adapter_is_checked_named_loaded_and_saved(
    make_window: WindowFactory, qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    from lora_builder import write_adapter

    adapter = write_adapter(tiny_model, tmp_path / "clinic.gguf", name="clinic-notes")
    window = make_window(AURALIS_INFERENCE__N_CTX="2048", AURALIS_INFERENCE__N_THREADS="2")
    models_dir = window.context.paths.models_dir
    models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, models_dir / "tiny.gguf")
    dialog = window.open_settings()
    panel = dialog.model
    panel.refresh()
    panel.adapter.setText(str(tiny_model))  # a model where the adapter belongs
    _pick(dialog, "tiny.gguf")
    qtbot.waitUntil(lambda: "is a model, not an adapter" in panel.problem.text(), timeout=10_000)

    panel.adapter.setText(str(adapter))
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Now answering: local model" in dialog.message.text(), timeout=30_000)
    assert panel.facts["Adapter"].text() == "clinic-notes"
    assert panel.facts["Adapter checksum"].text() == f"sha256 {harness_sha256(adapter)}"
    assert "with adapter clinic-notes" in window.engine_label.text()
    saved = tomllib.loads(window.context.loaded.file.read_text(encoding="utf-8"))
    assert saved["inference"]["adapter_path"] == str(adapter)


def harness_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
