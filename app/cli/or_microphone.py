"""``auralis or listen --device N``: the room heard live through a microphone from the
command line. Qt Multimedia captures on this (the main) thread in a Qt event loop of its
own; recognition runs on the listening thread; each utterance heard is handed back here
(every 0.1 s) so that the case, and its database connection, stay on one thread. Ctrl+C
or ``--seconds`` ends it after the last utterance is heard."""

import queue
import signal
import time
from collections.abc import Callable

from app.paths import AppPaths
from app.usecases.or_listen import LiveRoom, load_room
from core.orstate.surgeries import Surgery
from core.speech.or_listen import HeardInRoom

POLL_MS = 100


def list_inputs() -> list[str]:
    from PySide6.QtCore import QCoreApplication

    from app.microphone import input_devices

    _ = QCoreApplication.instance() or QCoreApplication([])
    return input_devices()


def listen_live(
    paths: AppPaths,
    surgery: Surgery,
    device: int | None,
    on_heard: Callable[[HeardInRoom, float], None],
    *,
    seconds: float | None = None,
    threads: int = 2,
    on_failed: Callable[[str], None] | None = None,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Listen until Ctrl+C or ``seconds``; ``on_heard(heard, t)`` on this thread with
    ``t`` the seconds since listening began; ``on_listening(device name)`` once the
    microphone is open. Raises ``MicrophoneError`` or
    ``SpeechModelError`` (one line) before anything is heard."""
    from PySide6.QtCore import QCoreApplication, QTimer

    from app.microphone import Microphone, pick_device

    app = QCoreApplication.instance() or QCoreApplication([])
    chosen = pick_device(device)
    recogniser, commands = load_room(paths, surgery, threads)
    heard: queue.SimpleQueue[HeardInRoom] = queue.SimpleQueue()
    failures: queue.SimpleQueue[str] = queue.SimpleQueue()
    room = LiveRoom(recogniser, commands, heard.put, failures.put)
    microphone = Microphone(chosen)
    microphone.block.connect(room.feed)
    microphone.failed.connect(failures.put)
    started = time.monotonic()

    def drain() -> None:
        while not heard.empty():
            on_heard(heard.get(), time.monotonic() - started)

    def tick() -> None:
        drain()
        if not failures.empty():
            if on_failed is not None:
                on_failed(failures.get())
            app.quit()
        elif seconds is not None and time.monotonic() - started >= seconds:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)  # also lets Python's Ctrl+C handler run
    timer.start(POLL_MS)
    previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    try:
        microphone.start()
        if on_listening is not None:
            on_listening(chosen.description())
        app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        timer.stop()
        microphone.stop()
        room.close()
        drain()
