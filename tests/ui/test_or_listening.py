"""The operating room heard through the microphone, in the window: speech played into the
test run's PulseAudio input (tests/support/pulse_room.py) is captured by Qt Multimedia,
recognised by the real recogniser off the GUI thread, and a spoken command turns its tile
on; talk changes nothing and shows as heard; a command the recogniser came near is
offered with its key and set only when confirmed."""

from pathlib import Path

import numpy as np
import pytest
from pulse_room import play, require_room
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from speech_audio import RATE, silence, speak, use_speech_models
from window_fixture import WindowFactory

from core.speech.or_commands import HeardCommand, KnownCommand
from core.speech.or_listen import HeardInRoom
from core.speech.utterances import Utterance
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture
def window(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    require_room()
    use_speech_models(tmp_path, monkeypatch)
    made = make_window()
    made.show_workspace("or")
    room = made.operating_room
    room.surgery.setCurrentIndex(room.surgery.findData("PCNL"))
    return made


def test_a_spoken_command_turns_its_tile_on_and_talk_shows_as_heard(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    room = window.operating_room
    qtbot.mouseClick(room.listening.button, Qt.MouseButton.LeftButton)
    assert room.listening.listening and room.listening.indicator.isVisibleTo(room)
    assert room.grid.tiles["M04"].state_word != "ON"
    said = [speak("The weather is nice today."), silence(1.2), speak("Turn on the C-arm."),
            silence(1.5)]  # fmt: skip
    player = play(np.concatenate([silence(0.5), *said]), RATE, tmp_path)
    qtbot.waitUntil(lambda: room.grid.tiles["M04"].state_word == "ON", timeout=120_000)
    player.wait(timeout=60)
    lines = room.feed.toPlainText().splitlines()
    assert [line for line in lines if "microphone:" in line] == [lines[-1]]  # the command
    assert lines[0].startswith('heard: "') and lines[0].endswith('"?')  # the talk, not fed
    qtbot.mouseClick(room.stop_button, Qt.MouseButton.LeftButton)
    assert not room.listening.listening and not room.listening.indicator.isVisibleTo(room)


def test_a_near_command_is_set_only_when_a_nurse_confirms_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    room = window.operating_room
    qtbot.mouseClick(room.listening.button, Qt.MouseButton.LeftButton)
    near = KnownCommand("turn on the c-arm", "M04", "ON", "c-arm")
    heard = HeardInRoom(
        Utterance(0.0, 1.0, np.zeros(16_000, dtype=np.float32)),
        HeardCommand("turn on the sea arm now please", None, 0.72, nearest=near),
        0.5,
    )
    room.listening.microphone.heard.emit(heard)  # as the recognising thread delivers it
    bar = room.listening.heard_bar
    assert bar.isVisibleTo(room) and "C-Arm Fluoroscopy ON?" in bar.text.text()
    assert room.grid.tiles["M04"].state_word != "ON"  # not applied until confirmed
    qtbot.keyClick(room, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: room.grid.tiles["M04"].state_word == "ON", timeout=10_000)
    assert "microphone (confirmed): turn on the c-arm" in room.feed.toPlainText()
    room.stop_case()
