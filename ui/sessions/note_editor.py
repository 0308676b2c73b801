"""The note editor: plain text whose ``{{RED:...}}`` markers show as red, bold words.

The markers stay in the text (that is what is stored and exported); the highlighter
draws the marked words red and bold and the marker syntax small and grey, so the
clinician sees the emphasis and can still remove or add it by editing the text.
Edits are autosaved after ``AUTOSAVE_MS`` of quiet as a new version (``autosave``
signal); the owner saves.
"""

import re

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from core.notes.markers import RED_MARKER
from ui.theme import MARKER_GREY, RISK_RED

AUTOSAVE_MS = 1200
RETRY_MS = 5000  # after a failed save (a full disk), try again this often
_HEADING = re.compile(r"^#{1,3} .*$|^[A-Z][A-Za-z /&()-]{2,40}:$")


class MarkerHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.red = QTextCharFormat()
        self.red.setForeground(QColor(RISK_RED))
        self.red.setFontWeight(QFont.Weight.Bold)
        self.marker = QTextCharFormat()
        self.marker.setForeground(QColor(MARKER_GREY))
        self.marker.setFontPointSize(7)
        self.heading = QTextCharFormat()
        self.heading.setFontWeight(QFont.Weight.Bold)

    def highlightBlock(self, text: str) -> None:
        if _HEADING.match(text):
            self.setFormat(0, len(text), self.heading)
        for match in RED_MARKER.finditer(text):
            start, end = match.span()
            inner_start, inner_end = match.span(1)
            self.setFormat(start, inner_start - start, self.marker)
            self.setFormat(inner_start, inner_end - inner_start, self.red)
            self.setFormat(inner_end, end - inner_end, self.marker)


class NoteEditor(QPlainTextEdit):
    autosave = Signal(str)  # the text to save as a new version

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clinical note")
        self.setPlaceholderText("No note yet. Generate a draft, or write the note here.")
        self.highlighter = MarkerHighlighter(self.document())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._loading = False
        self._saved_text: str | None = ""  # None: the last save failed, save again
        self.textChanged.connect(self._changed)

    def load(self, text: str) -> None:
        """Show stored text (no autosave for it)."""
        self._timer.stop()
        self._loading = True
        self.setPlainText(text)
        self._loading = False
        self._saved_text = text

    def show_unsaved(self, text: str) -> None:
        """Show text that is not stored yet (a draft the store refused): it is saved on
        the next flush, and retried every few seconds until then."""
        self.load(text)
        self.save_failed()

    def append_stream(self, text: str) -> None:
        """Add streamed tokens at the end, while a draft is being generated."""
        self._loading = True
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)
        self.setTextCursor(cursor)
        self._loading = False

    @property
    def dirty(self) -> bool:
        return self.toPlainText() != self._saved_text

    @Slot()
    def _changed(self) -> None:
        if not self._loading and not self.isReadOnly():
            self._timer.start()

    def save_failed(self) -> None:
        """The last autosave was not stored (a full disk): keep the text unsaved and try
        again in a few seconds, and on every flush (switching sessions, closing)."""
        self._saved_text = None
        self._timer.start(RETRY_MS)

    @Slot()
    def flush(self) -> None:
        """Save now if there are unsaved edits."""
        self._timer.stop()
        self._timer.setInterval(AUTOSAVE_MS)
        if self.dirty and not self.isReadOnly():
            text = self.toPlainText()
            self._saved_text = text
            self.autosave.emit(text)
