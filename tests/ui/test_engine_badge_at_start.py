"""Before the engine has said what it is, the window shows no red badge: a model that is
still loading is no "Rule-based: no model" (the badge the window used to open with)."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.context import open_context
from ui.main_window import MainWindow


def test_no_degraded_badge_before_the_engine_reports(auralis_home: Path, qtbot: QtBot) -> None:
    context = open_context(auralis_home)
    try:
        window = MainWindow(context, first_run_prompt=False)
        qtbot.addWidget(window)
        window.show()
        assert not window.degraded_badge.isVisible()
        assert window.degraded_badge.text() == ""
        window.close()
    finally:
        context.close()
