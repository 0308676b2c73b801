"""Keys named in tooltips: a button's Alt+letter (its mnemonic) is added to its tooltip,
so hovering a control teaches its key (menus show theirs beside each entry)."""

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QWidget


def key_text(sequence: QKeySequence) -> str:
    """A key as the platform writes it: "Ctrl+E", "Alt+G"; "" for none."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def tip_with_key(button: QAbstractButton, tip: str = "") -> str:
    """``tip`` (or the button's text) followed by its key: "Draft with: rules (Alt+G)"."""
    tip = tip or button.text().replace("&", "").rstrip("…")
    keys = key_text(button.shortcut())
    return f"{tip} ({keys})" if keys and keys not in tip else tip


def show_keys_in_tooltips(root: QWidget) -> None:
    """Name every labelled button's key in its tooltip, keeping what the tooltip says."""
    for button in root.findChildren(QAbstractButton):
        if button.text():
            button.setToolTip(tip_with_key(button, button.toolTip()))
