"""What changed a machine, said on the display: the words under its tile for a few
seconds and then in the list of changes; a deferred command offered to confirm, not
applied; and a case started with the wrong surgery caught by the machines it names."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.orstate.surgeries import get_surgery, load_surgeries
from tests.core.orstate.test_model_suggestions import asked
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow
from ui.orroom.changes import pending_commands
from ui.orroom.machine_grid import QUOTE_MS
from ui.orroom.surgery_guard import SurgeryGuard
from ui.orroom.workspace import OperatingRoomWorkspace


def _typed_case(
    make_window: WindowFactory, qtbot: QtBot, surgery: str = "PCNL"
) -> tuple[MainWindow, OperatingRoomWorkspace]:
    window = make_window()
    window.show_workspace("or")
    room = window.operating_room
    room.surgery.setCurrentIndex(room.surgery.findData(surgery))
    qtbot.mouseClick(room.typed_button, Qt.MouseButton.LeftButton)
    return window, room


def _say(qtbot: QtBot, room: OperatingRoomWorkspace, *lines: str) -> None:
    for line in lines:
        qtbot.keyClicks(room.line, line)
        qtbot.keyClick(room.line, Qt.Key.Key_Return)


def test_the_words_that_changed_a_machine_show_under_its_tile_then_stay_in_the_changes(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    _, room = _typed_case(make_window, qtbot)
    _say(qtbot, room, "surgeon: start the suction", "nurse: the patient is comfortable")
    tile = room.grid.tiles["M06"]
    assert tile.state_word == "ON" and tile.quote_shown
    qtbot.waitUntil(lambda: tile.quote_label.text() == "“start the suction”")  # laid out
    newest = room.changes.item(0).text()
    assert "Suction Apparatus → ● ON (rule) “start the suction”" in newest
    listed = [room.changes.item(i).text() for i in range(room.changes.count())]
    assert [line for line in listed if "Phase →" not in line] == [newest]  # one machine
    qtbot.waitUntil(lambda: not tile.quote_shown, timeout=QUOTE_MS + 30_000)
    assert "start the suction" in room.changes.item(0).text()  # kept in the timeline
    _say(qtbot, room, "surgeon: stop the suction")
    assert tile.quote_shown and tile.quote_label.text() == "“stop the suction”"
    newest = room.changes.item(0).text()
    assert newest.endswith("Suction Apparatus → ○ OFF (rule) “stop the suction”")
    room.stop_case()


def test_a_deferred_command_is_offered_to_confirm_and_not_applied(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    _, room = _typed_case(make_window, qtbot)
    _say(qtbot, room, "surgeon: not yet the lithotripter")
    tile = room.grid.tiles["M07"]
    assert tile.state_word == "OFF"  # not applied
    assert room.pending_bar.isVisible()
    assert "Lithotripter ON" in room.pending_bar.text.text()
    assert "not yet the lithotripter" in room.pending_bar.text.text()
    assert room.pending_bar.action.text() == "C&onfirm"
    assert "Alt+O: set Lithotripter ON now" in room.pending_bar.action.toolTip()
    qtbot.mouseClick(room.pending_bar.action, Qt.MouseButton.LeftButton)
    assert tile.state_word == "ON" and "override" in tile.detail
    assert not room.pending_bar.isVisible()
    _say(qtbot, room, "surgeon: hold off on the lithotripter", "surgeon: stop the lithotripter")
    assert not room.pending_bar.isVisible()  # a newer command for it settled it
    room.stop_case()


def test_a_stray_key_never_confirms_a_waiting_command(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window, room = _typed_case(make_window, qtbot)
    _say(qtbot, room, "surgeon: not yet the lithotripter")
    assert room.pending_bar.isVisible()
    seen = set()
    for _ in range(60):  # every stop of the Tab chain
        window.focusNextChild()
        focused = QApplication.focusWidget()
        seen.add(id(focused))
        assert focused is not room.pending_bar.action
    assert len(seen) > 3  # the chain was really walked
    assert room.grid.tiles["M07"].state_word == "OFF"
    room.line.setFocus()
    room.line.setEnabled(False)  # as at a case's end: Qt moves the focus on, not to it
    assert QApplication.focusWidget() is not room.pending_bar.action
    room.line.setEnabled(True)
    room.stop_case()


def test_commands_naming_another_surgerys_machines_offer_that_surgery(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    _, room = _typed_case(make_window, qtbot, "PCNL")
    _say(qtbot, room, "surgeon: insufflator on", "surgeon: cautery please")
    assert not room.guard_bar.isVisible()  # two are not yet a pattern
    _say(qtbot, room, "nurse: chest drain is ready, turn it on")
    assert room.guard_bar.isVisible()
    text = room.guard_bar.text.text()
    assert "3 commands in a row" in text and "VATS Lobectomy has them" in text
    assert "Insufflator" in text and "Chest Drain System" in text
    assert room.guard_bar.action.text() == "S&witch to VATS Lobectomy"
    qtbot.mouseClick(room.guard_bar.action, Qt.MouseButton.LeftButton)
    assert room.current_surgery().name == "Lobectomy"
    assert room.controller.running and room.line.isEnabled()
    assert room.grid.tiles["M05"].machine_name == "Insufflator"
    _say(qtbot, room, "surgeon: insufflator on")
    assert room.grid.tiles["M05"].state_word == "ON"
    room.stop_case()


def test_a_command_for_the_selected_surgerys_machine_ends_the_run() -> None:
    catalog = {s.name: s for s in load_surgeries().surgeries.values()}
    guard = SurgeryGuard(catalog["PCNL"], catalog.values())
    for line in ("insufflator on", "cautery please", "start the lithotripter", "chest drain on"):
        assert guard.heard(line) is None
    assert guard.heard("the team is ready") is None  # names no machine: no change
    suggestion = guard.heard("insufflator off")
    assert suggestion is None
    suggestion = guard.heard("bovie on")
    assert suggestion is not None and suggestion.surgery.name == "Lobectomy"
    assert guard.heard("suction on") is None  # both have suction: it counts as this one's


def test_an_unsure_model_guess_is_shown_as_a_guess_to_confirm() -> None:
    driver, machines, _ = asked(0.3)
    assert machines["M07"] == "OFF"
    assert pending_commands(driver.current, get_surgery("pcnl")) == [
        ("M07", "ON", "the model's guess, 30% sure")
    ]
    fed = driver.feed(20.0, "surgeon", "we are ready")  # a spoken line: its own list only
    assert fed is not None and pending_commands(fed.update, get_surgery("pcnl")) == []
