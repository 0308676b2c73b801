"""The real window, offscreen, on a fresh data folder (a pytest plugin, loaded by the root
conftest: a second conftest.py would shadow the root one for `from conftest import`); the
inference worker is started as ``make run`` starts it, and every test checks it has stopped
afterwards."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.context import AppContext, open_context
from app.demo import create_demo_data
from ui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def async_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The asyncio loop on Qt's event loop, as ``make run`` has it: the window's async
    flows (qasync slots) then run while pytest-qt waits, which spins Qt's loop."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def make_window(
    qtbot: QtBot,
    auralis_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    async_loop: qasync.QEventLoop,
) -> Iterator[WindowFactory]:
    made: list[tuple[MainWindow, AppContext]] = []

    def make(model: Path | None = None, **env: str) -> MainWindow:
        if model is not None:
            monkeypatch.setenv("AURALIS_INFERENCE__MODEL_PATH", str(model))
            monkeypatch.setenv("AURALIS_INFERENCE__N_CTX", "2048")
            monkeypatch.setenv("AURALIS_INFERENCE__N_THREADS", "2")
            # A random-weight model writes bytes that are not UTF-8, and llama-cpp-python's
            # streaming re-decodes every undecodable token it holds back at each step: 512
            # tokens took about 60 s here (128 took under a second), as long as the drafting
            # time allowed, so a loaded machine timed out into the rule draft.
            monkeypatch.setenv("AURALIS_INFERENCE__MAX_TOKENS", "128")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        context = open_context(auralis_home)
        window = MainWindow(context, first_run_prompt=False)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        with qtbot.waitSignal(window.worker.engine_changed, timeout=30_000):
            window.start_engine()
        made.append((window, context))
        return window

    yield make
    for window, context in made:
        window.close()
        assert window.worker.isFinished(), "the inference thread is still running"
        qtbot.wait(300)  # let pending timers (a search, an autosave) run while the store is open
        context.close()


def demo_window(make_window: WindowFactory) -> MainWindow:
    """A window on the demo data, the first demo patient and session shown."""
    window = make_window()
    create_demo_data(window.context.db)
    window.sessions.reload()
    window.show_demo_selection()
    return window


def patient_with_session(
    window: MainWindow, qtbot: QtBot, source: Path, transcript: str, name: str
) -> int:
    """A patient added by typing its name, and a session imported from ``source`` (written
    with ``transcript``) and shown; the session's id."""
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, name)
    qtbot.mouseClick(panel.patients.add_button, Qt.MouseButton.LeftButton)
    assert panel.sessions.patient_id is not None
    source.write_text(transcript, encoding="utf-8")
    session_id = panel.sessions.import_file(source)
    assert session_id is not None and panel.view.session_id == session_id
    return session_id


def add_patient_in_window(window: MainWindow, qtbot: QtBot, name: str = "Ada Example") -> int:
    """Add a patient through the Sessions workspace's form; it is then the chosen one."""
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, name)
    qtbot.mouseClick(panel.patients.add_button, Qt.MouseButton.LeftButton)
    assert panel.sessions.patient_id is not None
    return panel.sessions.patient_id
