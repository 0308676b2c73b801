"""The transcript pane marks every line a disclosure rests on, the answer to a
clinician's question included, and never the clinician's own words."""

from pytestqt.qtbot import QtBot

from core.notes.risk import detect_risks
from ui.sessions.transcript_view import TranscriptView
from ui.theme import RISK_RED

TRANSCRIPT = (
    "Therapist: Have you had thoughts of ending your life?\n"
    "Client: Not a plan. Just that thought, late at night.\n"
    "Therapist: And at work?\n"
    "Client: Work is fine, honestly."
)


def _marked(html: str) -> list[str]:
    """The texts inside the red underline spans."""
    found = []
    for piece in html.split(RISK_RED)[1:]:
        found.append(piece.split(">", 1)[1].split("</span>", 1)[0])
    return found


def test_an_answer_that_discloses_is_underlined_and_the_question_is_not(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    flags = detect_risks(TRANSCRIPT)
    assert [(f.status, f.lines) for f in flags] == [("disclosed", (1, 2))]
    view.show_transcript(TRANSCRIPT, flags)
    assert _marked(view.toHtml()) == ["Not a plan. Just that thought, late at night."]


def test_a_disclosure_over_two_client_lines_underlines_both(qtbot: QtBot) -> None:
    transcript = (
        "Client: Sometimes I think about taking\n"
        "Client: all the pills in the cupboard and just ending it."
    )
    view = TranscriptView()
    qtbot.addWidget(view)
    flags = [f for f in detect_risks(transcript) if f.lines == (1, 2)]
    assert flags, detect_risks(transcript)
    view.show_transcript(transcript, flags)
    assert len(_marked(view.toHtml())) == 2
