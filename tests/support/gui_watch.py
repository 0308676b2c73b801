"""Watching that the window stays responsive while a store function runs.

``GuiWatch.wrap(function)`` returns the function wrapped: while it runs, it waits for a
timer on the GUI thread to fire, and notes whether it did and on which thread it ran.
Run on the GUI thread, the function blocks that timer: the wait ends unanswered, and the
test sees that the window froze for the whole operation."""

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer

GUI_WAIT_S = 5.0  # an answer comes within milliseconds when the GUI thread is free


class GuiWatch:
    def __init__(self) -> None:
        self.running = threading.Event()
        self.beat = threading.Event()
        self.on_gui_thread: list[bool] = []
        self.gui_answered: list[bool] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:  # the GUI thread
        if self.running.is_set():
            self.beat.set()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any, **kwargs: Any) -> Any:
            self.on_gui_thread.append(threading.current_thread() is threading.main_thread())
            self.beat.clear()
            self.running.set()
            try:
                self.gui_answered.append(self.beat.wait(GUI_WAIT_S))
            finally:
                self.running.clear()
            return function(*args, **kwargs)

        return watched

    def stop(self) -> None:
        self.timer.stop()
