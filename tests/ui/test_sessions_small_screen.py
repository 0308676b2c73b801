"""The Sessions workspace on a 1024×600 clinic laptop: the whole window at its true size,
nothing cut off, and a note editor wide enough to write in (the transcript moves to a tab)."""

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.test_accessibility import _clipped
from tests.ui.window_fixture import WindowFactory, demo_window
from ui.main_window import MainWindow
from ui.sessions.narrow_layout import NARROW_WIDTH

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _demo(make_window: WindowFactory, width: int, height: int, qtbot: QtBot) -> MainWindow:
    window = demo_window(make_window)
    window.show_workspace("sessions")
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    return window


def test_at_1024x600_the_editor_is_wide_and_the_transcript_is_a_tab(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = _demo(make_window, 1024, 600, qtbot)
    view = window.sessions.view
    qtbot.waitUntil(lambda: view.layout_fit.narrow)
    assert not window.nav.isVisible()  # the workspace list gives its width to the note
    assert view.width() < NARROW_WIDTH
    assert view.tabs.indexOf(view.transcript) == 0
    # the layout settles after the resize: the editor gets three fifths of the view
    qtbot.waitUntil(lambda: view.editor.width() >= 400)
    assert _clipped(window) == []
    names = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert names == ["&Transcript", "Risk", "History", "Summary"]
    # every tab is in view: no scroll arrows hide one
    bar = view.tabs.tabBar()
    assert all(bar.tabRect(i).right() <= bar.width() for i in range(bar.count()))
    # choosing a risk line shows the transcript there
    view.tabs.setCurrentWidget(view.risks)
    assert view.risks.list.count() > 0
    view.risks.list.setCurrentRow(0)
    qtbot.keyClick(view.risks.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.tabs.currentWidget() is view.transcript)


def test_back_at_1366x768_the_three_panes_return(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = _demo(make_window, 1024, 600, qtbot)
    view = window.sessions.view
    qtbot.waitUntil(lambda: view.layout_fit.narrow)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: not view.layout_fit.narrow)
    assert window.nav.isVisible()
    assert view.tabs.indexOf(view.transcript) == -1
    assert view.transcript.isVisible()
    qtbot.waitUntil(lambda: view.editor.width() >= 300)
    names = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert names == ["Risk", "History", "Patient summary"]
    assert _clipped(window) == []
