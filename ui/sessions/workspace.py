"""The Sessions workspace: patients, their sessions, and the session view; exports.

GUI thread only. The store is used in short transactions; drafting runs on the worker.
"""

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMenu, QPushButton, QSplitter, QWidget

from app.context import AppContext
from app.exporters import EXPORTERS
from app.usecases.errors import StoreError
from app.usecases.exports import (
    EXPORT_NOT_ENCRYPTED,
    copy_as_plain_text,
    export_note,
    removed_risks,
)
from app.usecases.patients import open_patient
from app.usecases.recording import export_recording, no_recording, recorded_seconds
from app.usecases.sessions import open_session, read_session
from app.worker import InferenceWorker
from ui.sessions.export_gate import RemovedRiskDialog
from ui.sessions.note_job import NoteJob
from ui.sessions.patients_panel import PatientsPanel
from ui.sessions.session_view import SessionView
from ui.sessions.sessions_panel import SessionsPanel
from ui.shortcut_tips import tip_with_key


class SessionsWorkspace(QWidget):
    status_message = Signal(str)
    inference_done = Signal(str, float, float, bool)

    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.risk_gate: RemovedRiskDialog | None = None  # the question before an export
        self.job = NoteJob(context, worker, self)
        self.patients = PatientsPanel(context)
        self.sessions = SessionsPanel(context)
        self.view = SessionView(context, self.job)
        self.export_button = QPushButton("E&xport")
        menu = QMenu(self.export_button)
        for exporter in EXPORTERS.values():
            menu.addAction(f"{exporter.label}…", partial(self.export_note, exporter.name))
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
        self.view.transcript_changed.connect(self._session)
        for source in (self.patients, self.sessions):
            source.message.connect(self.status_message)
        self.view.message.connect(self.status_message)
        self.view.inference_done.connect(self.inference_done)

    def set_engine_description(self, description: str, degraded: bool) -> None:
        engine = "rule-based drafts (no model)" if degraded else description
        button = self.view.generate_button
        button.setToolTip(tip_with_key(button, f"Draft with: {engine}"))

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
            try:
                open_patient(self.context.db, patient_id)
            except StoreError as exc:
                self.status_message.emit(str(exc))
                patient_id = -1
        self.sessions.set_patient(patient_id if patient_id >= 0 else None)

    @Slot(int)
    def _session(self, session_id: int) -> None:
        if session_id < 0:
            self.view.show_session(None, self.sessions.patient_id)
            return
        db = self.context.db
        try:
            again = session_id == self.view.session_id
            net = self.context.risk_net
            opened = (
                read_session(db, session_id, net) if again else open_session(db, session_id, net)
            )
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return
        self.view.show_session(opened, self.sessions.patient_id)

    @Slot()
    def _note_changed(self) -> None:
        """The list shows the note's new status; the session is not shown afresh (that
        would reload the editor under the clinician's cursor while they type)."""
        with QSignalBlocker(self.sessions):
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
        exporter = EXPORTERS[kind]
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export note",
            f"note.{exporter.suffix}",
            f"{exporter.label} (*.{exporter.suffix})",
        )
        if path:
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> Path | None:
        """Write the current session's note; returns the path, or None (reason shown).
        A note without disclosures the safety net found asks first (``risk_gate``) and
        returns None; the file is written once a reason is given."""
        session_id = self.view.session_id
        if session_id is None:
            return None
        self.view.flush()
        if self._gated(session_id, "export", partial(self._write_export, session_id, path, kind)):
            return None
        return self._write_export(session_id, path, kind)

    def _gated(self, session_id: int, what: str, then: Callable[[str], object]) -> bool:
        """Whether the risk review gate asks first (``then(reason)`` runs once a reason
        is given; cancelling does nothing)."""
        try:
            removed = removed_risks(self.context.db, session_id, risk_net=self.context.risk_net)
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return True
        if not removed:
            return False
        if self.risk_gate is not None:  # one question at a time: the newest export asks
            if self.risk_gate.isVisible():
                self.risk_gate.reject()
            self.risk_gate.deleteLater()
        self.risk_gate = RemovedRiskDialog(self, removed, what)
        self.risk_gate.reason_given.connect(then)
        self.risk_gate.rejected.connect(self._gate_cancelled)
        self.risk_gate.open()
        return True

    @Slot()
    def _gate_cancelled(self) -> None:
        self.status_message.emit("Nothing was exported; the note is unchanged.")

    def _write_export(
        self, session_id: int, path: Path, kind: str, reason: str | None = None
    ) -> Path | None:
        try:
            written = export_note(
                self.context.db,
                session_id,
                EXPORTERS[kind],
                path,
                risk_net=self.context.risk_net,
                removed_risk_reason=reason,
            )
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return None
        self.status_message.emit(f"Exported to {written}. {EXPORT_NOT_ENCRYPTED}")
        return written

    @Slot()
    def save_recording(self) -> None:
        session_id = self.view.session_id
        if session_id is None:
            self.status_message.emit("Choose a recorded session first.")
            return
        if recorded_seconds(self.context.db, session_id) is None:
            self.status_message.emit(no_recording(session_id))  # before asking for a file
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the session's recording", "session.ogg", "Ogg Opus (*.ogg)"
        )
        if path:
            self.save_recording_to(Path(path))

    def save_recording_to(self, path: Path) -> Path | None:
        """Write the current session's kept recording (audited); returns the path, or
        None (the reason shown: no session, no recording kept, the file not written)."""
        session_id = self.view.session_id
        if session_id is None:
            return None
        try:
            written = export_recording(self.context.db, session_id, path)
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return None
        self.status_message.emit(f"Recording saved to {written}. {EXPORT_NOT_ENCRYPTED}")
        return written

    @Slot()
    def copy_plain_text(self) -> None:
        session_id = self.view.session_id
        if session_id is None:
            return
        self.view.flush()
        if not self._gated(session_id, "copy", partial(self._copy, session_id)):
            self._copy(session_id)

    def _copy(self, session_id: int, reason: str | None = None) -> None:
        try:
            text = copy_as_plain_text(
                self.context.db,
                session_id,
                risk_net=self.context.risk_net,
                removed_risk_reason=reason,
            )
        except StoreError as exc:
            self.status_message.emit(str(exc))
            return
        QGuiApplication.clipboard().setText(text)
        self.status_message.emit("Copied as plain text, ready to paste into the record.")
