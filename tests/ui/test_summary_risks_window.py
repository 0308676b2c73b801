"""The Patient summary tab in the real window shows the newest session's disclosures as
key points, in red, with the session's number and date."""

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.window_fixture import WindowFactory
from ui.theme import RISK_RED

CALM = "Therapist: How was the week?\nClient: I feel tired but work is going fine.\n"
LATEST = """Therapist: How have things been since we last met?
Client: Worse. I have been thinking about ending my life most nights this week.
Therapist: What's happening at home?
Client: My partner shoved me into the wall on Friday and said next time will be worse.
"""


def test_the_summary_shows_the_latest_disclosures_in_red(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    panel = window.sessions
    qtbot.keyClicks(panel.patients.new_name, "Summary Patient")
    qtbot.mouseClick(panel.patients.add_button, Qt.MouseButton.LeftButton)
    for name, text in (("calm.txt", CALM), ("latest.txt", LATEST)):
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        assert panel.sessions.import_file(source) is not None
    view = panel.view
    with qtbot.waitSignal(panel.job.summary_ready, timeout=60_000):
        qtbot.mouseClick(view.summarise_button, Qt.MouseButton.LeftButton)
    shown = view.summary.toPlainText()
    assert "Current risk, session 2 (" in shown and "ending my life" in shown
    assert "partner shoved me" in shown
    assert RISK_RED.lower() in view.summary.toHtml().lower()
    assert view.summarise_button.isEnabled() and view.generate_button.isEnabled()
