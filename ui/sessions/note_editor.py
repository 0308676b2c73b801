"""The note editor: plain text whose ``{{RED:...}}`` markers show as red, bold words.

The markers stay in the text (that is what is stored and exported); the highlighter
draws the marked words red and bold and the marker syntax small and grey, so the
clinician sees the emphasis and can still remove or add it by editing the text.
Edits are autosaved after ``AUTOSAVE_MS`` of quiet as a new version (``autosave``
signal); the owner saves. A save never touches what the clinician is doing: loading the
text the editor already holds leaves the cursor, selection, scroll position and undo
stack alone, and ``save_state`` says "Saved at 14:32", "Unsaved changes" or "Not saved
yet — retrying".

Tab and Shift+Tab move to the next and previous control (the keyboard is never trapped
here); Ctrl+Tab inserts a tab character.
"""

import re
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from core.notes.markers import RED_MARKER
from ui.theme import MARKER_GREY, RISK_RED

AUTOSAVE_MS = 1200
RETRY_MS = 5000  # after a failed save (a full disk), try again this often
UNSAVED = "Unsaved changes"
RETRYING = "Not saved yet — retrying"
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
    save_state = Signal(str)  # "Saved at 14:32", UNSAVED, RETRYING, or "" (just opened)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clinical note")
        self.setTabChangesFocus(True)
        self.setPlaceholderText("No note yet. Generate a draft, or write the note here.")
        self.highlighter = MarkerHighlighter(self.document())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._loading = False
        self._saved_text: str | None = ""  # None: the last save failed, save again
        self._owner: object = None  # whose text is shown (a session id); None: nobody's
        self.textChanged.connect(self._changed)

    def load(self, text: str, owner: object = None) -> None:
        """Show stored text (no autosave for it); ``owner`` names whose text it is (the
        session). The same owner's text that the editor already shows (the version just
        autosaved, shown again) is left as it is: replacing it would move the cursor to
        the start and empty the undo stack under the clinician's hands. Another owner's
        text always replaces it, undo stack and all, even when the words are the same."""
        self._timer.stop()
        self._timer.setInterval(AUTOSAVE_MS)
        again = owner is not None and owner == self._owner and text == self.toPlainText()
        self._owner = owner
        if again:
            if self._saved_text is None:  # the retried save is stored after all
                self.save_state.emit("")
            self._saved_text = text
            return
        self._saved_text = text
        self._loading = True
        self.setPlainText(text)
        self._loading = False
        self.save_state.emit("")

    def show_unsaved(self, text: str) -> None:
        """Show text that is not stored yet (a draft the store refused): it is saved on
        the next flush, and retried every few seconds until then."""
        self.load(text)
        self.save_failed()

    def append_stream(self, text: str) -> None:
        """Add streamed tokens at the end, while a draft is being generated."""
        self._loading = True
        document = self.document()
        document.setUndoRedoEnabled(False)  # tokens are not the clinician's typing to undo
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)
        self.setTextCursor(cursor)
        document.setUndoRedoEnabled(True)
        self._loading = False

    @property
    def dirty(self) -> bool:
        return self.toPlainText() != self._saved_text

    @Slot()
    def _changed(self) -> None:
        if not self._loading and not self.isReadOnly():
            if self._saved_text is not None:  # after a failed save it still says retrying
                self.save_state.emit(UNSAVED if self.dirty else "")
            self._timer.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Tab leaves the editor (``tabChangesFocus``); Ctrl+Tab types a tab character."""
        if (
            event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            and not self.isReadOnly()
        ):
            self.insertPlainText("\t")
            return
        super().keyPressEvent(event)

    def save_failed(self) -> None:
        """The last autosave was not stored (a full disk): keep the text unsaved and try
        again in a few seconds, and on every flush (switching sessions, closing)."""
        self._saved_text = None
        self._timer.start(RETRY_MS)
        self.save_state.emit(RETRYING)

    @Slot()
    def flush(self) -> None:
        """Save now if there are unsaved edits."""
        self._timer.stop()
        self._timer.setInterval(AUTOSAVE_MS)
        if self.dirty and not self.isReadOnly():
            text = self.toPlainText()
            self._saved_text = text
            self.autosave.emit(text)
            if self._saved_text == text:  # the owner did not call save_failed
                self.save_state.emit(f"Saved at {datetime.now():%H:%M}")
