"""The Sessions workspace: patients, their sessions, and the session view; exports.

GUI thread only. The store is used in short transactions; drafting runs on the worker.
"""

from pathlib import Path

from PySide6.QtCore import QMarginsF, Signal, Slot
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMenu, QPushButton, QSplitter, QWidget

from app.context import AppContext
from app.worker import InferenceWorker
from core.notes.export import (
    EXPORT_NOT_ENCRYPTED,
    load_document,
    to_html,
    to_markdown,
    to_plain_text,
    write_docx,
    write_export_atomically,
    write_text_export,
)
from core.store import audit
from core.store.errors import StoreError
from ui.sessions.note_job import NoteJob
from ui.sessions.patients_panel import PatientsPanel
from ui.sessions.session_view import SessionView
from ui.sessions.sessions_panel import SessionsPanel

EXPORT_KINDS = {"pdf": "PDF (*.pdf)", "docx": "Word (*.docx)", "md": "Markdown (*.md)"}


class SessionsWorkspace(QWidget):
    status_message = Signal(str)
    inference_done = Signal(str, float, float, bool)

    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        db = context.db
        self.job = NoteJob(db, worker, context.loaded, self)
        self.patients = PatientsPanel(db)
        self.sessions = SessionsPanel(db)
        self.view = SessionView(db, self.job)
        self.export_button = QPushButton("E&xport")
        menu = QMenu(self.export_button)
        menu.addAction("PDF…", lambda: self.export_note("pdf"))
        menu.addAction("Word (DOCX)…", lambda: self.export_note("docx"))
        menu.addAction("Markdown…", lambda: self.export_note("md"))
        menu.addAction("Copy as plain text", self.copy_plain_text)
        self.export_button.setMenu(menu)
        self.view.controls.addWidget(self.export_button)

        left = QSplitter()
        left.setOrientation(left.orientation().Vertical)
        left.addWidget(self.patients)
        left.addWidget(self.sessions)
        left.setMinimumWidth(230)
        left.setMaximumWidth(340)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(left)
        layout.addWidget(self.view, 1)

        self.patients.patient_selected.connect(self._patient)
        self.sessions.session_selected.connect(self._session)
        self.view.note_changed.connect(self._note_changed)
        for source in (self.patients, self.sessions):
            source.message.connect(self.status_message)
        self.view.message.connect(self.status_message)
        self.view.inference_done.connect(self.inference_done)

    def set_engine_description(self, description: str, degraded: bool) -> None:
        engine = "rule-based drafts (no model)" if degraded else description
        self.view.generate_button.setToolTip(f"Draft with: {engine}")

    def reload(self) -> None:
        self.patients.reload()

    def reset(self) -> None:
        """Show the store afresh with nothing selected (after a restore)."""
        self.view.show_session(None)
        self.sessions.set_patient(None)
        self.patients.list.setCurrentRow(-1)
        self.patients.reload()

    def select_first(self) -> None:
        if self.patients.list.count():
            self.patients.list.setCurrentRow(0)
            self.sessions.select_first()

    def flush(self) -> None:
        self.view.flush()
        self.job.cancel()

    @Slot(int)
    def _patient(self, patient_id: int) -> None:
        self.view.flush()
        if patient_id >= 0:
            audit.record(self.context.db, "view", "patient", patient_id)
        self.sessions.set_patient(patient_id if patient_id >= 0 else None)

    @Slot(int)
    def _session(self, session_id: int) -> None:
        if session_id >= 0 and session_id != self.view.session_id:
            audit.record(self.context.db, "view", "session", session_id)
        self.view.show_session(session_id if session_id >= 0 else None, self.sessions.patient_id)

    @Slot()
    def _note_changed(self) -> None:
        self.sessions.reload(select=self.view.session_id)

    # --- import and export ----------------------------------------------------------------

    @Slot()
    def import_transcript(self) -> None:
        if self.sessions.patient_id is None:
            self.status_message.emit("Choose or add a patient first, then import.")
            return
        self.sessions.choose_file()

    @Slot()
    def export_note(self, kind: str = "pdf") -> None:
        if self.view.session_id is None:
            self.status_message.emit("Choose a session with a note to export.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export note", f"note.{kind}", EXPORT_KINDS.get(kind, "")
        )
        if path:
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> Path | None:
        """Write the current session's note; returns the path, or None (reason shown)."""
        session_id = self.view.session_id
        if session_id is None:
            return None
        self.view.flush()
        try:
            doc = load_document(self.context.db, session_id)
            if kind == "pdf":
                written = write_export_atomically(path, lambda t: _write_pdf(t, to_html(doc)))
            elif kind == "docx":
                written = write_docx(path, doc)
            else:
                written = write_text_export(path, to_markdown(doc))
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return None
        audit.record(self.context.db, "export", "session", session_id, detail=f"format={kind}")
        self.status_message.emit(f"Exported to {written}. {EXPORT_NOT_ENCRYPTED}")
        return written

    @Slot()
    def copy_plain_text(self) -> None:
        session_id = self.view.session_id
        if session_id is None:
            return
        self.view.flush()
        try:
            doc = load_document(self.context.db, session_id)
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return
        QGuiApplication.clipboard().setText(to_plain_text(doc))
        audit.record(self.context.db, "export", "session", session_id, detail="format=clipboard")
        self.status_message.emit("Copied as plain text, ready to paste into the record.")


def _write_pdf(path: Path, html: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setTitle("Clinical note (Auralis draft)")
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # the file is complete only once the writer is gone
