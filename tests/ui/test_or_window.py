"""The Operating-room workspace, the entry points and shutting down, offscreen."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, CliRunner
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_model import WindowModel

from core.orstate.driver import StateUpdate
from core.orstate.serializer import get_validation_errors
from core.store import audit
from core.store.orcases import case_timeline, list_cases
from tests.ui.test_or_display import run_or_screenshot
from tests.ui.window_fixture import WindowFactory

LINES = [
    {"t": 0, "speaker": "nurse", "text": "patient is in the room, starting the time-out"},
    {"t": 30, "speaker": "anesthetist", "text": "induction now, turn on the ventilator"},
    "not json",
    {"t": 95, "speaker": "surgeon", "text": "needle access, fire up the c-arm"},
    {"t": 200, "speaker": "surgeon", "text": "start the lithotripter and the irrigation"},
]


def _write(path: Path) -> Path:
    path.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in LINES),
        encoding="utf-8",
    )
    return path


def test_replay_updates_phase_and_tiles_and_override_is_recorded(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    window.show_workspace("or")
    room = window.operating_room
    assert "RULE-ONLY" in room.mode.text()
    states: list[StateUpdate] = []
    room.controller.state.connect(states.append)
    room.speed.setValue(0)  # as fast as possible
    room.start_replay(_write(tmp_path / "case.jsonl"))
    qtbot.waitUntil(lambda: room.phase.text() == "Stone Management", timeout=5000)
    assert room.next_phase.text() == "Phase 4 of 6  ·  Next: Hemostasis & Closure"
    assert all(get_validation_errors(s.state) == [] for s in states)
    assert room.grid.tiles["M07"].state_word == "ON"  # lithotripter
    assert "rule" in room.grid.tiles["M07"].detail
    assert "line 3" in window.statusBar().currentMessage() or room.feed.blockCount() == 4
    assert "Anesthesia Induction" in room.timeline.text()

    room.grid.tiles["M07"].menu().actions()[1].trigger()  # "Set OFF (manual override)"
    assert room.grid.tiles["M07"].state_word == "OFF"
    assert "override" in room.grid.tiles["M07"].detail
    case_id = list_cases(window.context.db)[0].id
    sources = [e.source for e in case_timeline(window.context.db, case_id) if e.kind == "state"]
    assert sources[-1] == "override"
    newest = audit.list_entries(window.context.db, limit=1)[0]
    assert (newest.action, newest.entity, newest.entity_id) == ("override", "or_case", case_id)
    assert newest.detail == "M07=OFF"
    qtbot.mouseClick(room.stop_button, Qt.MouseButton.LeftButton)
    assert list_cases(window.context.db)[0].ended_at is not None
    assert room.cases.count() == 1

    room.cases.setCurrentRow(0)  # replay the recorded case from the store
    qtbot.mouseClick(room.case_replay, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: room.feed.blockCount() == 4, timeout=5000)
    assert room.grid.tiles["M07"].state_word == "ON"
    room.stop_case()
    assert room.cases.count() == 2


def test_typed_lines_drive_the_display(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window()
    room = window.operating_room
    window.show_workspace("or")
    qtbot.mouseClick(room.typed_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(room.line, "surgeon: start the suction")
    qtbot.keyClick(room.line, Qt.Key.Key_Return)
    assert room.grid.tiles["M06"].state_word == "ON"
    assert "surgeon: start the suction" in room.feed.toPlainText()


def test_closing_during_a_generation_stops_the_worker(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, tiny_model: Path
) -> None:
    window = make_window(model=tiny_model)
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, "Closing Patient")
    qtbot.keyClick(panel.patients.new_name, Qt.Key.Key_Return)
    source = tmp_path / "long.txt"
    source.write_text("Client: I feel tired and low most days.\n" * 400, encoding="utf-8")
    panel.sessions.import_file(source)
    with qtbot.waitSignal(window.worker.progress, timeout=60_000):  # the draft has started
        qtbot.mouseClick(panel.view.generate_button, Qt.MouseButton.LeftButton)
    window.close()  # the fixture checks that the thread has finished
    assert window.worker.isFinished()


def test_screenshot_and_smoke_test_entry_points(run_cli: CliRunner, tmp_path: Path) -> None:
    shot = tmp_path / "or.png"
    result = run_or_screenshot(run_cli, shot, "1366x768")
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    smoke = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--smoke-test"],
        capture_output=True,
        text=True,
        env=run_cli.env(),
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    lines = smoke.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * 5
    assert lines[-1] == "smoke test passed"


def test_a_late_model_answer_leaves_the_newer_command_on_its_tile(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    model = WindowModel()
    window.worker.queue.set_engine(model)  # a slow model behind the window's own worker
    room = window.operating_room
    room.set_engine_description("a slow model", False)
    window.show_workspace("or")
    qtbot.mouseClick(room.typed_button, Qt.MouseButton.LeftButton)
    for line in ("surgeon: start the suction", "surgeon: stop the suction"):
        qtbot.keyClicks(room.line, line)
        qtbot.keyClick(room.line, Qt.Key.Key_Return)
        if line.endswith("start the suction"):
            model.wait_started(1)  # its update is held until the suction was stopped
    tile = room.grid.tiles["M06"]
    assert tile.state_word == "OFF" and room.controller.updates_in_flight == 2
    model.allow()
    qtbot.waitUntil(lambda: room.controller.updates_in_flight == 1, timeout=10_000)
    assert model.answered[0]["machines"]["M06"] == "ON"  # what its window said
    assert tile.state_word == "OFF" and tile.detail.startswith("rule")
    assert tile.quote == "“stop the suction”"
    assert "RULES + MODEL" in room.mode.text()
    model.allow()
    qtbot.waitUntil(lambda: room.controller.updates_in_flight == 0, timeout=10_000)
    assert tile.state_word == "OFF"
    room.stop_case()
