"""One session: the transcript beside the note editor, Generate / Regenerate / Cancel with
progress, review badges, and the Risk, History and Patient-summary tabs.

GUI thread only; drafting goes through ``NoteJob`` (the inference worker). Edits are
autosaved as new versions; leaving the session or closing the window saves at once.
"""

import asyncio

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.risk_net import why_no_screen
from app.usecases.errors import StoreError
from app.usecases.notes import NoteExistsError, NoteResult, current_note, save_edit
from app.usecases.sessions import OpenedSession, screen_review
from app.usecases.speakers import relabel_speakers, speakers_of
from app.usecases.summaries import PatientSummary
from app.usecases.templates import list_templates
from core.notes.risk_screen import ScreenReview
from core.notes.templates import TemplateError
from ui.async_jobs import async_slot
from ui.dialogs import ask_yes_no
from ui.sessions.history_panel import HistoryPanel, version_label
from ui.sessions.narrow_layout import NarrowLayout
from ui.sessions.note_editor import NoteEditor
from ui.sessions.note_job import NoteJob, UnsavedDraft
from ui.sessions.risk_panel import RiskPanel
from ui.sessions.speakers_dialog import SpeakersDialog
from ui.sessions.summary_view import summary_html
from ui.sessions.transcript_view import TranscriptView


def _event_loop_running() -> bool:
    """Whether asyncio's loop runs the window (qasync), as it does but in a screenshot."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class SessionView(QWidget):
    message = Signal(str)
    note_changed = Signal()  # a version was saved: lists and badges may change
    inference_done = Signal(str, float, float, bool)  # what, seconds, tokens/s, degraded
    transcript_changed = Signal(int)  # a session's speakers were relabelled: show it again

    def __init__(self, context: AppContext, job: NoteJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.job = context, job
        self.session_id: int | None = None
        # A draft the store refused: saved as the AI draft it is before any edit of it.
        self._unsaved: UnsavedDraft | None = None
        self.patient_id: int | None = None
        self._before_generation = ""
        self._confirm: QMessageBox | None = None
        self._opened: OpenedSession | None = None
        # The second screen's findings by session (its transcript does not change).
        self._reviews: dict[int, ScreenReview] = {}  # the second screen's, by session

        self.title = QLabel("Choose a session, or add one.")
        self.title.setAccessibleName("Session")
        self.badges = QLabel()
        self.badges.setObjectName("badge")
        self.badges.setAccessibleName("Note status")
        self.speakers_button = QPushButton("Spea&kers…")
        self.speakers_button.setToolTip("Swap or rename the transcript's speakers (Alt+K)")
        self.speakers_button.setEnabled(False)
        self.save_state = QLabel()  # "Saved at 14:32", "Unsaved changes", retrying
        self.save_state.setAccessibleName("Autosave")
        self.template = QComboBox()
        self.template.setAccessibleName("Template")
        self.generate_button = QPushButton("&Generate note")
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.hide()
        self.stage_label = QLabel()
        self.stage_label.setAccessibleName("Generation progress")
        self.transcript = TranscriptView()
        self.editor = NoteEditor()
        self.risks = RiskPanel()
        self.history = HistoryPanel(context)
        self.summary = QTextBrowser()
        self.summary.setAccessibleName("Patient summary")
        self.summarise_button = QPushButton("Su&mmarise all sessions")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.risks, "Risk")
        self.tabs.addTab(self.history, "History")
        summary_tab = QWidget()
        summary_layout = QVBoxLayout(summary_tab)
        summary_layout.addWidget(self.summarise_button)
        summary_layout.addWidget(self.summary, 1)
        self.tabs.addTab(summary_tab, "Patient summary")

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.speakers_button)
        header.addWidget(self.badges)
        header.addWidget(self.save_state)
        self.controls = controls = QHBoxLayout()
        controls.addWidget(QLabel("Template:"))
        controls.addWidget(self.template)
        controls.addWidget(self.generate_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress)
        controls.addWidget(self.stage_label, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.transcript)
        split.addWidget(self.editor)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 2)
        self.layout_fit = NarrowLayout(self, split, self.transcript, self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addLayout(controls)
        layout.addWidget(split, 1)

        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.job.cancel)
        self.summarise_button.clicked.connect(self.summarise)
        self.speakers_button.clicked.connect(self.relabel_speakers)
        self.editor.autosave.connect(self._save_edit)
        self.editor.save_state.connect(self.save_state.setText)
        self.risks.line_chosen.connect(self.transcript.scroll_to_line)
        self.risks.line_chosen.connect(self.layout_fit.show_transcript)
        self.history.restored.connect(self._restored)
        self.history.message.connect(self.message)
        job.token.connect(self._token)
        job.stage.connect(self._stage)
        job.note_saved.connect(self._note_saved)
        job.summary_ready.connect(self._summary_ready)
        job.failed.connect(self._job_failed)
        job.cancelled.connect(self._job_cancelled)
        job.draft_unsaved.connect(self._draft_unsaved)
        self.reload_templates()
        self.show_session(None)

    def reload_templates(self) -> None:
        self.template.clear()
        for entry in list_templates(self.context.db).note_templates():
            self.template.addItem(entry.title + ("" if entry.builtin else " (yours)"), entry.name)

    # --- showing a session ----------------------------------------------------------------

    def show_session(self, opened: OpenedSession | None, patient_id: int | None = None) -> None:
        """Show a session the workspace opened (None: none chosen)."""
        self.editor.flush()
        session_id = opened.session.id if opened is not None else None
        self.session_id, self.patient_id = session_id, patient_id
        has = session_id is not None
        for widget in (self.generate_button, self.editor, self.template):
            widget.setEnabled(has and not self.job.busy)
        self.summarise_button.setEnabled(patient_id is not None and not self.job.busy)
        labels = speakers_of(opened.session.transcript) if opened is not None else []
        self.speakers_button.setEnabled(bool(labels))
        self._opened = opened
        if not has:
            self.title.setText("Choose a session, or add one.")
            self.transcript.clear()
            self.editor.load("")
            self.risks.show_flags([])
            self.risks.show_screening("")
            self.history.show_session(None)
            self.badges.clear()
            return
        assert opened is not None
        session = opened.session
        self.title.setText(f"<b>Session {session.session_number}</b> · {session.session_date}")
        self._show_flags(opened)
        if not self.context.risk_net.screens:
            reason = why_no_screen(self.context.loaded.settings)
            self.risks.show_screening(
                f"{reason[0].upper()}{reason[1:]}: only the listed risk phrases are looked for."
            )
        elif session.id not in self._reviews and _event_loop_running():
            self.risks.show_screening("Second screen: reading the transcript…")
            self._screen(opened)
        self._show_note()

    @Slot()
    def relabel_speakers(self) -> SpeakersDialog | None:
        """Swap or rename the speakers in one change (the dialog's OK), then show the
        session again."""
        opened = self._opened
        if opened is None:
            return None
        dialog = SpeakersDialog(speakers_of(opened.session.transcript), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._relabel(opened.session.id, dialog.renaming()))
        dialog.open()
        return dialog

    def _relabel(self, session_id: int, names: dict[str, str]) -> None:
        if not names:
            return
        try:
            relabel_speakers(self.context.db, session_id, names)
        except StoreError as exc:
            self.message.emit(f"The speakers were not renamed: {exc}")
            return
        self._reviews.pop(session_id, None)  # read again: the lines' speakers moved
        self.message.emit("Speakers renamed on every line.")
        self.transcript_changed.emit(session_id)

    def _show_flags(self, opened: OpenedSession) -> None:
        review = self._reviews.get(opened.session.id, ScreenReview())
        flags = review.applied(opened.risk_flags)
        self.transcript.show_transcript(opened.session.transcript, flags, opened.line_times)
        self.risks.show_flags(flags)
        if opened.session.id in self._reviews:
            self.risks.show_screening(_screening(review))

    @async_slot
    async def _screen(self, opened: OpenedSession) -> None:
        """The second screen, off the GUI thread: its findings join the flags shown."""
        loop = asyncio.get_running_loop()
        review = await loop.run_in_executor(None, screen_review, self.context.risk_net, opened)
        self._reviews[opened.session.id] = review
        if self._opened is not None and self._opened.session.id == opened.session.id:
            self._show_flags(self._opened)

    def _show_note(self, reload_text: bool = True) -> None:
        assert self.session_id is not None
        note = current_note(self.context.db, self.session_id)
        self.risks.review_note(note.version.content if note else None)  # after each save
        if reload_text:
            self.editor.load(note.version.content if note else "", self.session_id)
        self.history.show_session(self.session_id)
        self.generate_button.setText("Re&generate note" if note else "&Generate note")
        if note is None:
            self.badges.setText("No note yet")
            return
        # Regenerating keeps the note's own template unless the clinician picks another.
        if (index := self.template.findData(note.version.template)) >= 0:
            self.template.setCurrentIndex(index)
        parts = [version_label(note.version)]
        if note.generated_at:
            parts.append(f"generated {note.generated_at[:16].replace('T', ' ')}")
        if note.last_edited_at:
            parts.append(f"last edited {note.last_edited_at[:16].replace('T', ' ')}")
        parts.append(f"{note.version_count} version{'s' if note.version_count != 1 else ''}")
        self.badges.setText(" · ".join(parts))

    def flush(self) -> None:
        self.editor.flush()

    # --- generating -----------------------------------------------------------------------

    @Slot()
    def generate(self, regenerate: bool = False) -> None:
        if self.session_id is None or self.job.busy:
            return
        self.editor.flush()
        template = str(self.template.currentData() or "default")
        try:
            self.job.start_note(self.session_id, template, regenerate=regenerate)
        except NoteExistsError:
            self._ask_regenerate()
            return
        except (StoreError, TemplateError) as exc:
            self.message.emit(str(exc))
            return
        self._before_generation = self.editor.toPlainText()
        self.editor.load("")
        self._set_busy(True)

    def _ask_regenerate(self) -> None:
        self._confirm = ask_yes_no(
            self,
            "regenerateConfirm",
            "Regenerate the note?",
            "This session already has a note. Draft a new one? The current note stays in "
            "the history and can be restored.",
            self._regenerate_answer,
        )

    @Slot(int)
    def _regenerate_answer(self, result: int) -> None:
        self._confirm = None
        if result == QMessageBox.StandardButton.Yes:
            self.generate(regenerate=True)

    @Slot()
    def summarise(self) -> None:
        if self.patient_id is None or self.job.busy:
            return
        try:
            self.job.start_summary(self.patient_id)
        except StoreError as exc:
            self.message.emit(str(exc))
            return
        self.summary.setPlainText("Summarising all sessions…")
        self.tabs.setCurrentIndex(self.tabs.count() - 1)  # the summary: last in both layouts
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        has = self.session_id is not None
        for widget in (self.generate_button, self.template):
            widget.setEnabled(has and not busy)  # back after any outcome, whatever was shown
        self.editor.setEnabled(has)
        self.summarise_button.setEnabled(not busy and self.patient_id is not None)
        self.cancel_button.setEnabled(busy)
        self.editor.setReadOnly(busy)
        self.progress.setVisible(busy)
        if not busy:
            self.stage_label.clear()

    @Slot(str, int)
    def _stage(self, stage: str, tokens: int) -> None:
        self.stage_label.setText(self.job.stage_text(stage, tokens))

    @Slot(str)
    def _token(self, text: str) -> None:
        self.editor.append_stream(text)

    @Slot(object)
    def _note_saved(self, result: NoteResult) -> None:
        self._set_busy(False)
        draft = result.draft
        if result.version.session_id == self.session_id:
            self._show_note()
        self.note_changed.emit()
        self.message.emit(self.job.saved_message(result))
        rate = self.job.tokens_per_s
        self.inference_done.emit("note", draft.inference_time_s, rate, draft.degraded)

    @Slot(object)
    def _summary_ready(self, summary: PatientSummary) -> None:
        self._set_busy(False)
        self.summary.setHtml(summary_html(summary))
        self.inference_done.emit("summary", summary.inference_time_s, 0.0, summary.degraded)

    @Slot(str)
    def _job_failed(self, message: str) -> None:
        self._set_busy(False)
        self.message.emit(message)
        if self.session_id is not None and not self.editor.toPlainText():
            self._show_note()

    @Slot(str)
    def _job_cancelled(self, reason: str) -> None:
        self._set_busy(False)
        if self.session_id is not None:
            self._show_note()
        self.message.emit(
            "Generation timed out; the note is unchanged."
            if reason == "timeout"
            else "Generation cancelled; the note is unchanged."
        )

    # --- editing --------------------------------------------------------------------------

    @Slot(object)
    def _draft_unsaved(self, unsaved: UnsavedDraft) -> None:
        self._unsaved = unsaved
        if unsaved.session_id == self.session_id:
            self.editor.show_unsaved(unsaved.draft.text)

    def _save_unsaved_draft(self) -> bool:
        """Save a draft the store refused, as the AI draft it is; False when it still
        cannot be (the editor retries)."""
        unsaved = self._unsaved
        if unsaved is None:
            return True
        try:
            unsaved.save(self.context)
        except Exception as exc:  # still refused: kept, tried again
            self.editor.save_failed()
            self.message.emit(f"The draft is not saved yet ({type(exc).__name__}); retrying.")
            return False
        self._unsaved = None
        self.message.emit("The draft is saved.")
        self.note_changed.emit()
        return True

    @Slot(str)
    def _save_edit(self, text: str) -> None:
        if self.session_id is None:
            return
        unsaved = self._unsaved
        if not self._save_unsaved_draft():
            return
        if unsaved is not None and unsaved.session_id == self.session_id:
            self._show_note(reload_text=False)
            if text == unsaved.draft.text:
                return  # the draft itself, unedited: saved as such
        try:
            version = save_edit(self.context.db, self.session_id, text)
        except StoreError as exc:
            self.editor.save_failed()
            self.message.emit(f"Your edit is not saved yet (it stays in the editor): {exc}")
            return
        if version is not None:
            self.message.emit("Saved.")
            self._show_note(reload_text=False)  # badges and history; the text stays as typed
            self.note_changed.emit()

    @Slot(int)
    def _restored(self, _version_id: int) -> None:
        self._show_note()
        self.note_changed.emit()


def _screening(review: ScreenReview) -> str:
    """What the second screen found, in a line for the Risk tab."""
    if not review.possible and not review.doubted:
        return "Second screen: nothing further found."
    parts = []
    if review.possible:
        count = len(review.possible)
        parts.append(f"{count} possible risk{'s' if count != 1 else ''} to review")
    if review.doubted:
        count = len(review.doubted)
        parts.append(
            f"{count} listed phrase{'s' if count != 1 else ''} read as unlikely, shown as possible"
        )
    return f"Second screen: {'; '.join(parts)}."
