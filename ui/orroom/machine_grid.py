"""One tile per machine: name, state in words (ON / OFF / STANDBY) and colour, where the
state came from (rule, model, override) with its confidence and the time it was set, the
words that set it, and a flash when it changes. Each tile is a button: Enter or a click
opens the manual override menu."""

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QMenu, QPushButton, QSizePolicy, QWidget

from core.orstate.driver import MachineCause, StateUpdate
from core.orstate.surgeries import Surgery
from ui.theme import STATE_COLOURS

FLASH_MS = 900
TILE_POINTS = 14  # the tiles' text, readable from the table
# Where a machine's state came from, as the tile says it.
SOURCE_WORDS = {"rule": "rule", "model": "model", "override": "override", "default": "default"}
# A toggle's match_type, for a state read back from a recorded case (no causes kept).
MATCH_WORDS = {"llm": "model", "override": "override"}  # any other: the rules


def clock(seconds: float) -> str:
    whole = int(max(seconds, 0))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _quote(cause: MachineCause) -> str:
    if cause.source == "override":
        return "set by hand"
    words = " ".join(cause.utterance.split())
    return f"“{words}”" if words else ""


class MachineTile(QPushButton):
    override_chosen = Signal(str, str)  # machine id, action

    def __init__(self, machine_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.machine_id, self.machine_name = machine_id, name
        self.state_word, self.detail, self.quote = "OFF", "default", ""
        self.confidence: float | None = None
        self.cause: MachineCause | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._metrics = QFontMetrics(QFont(self.font().family(), TILE_POINTS, QFont.Weight.Bold))
        self.setMinimumHeight(86)
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
        self._paint(flash=False)

    def set_state(self, state_word: str, detail: str, quote: str = "") -> None:
        changed = state_word != self.state_word
        self.state_word, self.detail, self.quote = state_word, detail, quote
        self._paint(flash=changed)
        if changed:
            self._flash.start(FLASH_MS)
        self.updateGeometry()

    def _paint(self, *, flash: bool) -> None:
        background, text = STATE_COLOURS.get(self.state_word, STATE_COLOURS["OFF"])
        border = "4px solid #ffffff" if flash else "2px solid #90a4ae"
        lines = [self.machine_name, self.state_word, self.detail]
        if self.quote:
            room = max(self.width() - 16, 40)
            lines.append(self._metrics.elidedText(self.quote, Qt.TextElideMode.ElideRight, room))
        self.setText("\n".join(lines))
        said = f", {self.quote}" if self.quote else ""
        self.setAccessibleName(f"{self.machine_name}: {self.state_word}, {self.detail}{said}")
        self.setStyleSheet(
            f"QPushButton {{ background: {background}; color: {text}; border: {border};"
            f" font-size: {TILE_POINTS}pt; font-weight: bold; text-align: center; padding: 4px; }}"
            "QPushButton:focus { border: 4px solid #ffd54f; }"
            "QPushButton::menu-indicator { width: 0; }"
        )

    def sizeHint(self) -> QSize:
        """Wide enough for the name, the state and where it came from; the quote of the
        words that set it is cut to the width the tile gets (the transcript beside the
        grid keeps its room)."""
        lines = (self.machine_name, self.state_word, self.detail)
        width = max(self._metrics.horizontalAdvance(line) for line in lines) + 24
        return QSize(width, max(self.minimumHeight(), 4 * self._metrics.height() + 16))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.quote:
            self._paint(flash=self._flash.isActive())


class MachineGrid(QWidget):
    override_chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(8)
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
            tile.set_state(word, detail, _quote(cause))


def _show_recorded(
    tile: MachineTile, word: str, toggle: Mapping[str, Any] | None, update: StateUpdate
) -> None:
    """A recorded state: where it came from is known only for this state's own toggles."""
    if toggle is not None:
        source = MATCH_WORDS.get(toggle["match_type"], "rule")
        detail = f"{source} · {toggle['confidence']:.0%}"
    elif tile.state_word != word:
        detail = "model" if update.from_model else "rule"
    else:
        detail = tile.detail
    tile.set_state(word, detail)
