"""Long database operations off the GUI thread, with a progress dialog.

A backup, a restore in place or a passphrase change can take long on a large database.
``run_in_background`` runs one on a thread of qasync's executor (the use case opens its
own connection there) while the window keeps painting and answering; a modal progress
dialog says what is being done and how far it is. Progress is reported from that thread
through the event loop (``call_soon_threadsafe``), so no widget is touched off the GUI
thread. The caller makes sure nothing else writes meanwhile (the window suspends its own
store connection where the operation needs the file alone).
"""

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.usecases.database import Progress
from core.llm.types import CancelToken

T = TypeVar("T")
STEPS = 1000  # the dialog's resolution


async def run_in_background(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], T],
    *,
    cancel: CancelToken | None = None,
) -> T:
    """Run ``work(progress)`` off the GUI thread and return what it returns (or raise what
    it raises), showing ``title`` and its progress meanwhile. With ``cancel`` the dialog
    has a Cancel button that sets it (``work`` checks it and stops); without, none: a
    half-done re-key or restore cannot be stopped safely."""
    loop = asyncio.get_running_loop()
    dialog = QProgressDialog(f"{title}…", "Cancel" if cancel else "", 0, 0, parent)
    dialog.setObjectName("backgroundProgress")
    dialog.setWindowTitle(title)
    if cancel is None:
        dialog.setCancelButton(None)
    else:
        dialog.canceled.connect(cancel.cancel)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.show()
    showing = True

    def show(stage: str, fraction: float | None) -> None:  # the GUI thread
        if not showing:
            return
        dialog.setLabelText(f"{stage}…")
        if fraction is None:
            dialog.setRange(0, 0)  # busy, how long unknown
        else:
            dialog.setRange(0, STEPS)
            dialog.setValue(round(min(max(fraction, 0.0), 1.0) * STEPS))

    def report(stage: str, fraction: float | None) -> None:  # the operation's thread
        loop.call_soon_threadsafe(show, stage, fraction)

    try:
        return await loop.run_in_executor(None, partial(work, report))
    finally:
        showing = False
        dialog.close()
        dialog.deleteLater()
