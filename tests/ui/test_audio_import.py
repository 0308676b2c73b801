"""A recording imported in the window: transcribed by the real recogniser off the GUI
thread behind a progress dialog with Cancel, then added as the patient's session and
shown; Cancel adds nothing; a silent recording is refused in the panel's own words."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from speech_audio import encode, require_speech, silence, speak, write_wav
from window_fixture import WindowFactory

from app.usecases.sessions import list_sessions
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow
SAID = "The patient reports headaches for two weeks. Her knee has been swollen since Monday."


@pytest.fixture
def window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    folder = require_speech()
    models = tmp_path / "program-models" / "speech"
    models.mkdir(parents=True)
    (models / folder.name).symlink_to(folder)
    monkeypatch.setenv("AURALIS_MODELS_DIR", str(models.parent))
    made = make_window()
    panel = made.sessions
    qtbot.keyClicks(panel.patients.new_name, "Ada Example")
    qtbot.mouseClick(panel.patients.add_button, Qt.MouseButton.LeftButton)
    assert panel.sessions.patient_id is not None
    return made


def _dialog(window: MainWindow) -> QProgressDialog | None:
    dialog = window.findChild(QProgressDialog, "backgroundProgress")
    return dialog if dialog is not None and dialog.isVisible() else None


def test_a_recording_becomes_a_session_shown_with_its_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    audio = encode(np.concatenate([speak(SAID), silence(0.5)]), tmp_path / "visit.m4a")
    sessions = window.sessions.sessions
    with qtbot.waitSignal(sessions.recording_imported, timeout=120_000) as done:
        assert sessions.import_file(audio) is None  # under way in the background
    session_id = done.args[0]
    assert session_id > 0 and window.sessions.view.session_id == session_id
    transcript = window.sessions.view.transcript.toPlainText().lower()
    for words in ("patient", "two weeks", "knee", "swollen"):
        assert words in transcript
    assert _dialog(window) is None


def test_cancel_adds_nothing(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    """Three minutes of speech: many windows, so the thread is still transcribing when
    Cancel is pressed; it stops at the next window and nothing is stored."""
    minute = np.concatenate([speak(SAID), silence(1.0)] * 12)
    audio = write_wav(tmp_path / "long.wav", np.tile(minute, 3))
    sessions = window.sessions.sessions
    with qtbot.waitSignal(sessions.recording_imported, timeout=120_000) as done:
        sessions.import_file(audio)
        qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=30_000)
        dialog = _dialog(window)
        assert dialog is not None
        button = dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Cancel"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert done.args[0] == -1
    assert list_sessions(window.context.db, sessions.patient_id) == []


def test_a_silent_recording_is_refused_in_the_panel(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    audio = write_wav(tmp_path / "quiet.wav", silence(3.0))
    sessions = window.sessions.sessions
    with qtbot.waitSignal(sessions.recording_imported, timeout=120_000) as done:
        sessions.import_file(audio)
    assert done.args[0] == -1
    assert sessions.error.isVisible() and sessions.error.text() == "quiet.wav is silent."
