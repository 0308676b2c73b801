"""A session recorded in the window: Record opens the dialog, the test run's PulseAudio
input (tests/support/pulse_room.py) hears a two-voice dialogue played into it, the
transcript appears as it is spoken, and Stop and add makes the patient's next session
with both speakers and the lines' times; the recording is kept (encrypted in the
database) only when ticked. Discard keeps nothing. The Speakers dialog swaps the two
labels in one action."""

from pathlib import Path

import numpy as np
import pytest
from pulse_room import play, require_room
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from speech_audio import RATE, silence, speak, use_speech_models
from window_fixture import WindowFactory, add_patient_in_window

from app.usecases.recording import recorded_seconds
from app.usecases.sessions import line_times_of, list_sessions, open_session
from core.store import audit
from core.store.session_audio import get_recording
from ui.main_window import MainWindow
from ui.sessions.record_dialog import RecordDialog
from ui.sessions.speakers_dialog import SpeakersDialog

pytestmark = pytest.mark.slow
DIALOGUE = [
    ("en-us", "How have you been sleeping since we last met?"),
    ("en-us+f3", "Not very well. I wake up at four every morning and cannot sleep again."),
    ("en-us", "What goes through your mind when you wake up that early?"),
    ("en-us+f3", "Mostly work. I keep going over the meetings I have the next day."),
]


@pytest.fixture
def window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    require_room()
    use_speech_models(tmp_path, monkeypatch)
    made = make_window()
    add_patient_in_window(made, qtbot)
    return made


def _record(window: MainWindow, qtbot: QtBot, tmp_path: Path, *, keep: bool) -> int:
    sessions = window.sessions.sessions
    dialog = sessions.record_session()
    assert isinstance(dialog, RecordDialog) and dialog.isVisible()
    assert not dialog.keep.isChecked()  # the setting's default: the sound is not kept
    dialog.keep.setChecked(keep)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert "RECORDING" in dialog.indicator.text()
    parts = [silence(0.5)]
    for voice, words in DIALOGUE:
        parts += [speak(words, voice=voice), silence(1.0)]
    player = play(np.concatenate(parts), RATE, tmp_path)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=120_000)  # the loop runs
    qtbot.waitUntil(lambda: dialog.transcript.blockCount() >= 3, timeout=120_000)
    assert "sleeping" in dialog.transcript.toPlainText().lower()  # shown as it is spoken
    with qtbot.waitSignal(sessions.recording_imported, timeout=120_000) as done:
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    session_id: int = done.args[0]
    assert session_id > 0 and window.sessions.view.session_id == session_id
    return session_id


def test_a_recorded_session_has_both_speakers_times_and_no_sound_by_default(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    session_id = _record(window, qtbot, tmp_path, keep=False)
    db = window.context.db
    transcript = open_session(db, session_id).session.transcript
    labels = [line.split(":")[0] for line in transcript.splitlines()]
    assert labels[:2] == ["Clinician", "Client"], transcript
    assert len(line_times_of(db, session_id)) == len(labels)
    assert get_recording(db, session_id) is None
    shown = window.sessions.view.transcript.toPlainText()
    assert shown.startswith("00:0")  # each line with its time

    view = window.sessions.view
    assert view.speakers_button.isEnabled()
    dialog = view.relabel_speakers()  # the Speakers… button's slot (Alt+K)
    assert isinstance(dialog, SpeakersDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.swap_button, Qt.MouseButton.LeftButton)
    dialog.accept()
    swapped = open_session(db, session_id).session.transcript
    assert [line.split(":")[0] for line in swapped.splitlines()][:2] == ["Client", "Clinician"]
    assert "Client:" in window.sessions.view.transcript.toPlainText().splitlines()[0]

    window.sessions.save_recording()  # the File menu's slot: says so, asks for no file
    assert "has no recording" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    assert window.sessions.save_recording_to(tmp_path / "none.ogg") is None
    assert "has no recording" in window.statusBar().currentMessage()
    assert not (tmp_path / "none.ogg").exists()


def test_the_recording_is_kept_when_ticked(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    session_id = _record(window, qtbot, tmp_path, keep=True)
    kept = get_recording(window.context.db, session_id)
    assert kept is not None and kept.format == "ogg" and kept.seconds > 10
    assert recorded_seconds(window.context.db, session_id) == kept.seconds

    saved = window.sessions.save_recording_to(tmp_path / "session one")  # File menu's slot
    assert saved == tmp_path / "session one.ogg" and saved.read_bytes() == kept.audio
    assert "NOT encrypted" in window.statusBar().currentMessage()
    trail = [(e.action, e.entity) for e in audit.list_entries(window.context.db)]
    assert ("export", "recording") in trail


def test_discard_keeps_nothing(window: MainWindow, qtbot: QtBot) -> None:
    sessions = window.sessions.sessions
    dialog = sessions.record_session()
    assert dialog is not None
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(sessions.recording_imported, timeout=60_000) as done:
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert done.args == [-1]
    assert list_sessions(window.context.db) == []
