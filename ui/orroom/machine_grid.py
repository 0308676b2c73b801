"""One tile per machine: name, state in words (ON / OFF / STANDBY) and colour, where the
state came from (rule, model, override) with its confidence, and a flash when it
changes. Each tile is a button: Enter or a click opens the manual override menu."""

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QMenu, QPushButton, QSizePolicy, QWidget

from core.orstate.serializer import machine_map
from core.orstate.surgeries import Surgery
from ui.theme import STATE_COLOURS

FLASH_MS = 900
# A toggle's match_type, as the tile says where its state came from.
SOURCE_WORDS = {"llm": "model", "override": "override"}  # any other: the rules


class MachineTile(QPushButton):
    override_chosen = Signal(str, str)  # machine id, action

    def __init__(self, machine_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.machine_id, self.machine_name = machine_id, name
        self.state_word, self.detail = "OFF", "default"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
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

    def set_state(self, state_word: str, detail: str) -> None:
        changed = state_word != self.state_word
        self.state_word, self.detail = state_word, detail
        self._paint(flash=changed)
        if changed:
            self._flash.start(FLASH_MS)

    def _paint(self, *, flash: bool) -> None:
        background, text = STATE_COLOURS.get(self.state_word, STATE_COLOURS["OFF"])
        border = "4px solid #ffffff" if flash else "2px solid #90a4ae"
        self.setText(f"{self.machine_name}\n{self.state_word}\n{self.detail}")
        self.setAccessibleName(f"{self.machine_name}: {self.state_word}, {self.detail}")
        self.setStyleSheet(
            f"QPushButton {{ background: {background}; color: {text}; border: {border};"
            " font-size: 14pt; font-weight: bold; text-align: center; padding: 4px; }"
            "QPushButton:focus { border: 4px solid #ffd54f; }"
            "QPushButton::menu-indicator { width: 0; }"
        )


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

    def show_state(self, state: Mapping[str, Any]) -> None:
        toggles = {t["machine_id"]: t for t in state["details"].get("toggles", [])}
        for machine_id, word in machine_map(state).items():
            tile = self.tiles.get(machine_id)
            if tile is None:
                continue
            toggle = toggles.get(machine_id)
            if toggle is not None:
                source = SOURCE_WORDS.get(toggle["match_type"], "rule")
                detail = f"{source} · {toggle['confidence']:.0%}"
            elif tile.state_word != word:
                detail = "model" if "llm" in state["source"] else "rule"
            else:
                detail = tile.detail
            tile.set_state(word, detail)
