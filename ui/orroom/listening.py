"""The microphone in the operating-room workspace: the button that starts a case heard
from the room, a level meter with a visible LISTENING indicator, and the bar that asks a
nurse to confirm a command the recogniser came near but did not take ("Heard: …?",
Alt+Y sets it, Alt+N ignores it). Accepted commands reach the case as final segments
spoken by "microphone"; every other utterance shows in the transcript as heard."""

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from app.context import AppContext
from core.orstate.surgeries import Surgery
from core.speech.or_commands import KnownCommand
from core.speech.or_listen import HeardInRoom
from ui.orroom.case_controller import CaseController
from ui.orroom.notice_bar import NoticeBar
from ui.orroom.room_microphone import RoomMicrophone

SPEAKER = "microphone"
LEVEL_STEPS = 100


class RoomListening(QObject):
    def __init__(
        self,
        context: AppContext,
        controller: CaseController,
        show_heard: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller, self._show_heard = controller, show_heard
        self.microphone = RoomMicrophone(context, self)
        self.button = QPushButton("&Microphone")
        self.button.setToolTip(
            "Start a case heard from the room: spoken commands set the machines (Alt+M)"
        )
        self.indicator = QLabel("● LISTENING")
        self.indicator.setObjectName("listeningBadge")
        self.indicator.setStyleSheet("background: #b71c1c; color: #ffffff; padding: 2px 6px;")
        self.indicator.setAccessibleName("The microphone is on")
        self.meter = QProgressBar()
        self.meter.setRange(0, LEVEL_STEPS)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.meter.setAccessibleName("Microphone level")
        self.heard_bar = NoticeBar("A command heard but not taken", "Ig&nore")
        self.heard_bar.dismiss.setToolTip("Alt+N: leave the machines as they are")
        self._offered: KnownCommand | None = None
        self._names: dict[str, str] = {}  # machine id -> name, of the surgery heard
        for widget in (self.indicator, self.meter):
            widget.hide()
        self.microphone.heard.connect(self._heard)
        self.microphone.level.connect(lambda level: self.meter.setValue(round(level * 100)))
        self.microphone.failed.connect(self._failed)
        self.heard_bar.accepted.connect(self._confirm)

    @property
    def listening(self) -> bool:
        return self.microphone.listening

    def start(self, surgery: Surgery) -> None:
        """Raises ``MicrophoneError`` or ``SpeechModelError`` before anything starts."""
        self.microphone.start(surgery)
        self._names = {m.id: m.name for m in surgery.machines.values()}
        self.indicator.show()
        self.meter.show()

    def stop(self) -> None:
        self.microphone.stop()
        self.indicator.hide()
        self.meter.hide()
        self.heard_bar.hide()
        self._offered = None

    @Slot(object)
    def _heard(self, heard: HeardInRoom) -> None:
        found = heard.heard
        if found.feed is not None:
            self.controller.type_line(SPEAKER, found.feed)
            return
        self._show_heard(f'heard: "{found.heard}"?')
        offer = found.offer
        if offer is None:
            return
        self._offered = offer
        machine = self._names.get(offer.machine_id, offer.machine_id)
        self.heard_bar.offer(
            f'Heard: "{found.heard}" — {machine} {offer.action}?',
            "&Yes, set it",
            f"Alt+Y: feed \u201c{offer.phrase}\u201d to the case as a command",
        )

    @Slot()
    def _confirm(self) -> None:
        if self._offered is not None:
            self.controller.type_line(f"{SPEAKER} (confirmed)", self._offered.phrase)
            self._offered = None

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.stop()
        self._show_heard(message)
