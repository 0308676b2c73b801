"""Recording a session in the room: the microphone (chosen from the inputs there are), a
level meter, a red RECORDING indicator with the time, Pause and Resume, and the
transcript appearing as the session is spoken (each utterance recognised when it ends,
off the GUI thread). Stop and add makes the session: speakers named, times kept, and the
sound kept encrypted with it only when "Keep the recording" is ticked (the setting's
default is off: the sound is never stored). Discard keeps nothing."""

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.microphone import Microphone, input_devices, pick_device
from app.usecases.recording import RecordedSession, SessionRecording
from core.notes.transcript import time_stamp
from core.speech.errors import AudioFileError, MicrophoneError, SpeechModelError
from core.speech.recogniser import Heard, Recogniser
from ui.async_jobs import async_slot
from ui.dialogs import ask_yes_no

TICK_MS = 250
ASK_BEFORE_DISCARDING_S = 5.0


class _Relay(QObject):
    heard = Signal(object)  # Heard, from the recognising thread


class RecordDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        recogniser: Callable[[], Recogniser],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordDialog")
        self.setWindowTitle("Record a session")
        self.setMinimumWidth(480)
        self.context, self._load_recogniser = context, recogniser
        self.recorded: RecordedSession | None = None  # set when the session is ready
        self._microphone: Microphone | None = None
        self._recording: SessionRecording | None = None
        self._confirm: QMessageBox | None = None
        self._relay = _Relay(self)
        self._relay.heard.connect(self._heard)
        speech = context.loaded.settings.speech

        self.device = QComboBox()
        self.device.setAccessibleName("Microphone")
        self.device.addItems(input_devices())
        if speech.input_device is not None and speech.input_device < self.device.count():
            self.device.setCurrentIndex(speech.input_device)
        self.keep = QCheckBox("&Keep the recording (encrypted with the session)")
        self.keep.setChecked(speech.keep_recordings)
        self.indicator = QLabel("Ready")
        self.indicator.setObjectName("recordingIndicator")
        self.indicator.setAccessibleName("Recording state")
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Microphone level")
        self.transcript = QPlainTextEdit()
        self.transcript.setReadOnly(True)
        self.transcript.setAccessibleName("Transcript so far")
        self.transcript.setPlaceholderText("What is said appears here as it is recognised.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.record_button = QPushButton("&Record")
        self.pause_button = QPushButton("&Pause")
        self.stop_button = QPushButton("&Stop and add session")
        self.discard_button = QPushButton("&Discard")
        for button, tip in (
            (self.record_button, "Start recording (Alt+R)"),
            (self.pause_button, "Pause or resume the recording (Alt+P)"),
            (self.stop_button, "Finish: the transcript becomes the patient's next session (Alt+S)"),
            (self.discard_button, "Stop and keep nothing (Alt+D)"),
        ):
            button.setToolTip(tip)
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(QLabel("Microphone:"))
        top.addWidget(self.device, 1)
        state = QHBoxLayout()
        state.addWidget(self.indicator)
        state.addWidget(self.meter, 1)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.keep)
        layout.addLayout(state)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._show_state)
        self.record_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop_and_add)
        self.discard_button.clicked.connect(self.reject)
        if not self.device.count():
            self._refuse("No microphone was found: connect one and open this again.")

    @property
    def seconds(self) -> float:
        return self._microphone.seconds if self._microphone is not None else 0.0

    @Slot()
    def start(self) -> None:
        try:
            device = pick_device(self.device.currentIndex())
            recogniser = self._load_recogniser()
        except (MicrophoneError, SpeechModelError) as exc:
            self._refuse(str(exc))
            return
        relay = self._relay
        self._recording = SessionRecording(
            recogniser, keep_audio=self.keep.isChecked(), on_heard=relay.heard.emit
        )
        microphone = Microphone(device, self)
        microphone.block.connect(self._recording.feed)
        microphone.level.connect(lambda level: self.meter.setValue(round(level * 100)))
        microphone.failed.connect(self._device_failed)
        try:
            microphone.start()
        except MicrophoneError as exc:
            self._recording.discard()
            self._recording = None
            self._refuse(str(exc))
            return
        self._microphone = microphone
        for widget in (self.device, self.keep, self.record_button):
            widget.setEnabled(False)
        self.pause_button.setEnabled(True)
        self.stop_button.setEnabled(True)
        self.message.clear()
        self._clock.start(TICK_MS)
        self._show_state()

    @Slot()
    def toggle_pause(self) -> None:
        if self._microphone is None:
            return
        if self._microphone.paused:
            self._microphone.resume()
            self.pause_button.setText("&Pause")
        else:
            self._microphone.pause()
            self.pause_button.setText("Res&ume")
        QTimer.singleShot(TICK_MS, self._show_state)

    def _show_state(self) -> None:
        if self._microphone is None:
            return
        clock = time_stamp(self.seconds)
        if self._microphone.paused:
            self.indicator.setText(f"❚❚ PAUSED  {clock}")
            self.indicator.setStyleSheet("background: #455a64; color: #ffffff; padding: 2px 6px;")
        else:
            self.indicator.setText(f"● RECORDING  {clock}")
            self.indicator.setStyleSheet("background: #b71c1c; color: #ffffff; padding: 2px 6px;")

    @Slot(object)
    def _heard(self, heard: Heard) -> None:
        self.transcript.appendPlainText(f"{time_stamp(heard.start)}  {heard.text}")

    @async_slot
    async def stop_and_add(self) -> None:
        """Stop capture, wait (off the GUI thread) for the last utterance, and accept."""
        recording, microphone = self._recording, self._microphone
        if recording is None or microphone is None:
            return
        self._stop_capture()
        for button in (self.pause_button, self.stop_button, self.discard_button):
            button.setEnabled(False)
        self.indicator.setText("Finishing the transcript…")
        self.indicator.setStyleSheet("")
        try:
            self.recorded = await asyncio.get_running_loop().run_in_executor(None, recording.finish)
        except AudioFileError as exc:
            self._refuse(str(exc))
            self.discard_button.setEnabled(True)
            self.discard_button.setText("&Close")
            return
        self.accept()

    def _stop_capture(self) -> None:
        self._clock.stop()
        if self._microphone is not None:
            self._microphone.stop()
            self._microphone.deleteLater()
            self._microphone = None

    @Slot(str)
    def _device_failed(self, message: str) -> None:
        self._refuse(f"{message} What was recorded so far can still be added.")
        if self._microphone is not None:
            self._clock.stop()
            self.pause_button.setEnabled(False)

    def _refuse(self, message: str) -> None:
        self.message.setText(message)

    def reject(self) -> None:
        """Discard: nothing is kept (asked first when more than a few seconds were said)."""
        said = self._recording is not None and self.recorded is None
        if said and self.seconds > ASK_BEFORE_DISCARDING_S:
            self._confirm = ask_yes_no(
                self,
                "discardRecording",
                "Discard the recording?",
                f"Discard {time_stamp(self.seconds)} of recording? Nothing of it is kept.",
                self._answered,
            )
            return
        self._discard()

    def _answered(self, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self._discard()

    def _discard(self) -> None:
        if self._recording is not None and self.recorded is None:
            self._stop_capture()
            self._recording.discard()
            self._recording = None
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # as Discard: asked first when there is something to lose
        self.reject()
