"""Keyboard basics across the whole window and the settings dialog: every control can take
focus from the keyboard; the text scales; nothing is cut off at 1366x768 or 1920x1080."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.test_accessible_names import spoken_name
from tests.ui.window_fixture import WindowFactory, demo_window

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def test_every_control_takes_keyboard_focus(make_window: WindowFactory, qtbot: QtBot) -> None:
    """(Every control's name: tests/ui/test_accessible_names.py.)"""
    window = demo_window(make_window)
    dialog = window.open_settings()
    for root in (window, dialog):
        for widget in root.findChildren(QWidget):
            if isinstance(widget, CONTROLS) and widget.isVisibleTo(root):
                assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, (
                    f"{spoken_name(widget, root)!r} cannot be reached with Tab"
                )


def _clipped(root: QWidget) -> list[str]:
    """Visible labels and buttons narrower or shorter than their text needs."""
    clipped = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
            continue
        need = widget.minimumSizeHint()
        if widget.width() < need.width() or widget.height() < need.height():
            text = widget.text()[:40]
            clipped.append(f"{type(widget).__name__} {text!r}: {widget.size()} < {need}")
    return clipped


def test_nothing_is_cut_off_at_laptop_and_full_hd_sizes_and_when_zoomed(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)
    for steps in (0, 2):
        window.zoom_text(steps)
        for width, height in ((1366, 768), (1920, 1080)):
            window.resize(width, height)
            for workspace in ("sessions", "or"):
                window.show_workspace(workspace)
                qtbot.wait(50)
                where = f"{workspace} at {width}x{height}, zoom {steps}"
                assert (window.width(), window.height()) == (width, height), where
                assert _clipped(window) == [], where
    window.zoom_text(0)
