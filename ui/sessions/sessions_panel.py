"""A patient's sessions (number, date, note status) and adding one: paste a transcript, or
import a file (text, WebVTT, SRT, JSON, or a recording, transcribed here off the GUI
thread with progress and Cancel; also by dropping it here). Import problems are shown in
the panel in the importer's own words; nothing is stored from a bad file."""

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.usecases.audio_import import import_audio_session, load_recogniser, transcript_from_audio
from app.usecases.database import Progress
from app.usecases.errors import StoreError
from app.usecases.notes import current_note
from app.usecases.recording import store_recorded_session
from app.usecases.sessions import (
    ImportedSession,
    add_pasted_session,
    import_session,
    list_sessions,
)
from core.llm.types import CancelToken
from core.notes.transcript import Transcript, TranscriptError, time_stamp
from core.speech.errors import AudioFileError, SpeechModelError
from core.speech.recogniser import Recogniser
from core.speech.transcribe import TranscriptionCancelled
from ui.async_jobs import async_slot
from ui.background import run_in_background
from ui.sessions.history_panel import version_label
from ui.sessions.record_dialog import RecordDialog

SESSION_ID = Qt.ItemDataRole.UserRole
NOTE_STATUS = {"none": "no note", "edited": "edited"}
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".ogg", ".flac", ".opus", ".webm", ".aac")
FILE_FILTER = (
    "Transcripts and recordings (*.txt *.vtt *.srt *.json "
    + " ".join(f"*{suffix}" for suffix in AUDIO_SUFFIXES)
    + ");;All files (*)"
)


class SessionsPanel(QWidget):
    session_selected = Signal(int)  # session id; -1 when none
    message = Signal(str)
    recording_imported = Signal(int)  # the new session's id; -1 when none was added

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id: int | None = None
        self._recogniser: Recogniser | None = None  # loaded with the first recording
        self.setAcceptDrops(True)
        self.title = QLabel("<b>Sessions</b>")
        self.list = QListWidget()
        self.list.setAccessibleName("Sessions")
        self.import_button = QPushButton("&Import file…")
        self.paste_button = QPushButton("&Paste transcript")
        self.record_button = QPushButton("Recor&d…")
        self.record_button.setToolTip("Record a session through the microphone (Alt+D)")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setAccessibleName("Import problem")
        self.error.hide()
        self.paste_box = QPlainTextEdit()
        self.paste_box.setPlaceholderText("Paste the transcript here, then Add session.")
        self.paste_box.setAccessibleName("Transcript to add")
        self.paste_add = QPushButton("Add &session")
        self.paste_box.hide()
        self.paste_add.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.record_button)
        layout.addLayout(buttons)
        layout.addWidget(self.paste_box)
        layout.addWidget(self.paste_add)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("<small>Or drop a transcript or a recording here.</small>"))

        self.import_button.clicked.connect(self.choose_file)
        self.paste_button.clicked.connect(self.toggle_paste)
        self.record_button.clicked.connect(self.record_session)
        self.paste_add.clicked.connect(self.add_pasted)
        self.list.currentItemChanged.connect(self._selected)
        self.set_patient(None)

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        for widget in (self.import_button, self.paste_button, self.record_button, self.list):
            widget.setEnabled(patient_id is not None)
        self.error.hide()
        self.reload()

    @Slot()
    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        if self.patient_id is not None:
            for summary in list_sessions(self.context.db, self.patient_id):
                label = (
                    f"#{summary.session_number}  {summary.session_date}  ·  "
                    f"{self._status(summary.id, summary.note_status)}"
                )
                item = QListWidgetItem(label)
                item.setData(SESSION_ID, summary.id)
                self.list.addItem(item)
                if summary.id == keep:
                    self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        current = self.current_id()
        self.session_selected.emit(current if current is not None else -1)

    def _status(self, session_id: int, status: str) -> str:
        """The note's status; an untouched draft says who drafted it (rules or which
        model), from its version's metadata."""
        if status in NOTE_STATUS:
            return NOTE_STATUS[status]
        note = current_note(self.context.db, session_id)
        return version_label(note.version) if note is not None else status

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(SESSION_ID)) if item is not None else None

    def select_first(self) -> None:
        if self.list.count():
            self.list.setCurrentRow(0)

    @Slot()
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Import transcript", "", FILE_FILTER)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> int | None:
        """Add a session from a transcript file; returns its id, or None (reason shown, or
        a recording: transcribed in the background, then added)."""
        patient_id = self.patient_id
        if patient_id is None:
            self._refuse("Choose a patient first.")
            return None
        if path.suffix.lower() in AUDIO_SUFFIXES:
            self.import_recording(path)
            return None
        try:
            imported = import_session(self.context.db, patient_id, path)
        except (TranscriptError, StoreError) as exc:
            self._refuse(str(exc))
            return None
        return self._added(imported, path.name)

    @async_slot
    async def import_recording(self, path: Path) -> None:
        """Transcribe ``path`` off the GUI thread (progress, Cancel), then add the session
        to the patient chosen when it started. ``recording_imported`` tells the outcome."""
        patient_id = self.patient_id
        if patient_id is None:
            self._refuse("Choose a patient first.")
            return
        cancel = CancelToken()

        def transcribe(progress: Progress) -> Transcript:
            progress("Loading the speech model", None)
            recogniser = self._speech()

            def show(done: float, total: float | None) -> None:
                minutes = f"{done / 60:.1f} of {total / 60:.1f} min" if total else ""
                progress(f"Transcribing {path.name}  {minutes}", done / total if total else None)

            return transcript_from_audio(recogniser, path, on_progress=show, cancel=cancel)

        self.import_button.setEnabled(False)
        try:
            transcript = await run_in_background(
                self, "Transcribing the recording", transcribe, cancel=cancel
            )
            imported = import_audio_session(self.context.db, patient_id, transcript)
        except TranscriptionCancelled:
            self.message.emit(f"Transcribing {path.name} was cancelled; nothing was added.")
            self.recording_imported.emit(-1)
            return
        except (AudioFileError, SpeechModelError, StoreError) as exc:
            self._refuse(str(exc))
            self.recording_imported.emit(-1)
            return
        finally:
            self.import_button.setEnabled(self.patient_id is not None)
        if self.patient_id == patient_id:
            self.recording_imported.emit(self._added(imported, path.name))
        else:
            self.message.emit(f"Session {imported.session.session_number} added from {path.name}.")
            self.recording_imported.emit(imported.session.id)

    def _speech(self) -> Recogniser:
        """The recogniser, loaded with the first recording (``SpeechModelError``)."""
        if self._recogniser is None:
            threads = self.context.loaded.settings.inference.n_threads
            self._recogniser = load_recogniser(self.context.paths, threads=threads)
        return self._recogniser

    @Slot()
    def record_session(self) -> RecordDialog | None:
        """Open the recording dialog for the chosen patient; when it finishes, the session
        is added (``recording_imported`` tells the outcome, as for an imported file)."""
        patient_id = self.patient_id
        if patient_id is None:
            self._refuse("Choose a patient first.")
            return None
        dialog = RecordDialog(self.context, self._speech, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._recorded(patient_id, dialog))
        dialog.rejected.connect(lambda: self.recording_imported.emit(-1))
        dialog.open()
        return dialog

    def _recorded(self, patient_id: int, dialog: RecordDialog) -> None:
        recorded = dialog.recorded
        if recorded is None:
            return
        try:
            imported = store_recorded_session(self.context.db, patient_id, recorded)
        except StoreError as exc:
            self._refuse(str(exc))
            self.recording_imported.emit(-1)
            return
        origin = f"a recording ({time_stamp(recorded.seconds)})"
        if self.patient_id == patient_id:
            self.recording_imported.emit(self._added(imported, origin))
        else:
            self.message.emit(f"Session {imported.session.session_number} added from {origin}.")
            self.recording_imported.emit(imported.session.id)

    @Slot()
    def toggle_paste(self) -> None:
        visible = not self.paste_box.isVisible()
        self.paste_box.setVisible(visible)
        self.paste_add.setVisible(visible)
        if visible:
            self.paste_box.setFocus()

    @Slot()
    def add_pasted(self) -> None:
        patient_id = self.patient_id
        if patient_id is None:
            self._refuse("Choose a patient first.")
            return
        try:
            imported = add_pasted_session(self.context.db, patient_id, self.paste_box.toPlainText())
        except (TranscriptError, StoreError) as exc:
            self._refuse(str(exc))
            return
        self._added(imported, "pasted text")
        self.paste_box.clear()
        self.toggle_paste()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.message.emit("The transcript was not imported: " + message)

    def _added(self, imported: ImportedSession, origin: str) -> int:
        session = imported.session
        self.error.hide()
        self.reload(select=session.id)
        self.message.emit(f"Session {session.session_number} added from {origin}.")
        return session.id

    @Slot(QListWidgetItem, QListWidgetItem)
    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.session_selected.emit(int(item.data(SESSION_ID)) if item is not None else -1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.patient_id is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_file(Path(url.toLocalFile()))
        event.acceptProposedAction()
