"""Window-modal questions and notices that do not block the event loop: an answer arrives
at a slot."""

import asyncio
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_yes_no(
    parent: QWidget, name: str, title: str, text: str, answered: Callable[[int], None]
) -> QMessageBox:
    """Show a Yes/No question (object name ``name``, for tests and accessibility) and call
    ``answered`` with the button's value when it closes. Keep the returned box alive."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName(name)
    box.finished.connect(answered)
    box.open()
    return box


async def confirm(parent: QWidget, name: str, title: str, text: str) -> bool:
    """``ask_yes_no`` for a coroutine (qasync): True when the answer is Yes."""
    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def answered(result: int) -> None:
        if not answer.done():
            answer.set_result(result)

    box = ask_yes_no(parent, name, title, text, answered)
    try:
        return await answer == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()


def tell(parent: QWidget, name: str, title: str, text: str, details: str) -> QMessageBox:
    """Show a warning with an OK button (object name ``name``); ``details`` is selectable so
    that a checksum or a path can be copied. Keep the returned box alive."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setInformativeText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box
