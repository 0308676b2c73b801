"""Issue 23 item 3 in the window: a rule draft generated from the Sessions workspace puts the
client's denial of a plan in the Risk section, as a denial, and never under Plan."""

from pytestqt.qtbot import QtBot

from core.notes.markers import strip_markers
from tests.ui.window_fixture import WindowFactory, demo_window


def _section(text: str, title: str) -> str:
    return text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]


def test_a_regenerated_rule_draft_files_the_denial_under_risk(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)  # no model configured: the rules draft
    view = window.sessions.view
    qtbot.waitUntil(lambda: "Not a plan" in view.transcript.toPlainText())
    with qtbot.waitSignal(view.job.note_saved, timeout=60_000):
        view.generate(regenerate=True)
    text = strip_markers(view.editor.toPlainText())
    assert "Not a plan" not in _section(text, "Plan")
    assert 'Denies suicidal plan or intent (Client: "Not a plan.")' in _section(text, "Risk")
    assert view.generate_button.isEnabled() and view.template.isEnabled()
