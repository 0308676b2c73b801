"""Looks: the base style for the whole window, text zoom, and the operating room's dark,
high-contrast palette (readable from two metres). Colours always come with words: a
state is never told by colour alone."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

RISK_RED = "#c62828"
POSSIBLE_AMBER = "#a15c00"  # "possible risk, please review": dark amber, readable on white
MARKER_GREY = "#9e9e9e"
SPEAKER_COLOURS = ["#1565c0", "#6a1b9a", "#2e7d32", "#ef6c00", "#00838f", "#ad1457"]

# Machine states on the dark OR display: background, text.
STATE_COLOURS = {
    "ON": ("#1b5e20", "#ffffff"),
    "OFF": ("#37474f", "#eceff1"),
    "STANDBY": ("#f9a825", "#000000"),
}
OR_STYLE = """
QWidget#orWorkspace { background: #101418; color: #f5f5f5; }
QWidget#orWorkspace QLabel { color: #f5f5f5; }
QWidget#orWorkspace QPlainTextEdit, QWidget#orWorkspace QListWidget,
QWidget#orWorkspace QLineEdit, QWidget#orWorkspace QComboBox {
    background: #1c2228; color: #f5f5f5; border: 1px solid #455a64; }
QWidget#orWorkspace QPushButton { background: #263238; color: #ffffff;
    border: 2px solid #78909c; padding: 6px 12px; }
QWidget#orWorkspace QPushButton:focus, QWidget#orWorkspace QLineEdit:focus,
QWidget#orWorkspace QComboBox:focus { border: 2px solid #ffd54f; }
QWidget#orWorkspace QPlainTextEdit#orFeed, QWidget#orWorkspace QListWidget#orChanges {
    font-size: 17px; }
QWidget#orWorkspace QComboBox#surgeryPicker { font-size: 20px; font-weight: bold;
    min-height: 36px; padding: 2px 8px; border: 2px solid #b0bec5; }
QWidget#orWorkspace QTabWidget::pane { border: 1px solid #455a64; }
QWidget#orWorkspace QTabBar::tab { background: #263238; color: #ffffff; padding: 4px 10px; }
QWidget#orWorkspace QTabBar::tab:selected { background: #455a64; font-weight: bold; }
QLabel#phaseName { font-size: 36px; font-weight: bold; }
QLabel#phaseTimeline { font-size: 15px; color: #cfd8dc; }
QLabel#nextPhase { font-size: 21px; color: #cfd8dc; }
QLabel#modeBadge { font-size: 15px; font-weight: bold; padding: 4px 10px; }
QLabel#guardBanner { font-size: 17px; font-weight: bold; background: #ffd54f; color: #000000;
    padding: 6px 10px; }
"""
BASE_STYLE = """
QPushButton:focus, QLineEdit:focus, QListView:focus, QTreeView:focus, QTableView:focus,
QComboBox:focus, QTextEdit:focus, QPlainTextEdit:focus { outline: 2px solid #1976d2; }
QLabel#badge { border-radius: 3px; padding: 2px 6px; background: #e3f2fd; color: #0d47a1; }
QLabel#lockTitle { font-size: 20pt; font-weight: bold; }
QLabel#unencryptedBadge { border-radius: 3px; padding: 2px 6px; background: #e65100;
    color: #ffffff; font-weight: bold; }
QLabel#degradedBadge { border-radius: 3px; padding: 2px 6px; background: #b71c1c;
    color: #ffffff; font-weight: bold; }
"""

MIN_POINT_SIZE, MAX_POINT_SIZE = 7.0, 28.0


def apply_base_style(app: QApplication) -> None:
    app.setStyleSheet(BASE_STYLE)


def zoom(app: QApplication, percent: int) -> float:
    """Set the application font to ``percent`` of the system's size (100: the system's
    own). Returns the new point size."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
    size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, (system if system > 0 else 10) * percent / 100))
    font = QFont(app.font())
    font.setPointSizeF(size)
    app.setFont(font)
    return size


def style_or_workspace(widget: QWidget) -> None:
    widget.setObjectName("orWorkspace")
    # A QWidget subclass paints a style-sheet background only when asked to.
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    widget.setStyleSheet(OR_STYLE)
