"""The Operating-room workspace: a dark, large-type display for a laptop a few metres
from the table. Phase and next phase big, a phase timeline, the machine grid, the live
transcript, a rule-only / model / degraded badge; controls to start a case (replay,
follow, typed lines, the microphone) and the recorded cases. GUI thread only."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.microphone import MicrophoneError
from app.usecases.orcases import case_segments, case_timeline, get_case, list_cases, surgeries
from app.worker import InferenceWorker
from core.orstate.driver import StateUpdate, recorded_update
from core.orstate.surgeries import Surgery
from core.speech.errors import SpeechModelError
from ui.orroom.case_controller import CaseController
from ui.orroom.changes import changes, pending_commands
from ui.orroom.listening import RoomListening
from ui.orroom.machine_grid import MachineGrid, clock
from ui.orroom.notice_bar import NoticeBar
from ui.orroom.surgery_guard import SurgeryGuard
from ui.theme import style_or_workspace

JSONL_FILTER = "Transcript segments (*.jsonl *.json);;All files (*)"
SIDE_MAX_WIDTH = 330  # the controls and transcript column; the room gets the rest
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole


class OperatingRoomWorkspace(QWidget):
    status_message = Signal(str)
    inference_done = Signal(str, float, float, bool)

    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        style_or_workspace(self)
        self.context, self.worker = context, worker
        catalog = surgeries(context.paths)
        self.surgeries: dict[str, Surgery] = {s.name: s for s in catalog.surgeries.values()}
        self.problems = list(catalog.problems)
        self.controller = CaseController(context, worker, self)
        self.model_available = False
        self._phase_starts: list[tuple[str, float]] = []  # (phase id, elapsed s) of this case

        self.surgery = QComboBox()
        self.surgery.setObjectName("surgeryPicker")
        self.surgery.setAccessibleName("Surgery")
        self.surgery.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.surgery.setMinimumContentsLength(12)
        for surgery in self.surgeries.values():
            self.surgery.addItem(surgery.display_name, surgery.name)
            self.surgery.setItemData(self.surgery.count() - 1, surgery.display_name, TOOLTIP_ROLE)
        self.speed = QDoubleSpinBox()
        self.speed.setAccessibleName("Replay speed (times real time; 0 = as fast as possible)")
        self.speed.setRange(0.0, 50.0)
        self.speed.setValue(1.0)
        self.speed.setSuffix("×")
        self.replay_button = QPushButton("&Replay file…")
        self.follow_button = QPushButton("&Follow live file…")
        self.typed_button = QPushButton("&Typed lines")
        self.stop_button = QPushButton("&Stop case")
        self.stop_button.setEnabled(False)
        self.mode = QLabel()
        self.mode.setObjectName("modeBadge")
        self.mode.setAccessibleName("Inference mode")
        self.mode.setWordWrap(True)
        self.phase = QLabel("No case running")
        self.phase.setObjectName("phaseName")
        self.phase.setWordWrap(True)
        self.next_phase = QLabel("Start a case: replay a file, follow a live file, or type lines.")
        self.next_phase.setObjectName("nextPhase")
        self.next_phase.setWordWrap(True)
        self.timeline = QLabel()
        self.timeline.setObjectName("phaseTimeline")
        self.timeline.setAccessibleName("Phase timeline")
        self.timeline.installEventFilter(self)  # its width decides how much of it fits
        self.grid = MachineGrid()
        self.feed = QPlainTextEdit()
        self.feed.setObjectName("orFeed")
        self.feed.setReadOnly(True)
        self.feed.setAccessibleName("Live transcript")
        self.feed.setMaximumBlockCount(2000)
        self.line = QLineEdit()
        self.line.setPlaceholderText("Type a line, e.g. surgeon: start the suction")
        self.line.setAccessibleName("Typed line")
        self.line.setEnabled(False)
        self.changes = QListWidget()
        self.changes.setObjectName("orChanges")
        self.changes.setAccessibleName("Changes: each machine and phase change with its words")
        self.changes.setWordWrap(True)
        self.cases = QListWidget()
        self.cases.setAccessibleName("Recorded cases")
        self.case_replay = QPushButton("Replay &case")
        self.guard_bar = NoticeBar("Wrong surgery?", "&Dismiss")
        self.guard_bar.dismiss.setToolTip("Alt+D: keep this surgery; not asked again this case")
        self.pending_bar = NoticeBar("A command waiting to be confirmed", "&Leave it")
        self.pending_bar.dismiss.setToolTip("Alt+L: leave the machine as it is")
        self.listening = RoomListening(context, self.controller, self._show_heard, self)
        self._guard: SurgeryGuard | None = None
        self._suggested: Surgery | None = None
        self._pending: tuple[str, str] | None = None  # machine id, action to confirm
        self._restart: Callable[[], None] | None = None  # the running case's source, again
        self._shown: tuple[str | None, dict[str, str]] = (None, {})  # phase, machines
        self._timeline_entries: list[str] = []
        self._tooltips()

        picker_label = QLabel("S&urgery:")
        picker_label.setBuddy(self.surgery)
        speed_label = QLabel("S&peed:")
        speed_label.setBuddy(self.speed)
        picker = QHBoxLayout()
        picker.addWidget(picker_label)
        picker.addWidget(self.surgery, 1)
        buttons = QGridLayout()
        buttons.addWidget(self.replay_button, 0, 0)
        buttons.addWidget(self.follow_button, 0, 1)
        buttons.addWidget(self.typed_button, 1, 0)
        buttons.addWidget(self.stop_button, 1, 1)
        buttons.addWidget(self.listening.button, 2, 0)
        buttons.addWidget(self.listening.indicator, 2, 1)
        buttons.addWidget(speed_label, 3, 0)
        buttons.addWidget(self.speed, 3, 1)
        buttons.addWidget(self.listening.meter, 4, 0, 1, 2)
        transcript = QWidget()
        transcript_layout = QVBoxLayout(transcript)
        transcript_layout.setContentsMargins(0, 0, 0, 0)
        transcript_layout.addWidget(self.feed, 1)
        transcript_layout.addWidget(self.line)
        recorded = QWidget()
        recorded_layout = QVBoxLayout(recorded)
        recorded_layout.setContentsMargins(0, 0, 0, 0)
        recorded_layout.addWidget(self.cases, 1)
        recorded_layout.addWidget(self.case_replay)
        self.tabs = QTabWidget()
        self.tabs.addTab(transcript, "Transcript")
        self.tabs.addTab(self.changes, "Changes")
        self.tabs.addTab(recorded, "Cases")
        self.tabs.setToolTip("Ctrl+Tab: the next tab")
        left = QVBoxLayout()
        left.addWidget(self.phase)
        left.addWidget(self.next_phase)
        left.addWidget(self.timeline)
        left.addWidget(self.guard_bar)
        left.addWidget(self.pending_bar)
        left.addWidget(self.listening.heard_bar)
        left.addWidget(self.grid, 1)
        self.side = QWidget()
        self.side.setMaximumWidth(SIDE_MAX_WIDTH)
        right = QVBoxLayout(self.side)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.mode)
        right.addLayout(picker)
        right.addLayout(buttons)
        right.addWidget(self.tabs, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(left, 3)
        layout.addWidget(self.side, 2)

        self.replay_button.clicked.connect(self.choose_replay)
        self.follow_button.clicked.connect(self.choose_follow)
        self.typed_button.clicked.connect(self.start_typed)
        self.listening.button.clicked.connect(self.start_listening)
        self.stop_button.clicked.connect(self.stop_case)
        self.line.returnPressed.connect(self._typed)
        self.case_replay.clicked.connect(self.replay_selected_case)
        self.surgery.currentIndexChanged.connect(self._surgery_changed)
        self.grid.override_chosen.connect(self._override)
        self.guard_bar.accepted.connect(self._switch_surgery)
        self.guard_bar.dismissed.connect(self._keep_surgery)
        self.pending_bar.accepted.connect(self._confirm_pending)
        self.controller.segment.connect(self._segment)
        self.controller.state.connect(self.show_state)
        self.controller.problem.connect(self.status_message)
        self.controller.ended.connect(self.reload_cases)
        self._surgery_changed()
        self.set_engine_description("rule-based", True)
        self.reload_cases()

    def _tooltips(self) -> None:
        """Every action has a key; the tooltip says which."""
        for widget, tip in (
            (self.surgery, "The surgery of the next case (Alt+U)"),
            (self.speed, "Replay speed, times real time; 0 = as fast as possible (Alt+P)"),
            (self.replay_button, "Replay a transcript file as a new case (Alt+R)"),
            (self.follow_button, "Follow a file a speech recogniser is writing (Alt+F)"),
            (self.typed_button, "Start a case fed by typed lines (Alt+T)"),
            (self.stop_button, "Stop the case; it stays recorded (Alt+S)"),
            (self.case_replay, "Replay the chosen recorded case (Alt+C)"),
            (self.line, "Enter sends the line, e.g. surgeon: start the suction"),
        ):
            widget.setToolTip(tip)

    def current_surgery(self) -> Surgery:
        return self.surgeries[str(self.surgery.currentData())]

    def set_engine_description(self, _description: str, degraded: bool) -> None:
        self.model_available = not degraded
        self._show_mode("model" if self.model_available else "rule-only")

    def _show_mode(self, mode: str) -> None:
        colours = {"model": "#1565c0", "rule-only": "#455a64", "degraded": "#b71c1c"}
        words = {
            "model": "RULES + MODEL",
            "rule-only": "RULE-ONLY (no model)",
            "degraded": "DEGRADED: model failed, rules shown",
        }
        self.mode.setText(words[mode])
        self.mode.setStyleSheet(f"background: {colours[mode]}; color: #ffffff;")

    # --- starting and stopping ------------------------------------------------------------

    @Slot()
    def choose_replay(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Replay a case", "", JSONL_FILTER)
        if path:
            self.start_replay(Path(path))

    @Slot()
    def choose_follow(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Follow a live transcript file",
            "",
            JSONL_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.start_follow(Path(path))

    def start_replay(self, path: Path) -> None:
        self._starting(lambda: self.start_replay(path))
        self.controller.replay(
            self.current_surgery(), path, self.speed.value(), use_model=self.model_available
        )

    def start_follow(self, path: Path) -> None:
        self._starting(lambda: self.start_follow(path))
        self.controller.follow(self.current_surgery(), path, use_model=self.model_available)
        self.status_message.emit(f"Following {path.name}: new lines appear as they are written.")

    @Slot()
    def start_typed(self) -> None:
        self._starting(self.start_typed)
        self.controller.start(self.current_surgery(), "typed lines", use_model=self.model_available)
        self.line.setEnabled(True)
        self.line.setFocus()

    @Slot()
    def start_listening(self) -> None:
        """A case heard from the room through the microphone."""
        surgery = self.current_surgery()
        self._starting(self.start_listening)
        try:
            self.listening.start(surgery)
        except (MicrophoneError, SpeechModelError) as exc:
            self.stop_case()
            self.status_message.emit(f"The room cannot be heard: {exc}")
            return
        self.controller.start(surgery, "microphone", use_model=self.model_available)
        self.status_message.emit("Listening: spoken commands set the machines.")

    def _show_heard(self, text: str) -> None:
        self.feed.appendPlainText(text)

    def _starting(self, restart: Callable[[], None]) -> None:
        self.listening.stop()
        self.feed.clear()
        self.changes.clear()
        self.grid.set_surgery(self.current_surgery())
        self.stop_button.setEnabled(True)
        self.surgery.setEnabled(False)
        self._phase_starts = []
        self._restart = restart
        self._guard = SurgeryGuard(self.current_surgery(), self.surgeries.values())
        self._shown = (None, {})
        self.guard_bar.hide()
        self.pending_bar.hide()

    @Slot()
    def stop_case(self) -> None:
        self.listening.stop()
        self.controller.stop()
        self.stop_button.setEnabled(False)
        self.surgery.setEnabled(True)
        self.line.setEnabled(False)

    @Slot()
    def _typed(self) -> None:
        text = self.line.text().strip()
        if not text:
            return
        speaker, _, said = text.partition(":")
        if not said:
            speaker, said = "staff", text
        self.controller.type_line(speaker.strip(), said.strip())
        self.line.clear()

    @Slot(str, str)
    def _override(self, machine_id: str, action: str) -> None:
        if not self.controller.running:
            self.status_message.emit("Start a case to set a machine by hand.")
            return
        self.controller.override(machine_id, action)
        self.status_message.emit(f"{machine_id} set to {action} by hand (recorded in the case).")

    @Slot()
    def _switch_surgery(self) -> None:
        """Start the case again, from its beginning, with the surgery the guard offered
        (the case so far stays recorded)."""
        surgery, restart = self._suggested, self._restart
        if surgery is None or restart is None:
            return
        self.stop_case()
        self.surgery.setCurrentIndex(self.surgery.findData(surgery.name))
        restart()
        self.status_message.emit(f"Started again as {surgery.display_name}.")

    @Slot()
    def _keep_surgery(self) -> None:
        if self._guard is not None:
            self._guard.dismissed = True

    @Slot()
    def _confirm_pending(self) -> None:
        if self._pending is not None:
            self._override(*self._pending)
            self._pending = None

    def _offer(self, update: StateUpdate, surgery: Surgery) -> None:
        """A deferred command to confirm; and the surgery that fits, when the guard says."""
        if self._pending is not None:
            cause = update.causes.get(self._pending[0])
            if cause is not None and cause.segment == update.segment and cause.source == "rule":
                self._pending = None  # a newer command for that machine
                self.pending_bar.hide()
        for machine_id, action, words in pending_commands(update, surgery)[-1:]:
            name = surgery.machines[machine_id].name
            said = f" ({words})" if words else ""
            self._pending = (machine_id, action)
            self.pending_bar.offer(
                f"Waiting: {name} {action}{said}",
                "C&onfirm",
                f"Alt+O: set {name} {action} now (recorded as set by hand); not applied until then",
            )

    def _check_surgery(self, text: str) -> None:
        if self._guard is None or not self.controller.running:
            return
        suggestion = self._guard.heard(text)
        if suggestion is None or self.guard_bar.isVisible():
            return
        self._suggested = suggestion.surgery
        here = self.current_surgery().display_name
        there = suggestion.surgery.display_name
        self.guard_bar.offer(
            f"Wrong surgery? {suggestion.commands} commands in a row named machines"
            f" {here} does not have ({', '.join(suggestion.machines)}); {there} has them.",
            f"S&witch to {there}",
            "Alt+W: start this case again as that surgery (this one stays recorded)",
        )

    @Slot()
    def _surgery_changed(self) -> None:
        if self.surgeries:
            self.grid.set_surgery(self.current_surgery())

    # --- display --------------------------------------------------------------------------

    @Slot(float, str, str)
    def _segment(self, t: float, speaker: str, text: str) -> None:
        bar = self.feed.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        self.feed.appendPlainText(f"[{clock(t)}] {speaker}: {text}")
        if at_bottom:
            bar.setValue(bar.maximum())
        self._check_surgery(text)

    @Slot(object)
    def show_state(self, update: StateUpdate) -> None:
        state = update.state
        surgery = self.surgeries.get(state["metadata"]["surgery"]) or self.current_surgery()
        names = {p.id: p.name for p in surgery.phases}
        phase = state["metadata"]["phase"]
        self.phase.setText(names.get(phase, phase))
        order = [p.id for p in surgery.phases]
        where = f"Phase {order.index(phase) + 1} of {len(order)}" if phase in order else phase
        following = state["metadata"].get("next_phase")
        self.next_phase.setText(
            f"{where}  ·  Next: {names.get(following, following)}"
            if following
            else f"{where}  ·  the last phase"
        )
        elapsed = state["metadata"].get("session_elapsed_s", 0.0)
        starts = self._phase_starts
        if not starts or starts[-1][0] != phase:
            starts.append((phase, elapsed))
        self._timeline_entries = [f"{names.get(p, p)} {clock(t)}" for p, t in starts]
        self._show_timeline()
        self.grid.show_state(update)
        for line in changes(*self._shown, update, surgery):
            self.changes.insertItem(0, line)  # newest first
        self._shown = (update.phase, dict(update.machines))
        self._offer(update, surgery)
        degraded = state["metadata"].get("reasoning") == "degraded"
        if degraded:
            self._show_mode("degraded")
        elif "llm" in state["source"] or "medgemma" in state["source"]:
            self._show_mode("model")
            self.inference_done.emit(
                "OR update", state["metadata"].get("processing_time_ms", 0.0) / 1000, 0.0, False
            )

    def _show_timeline(self) -> None:
        """The phases so far on one line: the oldest give way to the newest (all of them
        stay in the Changes tab and the tooltip)."""
        entries = self._timeline_entries
        full = "  →  ".join(entries)
        metrics = self.timeline.fontMetrics()
        shown = full
        for start in range(1, len(entries)):
            if metrics.horizontalAdvance(shown) <= self.timeline.width():
                break
            shown = "…  →  " + "  →  ".join(entries[start:])
        self.timeline.setText(shown)
        self.timeline.setToolTip(full)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.timeline and event.type() == QEvent.Type.Resize:
            self._show_timeline()
        return super().eventFilter(watched, event)

    # --- recorded cases -------------------------------------------------------------------

    @Slot()
    def reload_cases(self) -> None:
        self.cases.clear()
        for case in list_cases(self.context.db)[:50]:
            label = f"#{case.id} {case.surgery} · {case.started_at[:16].replace('T', ' ')}"
            item = QListWidgetItem(label + (f" · {case.label}" if case.label else ""))
            item.setData(256, case.id)
            self.cases.addItem(item)

    def show_last_case(self) -> None:
        """Show the newest recorded case's final state (for screenshots and reopening)."""
        cases = list_cases(self.context.db)
        if not cases:
            return
        timeline = case_timeline(self.context.db, cases[0].id)
        surgery = self.surgeries.get(cases[0].surgery)
        if surgery is None:
            return
        self.surgery.setCurrentIndex(self.surgery.findData(surgery.name))
        self.grid.set_surgery(surgery)
        self._phase_starts = []
        for entry in timeline:
            if entry.kind == "segment" and entry.is_final:
                self._segment(entry.t, entry.speaker or "", entry.text or "")
            elif entry.state is not None:
                self.show_state(recorded_update(entry.state, entry.t))

    @Slot()
    def replay_selected_case(self) -> None:
        if self.cases.currentRow() < 0:
            self.status_message.emit("Choose a recorded case to replay.")
            return
        item = self.cases.currentItem()
        case_id = int(item.data(256))
        case = get_case(self.context.db, case_id)
        self.surgery.setCurrentIndex(self.surgery.findData(case.surgery))
        self.replay_case(case_id)

    def replay_case(self, case_id: int) -> None:
        """Replay a recorded case's segments as a new case of the surgery chosen now."""
        self._starting(lambda: self.replay_case(case_id))
        self.controller.replay_lines(
            self.current_surgery(),
            case_segments(self.context.db, case_id),
            f"replay of case {case_id}",
            self.speed.value(),
            use_model=self.model_available,
        )
