"""Window-modal questions that do not block the event loop: the answer arrives at a slot."""

from collections.abc import Callable

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
