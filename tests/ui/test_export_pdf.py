"""PDF export from the window (Qt's own PDF writer): the Export menu offers it, and the PDF
carries the same metadata and the same red, bold risk words as the DOCX export."""

import re
from pathlib import Path

import docx
from docx.shared import RGBColor
from pdf_text import read_runs, squeezed
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.test_sessions_window import _patient_with_session
from tests.ui.window_fixture import WindowFactory

HEADER_STARTS = ("Patient:", "Session:", "Template:", "Version:", "Drafted by:", "Exported:")


def _docx_header_and_red_words(path: Path) -> tuple[list[str], list[str]]:
    document = docx.Document(str(path))
    header = [p.text for p in document.paragraphs if p.text.startswith(HEADER_STARTS)]
    red = []
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            colour = run.font.color.rgb if run.font.color and run.font.color.type else None
            if run.bold and isinstance(colour, RGBColor) and colour[0] >= 0x80 > colour[1]:
                red.append(run.text)
    return header, red


def test_the_pdf_export_has_the_docx_metadata_and_red_bold_risk_words(
    make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    _patient_with_session(window, qtbot, tmp_path)
    view = window.sessions.view
    with qtbot.waitSignal(window.sessions.job.note_saved, timeout=120_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    menu = window.sessions.export_button.menu()
    assert "PDF…" in [action.text() for action in menu.actions()]  # offered in the window

    pdf = window.sessions.export_to(tmp_path / "note.pdf", "pdf")
    word = window.sessions.export_to(tmp_path / "note.docx", "docx")
    assert pdf is not None and word is not None
    header, docx_red = _docx_header_and_red_words(word)
    assert len(header) == len(HEADER_STARTS), header  # drafted notes name who drafted them
    assert "(rule draft)" in header[3]  # the rules drafted it: never called an AI draft
    runs = read_runs(pdf)
    pdf_text = squeezed(" ".join(run.text for run in runs))  # long lines wrap in a PDF
    for line in header[:-1]:
        assert squeezed(line) in pdf_text, line
    exported = r"Exported:\d{4}-\d\d-\d\d\d\d:\d\d:\d\dUTC"  # each file its own time
    assert re.fullmatch(exported, squeezed(header[-1])) and re.search(exported, pdf_text)
    pdf_red = [run.text.replace("\t", " ") for run in runs if run.red]
    assert docx_red and "killing" in " ".join(docx_red)
    assert [squeezed(text) for text in pdf_red] == [squeezed(text) for text in docx_red]
    assert all(run.bold for run in runs if run.red)
