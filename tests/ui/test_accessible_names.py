"""Every control a screen reader reaches has a name it can say, in the window (both
workspaces, the lock screen), the settings dialog (every tab) and the dialogs the window
opens (choosing and typing a passphrase, the regenerate question).

The rule: an interactive widget (a button or check box, a list, table or tree, a line
edit, a text edit, a combo or spin box, a slider) is named when it has an accessibleName,
or a visible text of its own (a button's label, which Qt says), or a QLabel whose buddy
it is, or the label of its QFormLayout row (both of which Qt exposes as its name). Each
page of a tab widget is named by its tab's text. Parts of a control (a combo's popup list,
a spin box's line edit, a line edit's clear button) are named by the control."""

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.startup import unlock_attempts
from tests.ui.window_fixture import WindowFactory, demo_window
from ui.passphrase_dialogs import EnterPassphraseDialog, NewPassphraseDialog

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def _buddy_or_form_label(widget: QWidget, root: QWidget) -> str:
    for label in root.findChildren(QLabel):
        if label.buddy() is widget and label.text().replace("&", "").strip():
            return label.text()
    parent = widget.parentWidget()
    while parent is not None:
        layout = parent.layout()
        for form in [layout, *layout.findChildren(QFormLayout)] if layout else []:
            if isinstance(form, QFormLayout):
                label = form.labelForField(widget)
                if isinstance(label, QLabel) and label.text().strip():
                    return label.text()
        parent = parent.parentWidget()
    return ""


def spoken_name(widget: QWidget, root: QWidget) -> str:
    """The name a screen reader says for ``widget`` (empty: none)."""
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    return _buddy_or_form_label(widget, root)


def _is_part_of_a_control(widget: QWidget) -> bool:
    if isinstance(widget, QScrollBar):
        return True  # a scroll area's own bar, named by the area
    owner = widget.parentWidget()
    return owner is not None and (
        owner.metaObject().className() in ("QComboBoxPrivateContainer", "QLineEditIconButton")
        or isinstance(owner, QAbstractSpinBox | QComboBox | QLineEdit | QMenuBar | QTabWidget)
        or widget.metaObject().className() == "QLineEditIconButton"
    )


def unnamed(root: QWidget) -> list[str]:
    """Where ``root`` has an interactive widget, or a tab page, without a name."""
    missing = []
    for widget in root.findChildren(QWidget):
        control = isinstance(widget, INTERACTIVE) and not _is_part_of_a_control(widget)
        if control and not spoken_name(widget, root):
            parent = widget.parentWidget()
            where = (parent.objectName() or type(parent).__name__) if parent else "?"
            missing.append(f"{type(widget).__name__} in {where}")
        if isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                if not widget.tabText(index).replace("&", "").strip():
                    missing.append(f"page {index} of a {type(widget.parentWidget()).__name__}")
    return missing


def test_every_control_of_the_window_and_its_dialogs_has_a_name(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = demo_window(make_window)
    problems = [f"window: {where}" for where in unnamed(window)]

    settings = window.open_settings()
    problems += [f"settings dialog: {where}" for where in unnamed(settings)]
    settings.reject()

    choose = NewPassphraseDialog(window, keyring="the test keyring")
    problems += [f"new passphrase dialog: {where}" for where in unnamed(choose)]
    enter = EnterPassphraseDialog(unlock_attempts(window.context.paths), window)
    problems += [f"enter passphrase dialog: {where}" for where in unnamed(enter)]

    window.sessions.view.generate()  # the demo session has a note: the regenerate question
    question = window.sessions.view._confirm
    assert isinstance(question, QMessageBox)
    problems += [f"regenerate question: {where}" for where in unnamed(question)]
    question.reject()
    for dialog in (choose, enter):
        dialog.deleteLater()
    QApplication.processEvents()
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_an_unnamed_control(qtbot: QtBot) -> None:
    """The rule itself: a bare line edit is found, a labelled one (buddy) is not."""
    root = QWidget()
    qtbot.addWidget(root)
    bare = QLineEdit(root)
    assert unnamed(root) == ["QLineEdit in QWidget"]
    label = QLabel("&Name:", root)
    label.setBuddy(bare)
    assert unnamed(root) == []
