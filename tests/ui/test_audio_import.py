"""A recording imported in the window: transcribed by the real recogniser off the GUI
thread behind a progress dialog with Cancel, then added as the patient's session and
shown; Cancel adds nothing; a silent recording is refused in the panel's own words."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from speech_audio import encode, silence, speak, use_speech_models, write_wav
from window_fixture import WindowFactory, add_patient_in_window

from app.usecases.sessions import list_sessions
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow
SAID = "The patient reports headaches for two weeks. Her knee has been swollen since Monday."


@pytest.fixture
def window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    use_speech_models(tmp_path, monkeypatch)
    made = make_window()
    add_patient_in_window(made, qtbot)
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
