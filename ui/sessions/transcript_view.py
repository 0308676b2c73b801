"""The transcript, read-only: each speaker in their own colour, each line's time when
the transcript has times (from a recording), disclosed risk quotes underlined in red,
possible ones (the second screen) in amber; ``scroll_to_line`` brings a line into view
(from the risk panel)."""

import html

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from core.notes.risk import RiskFlag
from core.notes.speakers import is_clinician, split_speaker
from core.notes.transcript import time_stamp
from ui.theme import POSSIBLE_AMBER, RISK_RED, SPEAKER_COLOURS

# A disclosure underlined in red; a possible risk (second screen) with a dotted amber line.
STYLES = {
    "disclosed": f"text-decoration: underline; color: {RISK_RED};",
    "possible": f"text-decoration: underline; text-decoration-style: dotted; "
    f"color: {POSSIBLE_AMBER};",
}


class TranscriptView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Transcript")
        self.setOpenLinks(False)
        self._lines = 0

    def show_transcript(
        self,
        transcript: str,
        flags: list[RiskFlag],
        times: dict[int, tuple[float, float]] | None = None,
    ) -> None:
        colours: dict[str, str] = {}
        marked: dict[int, tuple[str, str]] = {}  # line -> (status, the words to mark)
        for flag in flags:  # a disclosure's mark wins over a possible risk's on its line
            for number, words in _marks(flag):
                if flag.status in STYLES and (number not in marked or flag.status == "disclosed"):
                    marked[number] = (flag.status, words)
        blocks = []
        lines = transcript.splitlines()
        for number, line in enumerate(lines, start=1):
            speaker, text = split_speaker(line)
            text = text.strip()
            body = html.escape(text)
            status, words = marked.get(number, ("", ""))
            words = text if words == WHOLE_LINE else words
            if words and words in text and not is_clinician(speaker):
                quote = html.escape(words)
                body = body.replace(quote, f'<span style="{STYLES[status]}">{quote}</span>', 1)
            if speaker:
                colour = colours.setdefault(
                    speaker, SPEAKER_COLOURS[len(colours) % len(SPEAKER_COLOURS)]
                )
                body = f'<b style="color: {colour};">{html.escape(speaker)}:</b> {body}'
            if times and number in times:
                when = time_stamp(times[number][0])
                body = f'<span style="color: {TIME_GREY};">{when}</span> {body}'
            blocks.append(f'<p style="margin: 0 0 6px 0;">{body or "&nbsp;"}</p>')
        self._lines = len(lines)
        self.setHtml("".join(blocks))

    def scroll_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(line - 1, 0))
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()


WHOLE_LINE = "\0"  # marks the line's whole text
TIME_GREY = "#757575"


def _marks(flag: RiskFlag) -> list[tuple[int, str]]:
    """The lines a flag rests on, each with the words to mark: the quote on its own line;
    every line, whole, of a flag over several (a question and the answer that makes the
    disclosure, a statement read over two lines; a clinician's line is never marked)."""
    if len(flag.lines) < 2:
        return [(flag.line, flag.quote)]
    return [(number, WHOLE_LINE) for number in flag.lines]
