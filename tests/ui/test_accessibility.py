"""Keyboard and screen-reader basics across the whole window and the settings dialog:
every control can take focus from the keyboard and has a name a screen reader can say;
the text scales; nothing is cut off at 1366x768 or 1920x1080."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.demo import create_demo_data
from tests.ui.window_fixture import WindowFactory
from ui.main_window import MainWindow

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def _label_for(widget: QWidget) -> str:
    """The text of a form label beside the widget, if it sits in a QFormLayout row."""
    parent = widget.parentWidget()
    while parent is not None:
        layout = parent.layout()
        for form in [layout, *layout.findChildren(QFormLayout)] if layout else []:
            if isinstance(form, QFormLayout):
                label = form.labelForField(widget)
                if isinstance(label, QLabel) and label.text():
                    return label.text()
        parent = parent.parentWidget()
    return ""


def _spoken_name(widget: QWidget) -> str:
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    return _label_for(widget)


def _unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or widget.parent() is None:
            continue
        owner = widget.parentWidget()
        if owner is not None and (
            owner.metaObject().className() == "QComboBoxPrivateContainer"  # its popup list
            or isinstance(owner, QAbstractSpinBox | QComboBox | QLineEdit | QMenuBar)
        ):
            continue  # parts of a control, named by the control
        if not _spoken_name(widget):
            missing.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    return missing


def _demo_window(make_window: WindowFactory) -> MainWindow:
    window = make_window()
    create_demo_data(window.context.db)
    window.sessions.reload()
    window.show_demo_selection()
    return window


def test_every_control_has_a_name_and_takes_keyboard_focus(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = _demo_window(make_window)
    dialog = window.open_settings()
    for root in (window, dialog):
        missing = _unnamed_controls(root)
        assert missing == [], "\n".join(missing)
        for widget in root.findChildren(QWidget):
            if isinstance(widget, CONTROLS) and widget.isVisibleTo(root):
                assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, (
                    f"{_spoken_name(widget)!r} cannot be reached with Tab"
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
    window = _demo_window(make_window)
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
