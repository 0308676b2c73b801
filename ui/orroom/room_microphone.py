"""The operating room listening through the microphone, for the OR workspace: capture
on the GUI thread (Qt Multimedia), recognition and matching on a thread of their own
(``LiveRoom``), and each utterance heard signalled back to the GUI thread."""

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from app.microphone import Microphone, MicrophoneError, pick_device
from app.usecases.or_listen import LiveRoom, load_room
from core.orstate.surgeries import Surgery
from core.speech.or_listen import HeardInRoom


class RoomMicrophone(QObject):
    heard = Signal(object)  # HeardInRoom, on the GUI thread
    level = Signal(float)  # 0-1, the microphone's loudness
    failed = Signal(str)  # listening stopped: the device or the recogniser failed

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._microphone: Microphone | None = None
        self._room: LiveRoom | None = None
        self._listening = 0  # which listening an utterance belongs to (late ones are dropped)
        self._heard_late = _Relay(self)
        self._heard_late.heard.connect(self._forward)

    @property
    def listening(self) -> bool:
        return self._microphone is not None

    def start(self, surgery: Surgery) -> None:
        """Listen for ``surgery``'s commands. Raises ``MicrophoneError`` or
        ``SpeechModelError`` (one line) before anything starts."""
        self.stop()
        device = pick_device(self.context.loaded.settings.speech.input_device)
        threads = self.context.loaded.settings.inference.n_threads
        recogniser, commands = load_room(self.context.paths, surgery, threads)
        self._listening += 1
        number, relay = self._listening, self._heard_late
        self._room = LiveRoom(
            recogniser,
            commands,
            on_heard=lambda heard: relay.heard.emit(number, heard),
            on_failed=relay.failed.emit,
        )
        microphone = Microphone(device, self)
        microphone.block.connect(self._room.feed)
        microphone.level.connect(self.level)
        microphone.failed.connect(self._device_failed)
        try:
            microphone.start()
        except MicrophoneError:
            self._room.stop()
            self._room = None
            microphone.deleteLater()
            raise
        self._microphone = microphone

    def stop(self) -> None:
        """Stop at once: what is still being recognised is dropped when it comes."""
        if self._microphone is not None:
            self._microphone.stop()
            self._microphone.deleteLater()
            self._microphone = None
        if self._room is not None:
            self._room.stop()
            self._room = None
        self._listening += 1

    def _forward(self, number: int, heard: HeardInRoom) -> None:
        if number == self._listening:
            self.heard.emit(heard)

    def _device_failed(self, message: str) -> None:
        self.stop()
        self.failed.emit(message)


class _Relay(QObject):
    """Signals emitted on the recognising thread, delivered on the GUI thread."""

    heard = Signal(int, object)

    failed = Signal(str)

    def __init__(self, owner: RoomMicrophone) -> None:
        super().__init__(owner)
        self.failed.connect(owner._device_failed)
