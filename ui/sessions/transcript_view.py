"""The transcript, read-only: each speaker in their own colour, disclosed risk quotes
underlined in red, possible ones (the second screen) in amber; ``scroll_to_line`` brings
a line into view (from the risk panel)."""

import html

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from core.notes.risk import RiskFlag
from core.notes.speakers import split_speaker
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

    def show_transcript(self, transcript: str, flags: list[RiskFlag]) -> None:
        colours: dict[str, str] = {}
        marked: dict[int, RiskFlag] = {}
        for flag in flags:  # a disclosure's mark wins over a possible risk's on its line
            if flag.status in STYLES and (flag.line not in marked or flag.status == "disclosed"):
                marked[flag.line] = flag
        blocks = []
        lines = transcript.splitlines()
        for number, line in enumerate(lines, start=1):
            speaker, text = split_speaker(line)
            text = text.strip()
            body = html.escape(text)
            shown = marked.get(number)
            if shown is not None and shown.quote and shown.quote in text:
                quote = html.escape(shown.quote)
                style = STYLES[shown.status]
                body = body.replace(quote, f'<span style="{style}">{quote}</span>', 1)
            if speaker:
                colour = colours.setdefault(
                    speaker, SPEAKER_COLOURS[len(colours) % len(SPEAKER_COLOURS)]
                )
                body = f'<b style="color: {colour};">{html.escape(speaker)}:</b> {body}'
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
