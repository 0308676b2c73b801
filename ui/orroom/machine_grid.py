"""One tile per machine: name, state in words with a symbol (never colour alone) in
large type, where the state came from (rule, model, override) with its confidence and
the time it was set, the words that set it (shown for a few seconds, then kept in the
workspace's list of changes), and a flash when it changes. Each tile is a button: Enter,
Space or a click opens the manual override menu."""

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.orstate.driver import MachineCause, StateUpdate
from core.orstate.surgeries import Surgery
from ui.theme import STATE_COLOURS

FLASH_MS = 900
QUOTE_MS = 8000  # how long the words that changed a machine stay under its tile
# Text sizes in pixels: the state is read from two metres.
NAME_PX, STATE_PX, DETAIL_PX = 18, 30, 15
# The state's symbol: a shape as well as a colour and a word.
STATE_SYMBOLS = {"ON": "●", "OFF": "○", "STANDBY": "◐"}
# Where a machine's state came from, as the tile says it.
SOURCE_WORDS = {"rule": "rule", "model": "model", "override": "override", "default": "default"}
# A toggle's match_type, for a state read back from a recorded case (no causes kept).
MATCH_WORDS = {"llm": "model", "override": "override"}  # any other: the rules


def clock(seconds: float) -> str:
    whole = int(max(seconds, 0))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def quote_of(cause: MachineCause) -> str:
    if cause.source == "override":
        return "set by hand"
    words = " ".join(cause.utterance.split())
    return f"“{words}”" if words else ""


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return label


class MachineTile(QPushButton):
    override_chosen = Signal(str, str)  # machine id, action

    def __init__(self, machine_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.machine_id, self.machine_name = machine_id, name
        self.state_word, self.detail, self.quote = "OFF", "default", ""
        self.confidence: float | None = None
        self.cause: MachineCause | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.name_label = _label("tileName", self)
        self.name_label.setText(name)
        self.name_label.setWordWrap(True)
        self.state_label = _label("tileState", self)
        self.detail_label = _label("tileDetail", self)
        self.quote_label = _label("tileQuote", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(0)
        for label in (self.name_label, self.state_label, self.detail_label, self.quote_label):
            layout.addWidget(label)
        self.quote_label.hide()
        self.setToolTip(f"{name}: Enter or Space sets it by hand (ON, OFF or STANDBY)")
        menu = QMenu(self)
        for action in ("ON", "OFF", "STANDBY"):
            item = QAction(f"Set {action} (manual override)", menu)
            item.triggered.connect(
                lambda _=False, a=action: self.override_chosen.emit(machine_id, a)
            )
            menu.addAction(item)
        self.setMenu(menu)
        self._flash = QTimer(self)
        self._flash.setSingleShot(True)
        self._flash.timeout.connect(lambda: self._paint(flash=False))
        self._quote_timer = QTimer(self)
        self._quote_timer.setSingleShot(True)
        self._quote_timer.timeout.connect(self.quote_label.hide)
        self._paint(flash=False)

    def set_state(self, state_word: str, detail: str, quote: str = "") -> None:
        changed = state_word != self.state_word
        new_quote = quote != self.quote
        self.state_word, self.detail, self.quote = state_word, detail, quote
        self._paint(flash=changed)
        if changed:
            self._flash.start(FLASH_MS)
        if quote and (changed or new_quote):
            self.quote_label.show()
            self._quote_timer.start(QUOTE_MS)
        elif not quote:
            self.quote_label.hide()

    @property
    def quote_shown(self) -> bool:
        return not self.quote_label.isHidden()

    def _paint(self, *, flash: bool) -> None:
        background, text = STATE_COLOURS.get(self.state_word, STATE_COLOURS["OFF"])
        border = "5px solid #ffffff" if flash else "2px solid #90a4ae"
        symbol = STATE_SYMBOLS.get(self.state_word, "")
        self.state_label.setText(f"{symbol} {self.state_word}".strip())
        self.detail_label.setText(self.detail)
        self._elide_quote()
        said = f", {self.quote}" if self.quote else ""
        self.setAccessibleName(f"{self.machine_name}: {self.state_word}, {self.detail}{said}")
        self.setStyleSheet(
            f"QPushButton {{ background: {background}; border: {border}; padding: 0; }}"
            "QPushButton:focus { border: 5px solid #ffd54f; }"
            "QPushButton::menu-indicator { width: 0; }"
            f"QLabel {{ color: {text}; background: transparent; font-weight: bold; }}"
            f"QLabel#tileName {{ font-size: {NAME_PX}px; }}"
            f"QLabel#tileState {{ font-size: {STATE_PX}px; }}"
            f"QLabel#tileDetail {{ font-size: {DETAIL_PX}px; }}"
            f"QLabel#tileQuote {{ font-size: {DETAIL_PX}px; font-style: italic; }}"
        )

    def _elide_quote(self) -> None:
        room = max(self.width() - 16, 40)
        metrics = self.quote_label.fontMetrics()
        self.quote_label.setText(metrics.elidedText(self.quote, Qt.TextElideMode.ElideRight, room))

    def sizeHint(self) -> QSize:
        return QSize(160, 110)

    def minimumSizeHint(self) -> QSize:
        """Small enough for three rows at 1024×600; the name wraps, the quote is cut."""
        return QSize(120, 96)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_quote()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter opens the override menu, as Space does."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.showMenu()
            return
        super().keyPressEvent(event)


class MachineGrid(QWidget):
    override_chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.tiles: dict[str, MachineTile] = {}

    def set_surgery(self, surgery: Surgery) -> None:
        for tile in self.tiles.values():
            tile.deleteLater()
        self.tiles = {}
        for index, machine_id in enumerate(sorted(surgery.machines)):
            machine = surgery.machines[machine_id]
            tile = MachineTile(machine_id, machine.name, self)
            tile.set_state(machine.default_state, "default")
            tile.override_chosen.connect(self.override_chosen)
            self.grid.addWidget(tile, index // 3, index % 3)
            self.tiles[machine_id] = tile

    def show_state(self, update: StateUpdate) -> None:
        toggles = {t["machine_id"]: t for t in update.state["details"].get("toggles", [])}
        for machine_id, word in update.machines.items():
            tile = self.tiles.get(machine_id)
            if tile is None:
                continue
            cause = update.causes.get(machine_id)
            if cause is None:
                _show_recorded(tile, word, toggles.get(machine_id), update)
                continue
            toggle = toggles.get(machine_id)
            if toggle is not None:
                tile.confidence = float(toggle["confidence"])
            elif cause != tile.cause:
                tile.confidence = None
            tile.cause = cause
            if cause.source == "default":
                tile.set_state(word, "default")
                continue
            sure = f" {tile.confidence:.0%}" if tile.confidence is not None else ""
            detail = f"{SOURCE_WORDS[cause.source]}{sure} · {clock(cause.t)}"
            tile.set_state(word, detail, quote_of(cause))


def _show_recorded(
    tile: MachineTile, word: str, toggle: Mapping[str, Any] | None, update: StateUpdate
) -> None:
    """A recorded state: where it came from is known only for this state's own toggles,
    and the words that set it are the state's own transcript line."""
    if toggle is not None:
        source = MATCH_WORDS.get(toggle["match_type"], "rule")
        detail = f"{source} · {toggle['confidence']:.0%}"
        said = " ".join(str(update.state["metadata"].get("transcript_context") or "").split())
        quote = "set by hand" if source == "override" else (f"“{said}”" if said else "")
        tile.set_state(word, detail, quote)
        return
    if tile.state_word == word:
        tile.set_state(word, tile.detail, tile.quote)
        return
    tile.set_state(word, "model" if update.from_model else "rule")
