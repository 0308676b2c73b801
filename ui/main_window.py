"""The one window: navigation between the Sessions and Operating-room workspaces, menus,
a status bar that says which engine answers (and when the database is unencrypted), and
the lock (Ctrl+L, or after the configured idle time) that hides everything of the record.

Threading: everything here runs on the GUI thread. The inference worker is started by
``start_engine`` and shut down (running work cancelled, thread joined) when the window
closes.
"""

import gc
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSettings, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app import __version__
from app.context import AppContext
from app.demo import create_demo_data, is_empty
from app.engines import NO_MODEL_FOUND
from app.settings import Settings, UiSettings, field_bounds
from app.startup import unlock_attempts
from app.usecases.audit_trail import record_window_event
from app.usecases.database import restore_in_place
from app.usecases.errors import StoreError
from app.usecases.settings_change import save_changed_settings
from app.worker import InferenceWorker
from core.llm.rules import RULE_ENGINE_LABEL
from ui.background import run_in_background
from ui.dialogs import ask_yes_no, tell
from ui.engine_badge import engine_badge, last_run, run_badge
from ui.lock_screen import IdleWatcher, LockScreen
from ui.orroom.workspace import OperatingRoomWorkspace
from ui.sessions.workspace import SessionsWorkspace
from ui.settings.dialog import SettingsDialog
from ui.shortcut_tips import show_keys_in_tooltips
from ui.theme import zoom

SAFETY_NOTICE = (
    "Auralis drafts clinical documentation and shows operating-room state for review by "
    "qualified staff. It is a drafting aid, not clinical advice: check every note before "
    "it enters a record, and the room itself before acting on the display."
)
WORKSPACES = ("sessions", "or")
ZOOM_STEP = 10  # percent of the system's text size per Ctrl++ or Ctrl+-
NAV_MIN_WIDTH = 1200  # narrower: the workspace list is hidden
UNENCRYPTED_TIP = (
    "The database is not encrypted: anyone who copies its file can read the records. "
    "Restart Auralis to be offered encryption, or run `auralis db encrypt`."
)
NO_LOCK = (
    "The window cannot be locked: the database has no passphrase (it is not encrypted). "
    "Encrypt it to use the lock."
)


def freeze_heap(*, collect: bool = False) -> None:
    """Exempt the objects alive now (modules, widgets, a loaded model's) from later
    garbage collections, so a full collection scans only what the session made since.
    Without it, a full collection stalled the window for 70-86 ms while the model ran
    (bench/gui.py). Called once the window is up and after each engine load."""
    if collect:
        gc.collect()
    gc.freeze()


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, *, first_run_prompt: bool = True) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("Auralis")
        self.setMinimumSize(800, 560)  # the operating room fits 1024×600
        self.worker = InferenceWorker(context.paths)
        self.worker.engine_changed.connect(self._engine_changed)
        self.worker.progress.connect(self._load_progress)
        self._load_job = ""
        self._announce_engine_problems = False  # set by start_engine: told once, at start-up
        self._engine_problem_box: QMessageBox | None = None
        self._zoom = 0  # the text size in effect, percent of the system's (ui.zoom)

        self.nav = QListWidget()
        self.nav.setAccessibleName("Workspaces")
        self.nav.addItems(["Sessions", "Operating room"])
        self.nav.setFixedWidth(140)
        self.sessions = SessionsWorkspace(context, self.worker, self)
        self.operating_room = OperatingRoomWorkspace(context, self.worker, self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.sessions)
        self.stack.addWidget(self.operating_room)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(lambda _row: self._fit_nav())
        content = QWidget()
        layout = QHBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.lock_screen = LockScreen(
            lambda: self.context.key_choice, unlock_attempts(context.paths)
        )
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.failed.connect(self._unlock_failed)
        self.pages = QStackedWidget()
        self.pages.addWidget(content)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)

        self.engine_label = QLabel(f"Engine: {RULE_ENGINE_LABEL} (starting)")
        self.engine_label.setAccessibleName("Engine in use")
        self.last_run_label = QLabel("")
        self.degraded_badge = QLabel()  # shown once the engine says what it is
        self.degraded_badge.setObjectName("degradedBadge")
        self.degraded_badge.setAccessibleName("Degraded")
        self.unencrypted_badge = QLabel("Unencrypted")
        self.unencrypted_badge.setObjectName("unencryptedBadge")
        self.unencrypted_badge.setAccessibleName("Database not encrypted")
        self.unencrypted_badge.setToolTip(UNENCRYPTED_TIP)
        self.unencrypted_badge.setVisible(not context.key_choice.encrypted)
        self.statusBar().addPermanentWidget(self.unencrypted_badge)
        self.statusBar().addPermanentWidget(self.last_run_label)
        self.statusBar().addPermanentWidget(self.degraded_badge)
        self.degraded_badge.setVisible(False)
        self.statusBar().addPermanentWidget(self.engine_label)
        self.sessions.inference_done.connect(self.show_inference)
        self.operating_room.inference_done.connect(self.show_inference)
        self.sessions.status_message.connect(self.show_message)
        self.operating_room.status_message.connect(self.show_message)

        self._build_menus()
        show_keys_in_tooltips(self)
        self.idle = IdleWatcher(0.0, self)
        self.idle.idle.connect(self._idle)
        self.apply_settings(context.loaded.settings)
        self._settings = QSettings(
            str(context.paths.config_dir / "window.ini"), QSettings.Format.IniFormat
        )
        self._restore_layout()
        for problem in context.problems:
            self.show_message(problem)
        if first_run_prompt and is_empty(context.db):
            self._offer_demo_data()

    # --- menus ----------------------------------------------------------------------------

    def _action(
        self,
        menu_name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        menu = self._menus[menu_name]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({keys})" if keys else text)
        action.triggered.connect(slot)
        menu.addAction(action)
        self._actions.append(action)
        return action

    def _build_menus(self) -> None:
        self._actions: list[QAction] = []
        bar = self.menuBar()
        self._menus = {
            name: bar.addMenu(title)
            for name, title in (
                ("file", "&File"),
                ("view", "&View"),
                ("tools", "&Tools"),
                ("help", "&Help"),
            )
        }
        self._action(
            "file", "&Import transcript…", self.sessions.import_transcript, QKeySequence("Ctrl+I")
        )
        self._action("file", "&Export note…", self.sessions.export_note, QKeySequence("Ctrl+E"))
        self._action(
            "file", "Save the session's &recording…", self.sessions.save_recording, "Ctrl+Shift+R"
        )
        self._action("file", "&New patient…", self.focus_new_patient, QKeySequence("Ctrl+N"))
        self._action("file", "&Find patients and notes…", self.focus_search, QKeySequence("Ctrl+F"))
        self._menus["file"].addSeparator()
        self._action("file", "&Lock", self.lock, QKeySequence("Ctrl+L"))
        self._quit = self._action("file", "&Quit", self.close, QKeySequence("Ctrl+Q"))
        self._action("view", "&Sessions", lambda: self.show_workspace("sessions"), "Ctrl+1")
        self._action("view", "&Operating room", lambda: self.show_workspace("or"), "Ctrl+2")
        self._action("view", "&Full screen", self.toggle_full_screen, "F11")
        self._menus["view"].addSeparator()
        larger = self._action(
            "view", "&Larger text", lambda: self.zoom_text(1), QKeySequence.StandardKey.ZoomIn
        )
        larger.setShortcuts([larger.shortcut(), QKeySequence("Ctrl+=")])  # "+" without Shift
        self._action(
            "view", "S&maller text", lambda: self.zoom_text(-1), QKeySequence.StandardKey.ZoomOut
        )
        self._action("view", "&Normal text size", lambda: self.zoom_text(0), "Ctrl+0")
        self._action("tools", "&Settings and model…", self.open_settings, "Ctrl+,")
        self._action("help", "&About Auralis", self.show_about, QKeySequence("F1"))

    # --- workspaces, zoom, about ----------------------------------------------------------

    def show_workspace(self, name: str) -> None:
        self.nav.setCurrentRow(WORKSPACES.index(name))

    def focus_new_patient(self) -> None:
        """Ctrl+N: the new patient's name field, in the Sessions workspace."""
        self.show_workspace("sessions")
        self.sessions.patients.new_name.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: the search over patients, transcripts and notes."""
        self.show_workspace("sessions")
        self.sessions.patients.search.setFocus()
        self.sessions.patients.search.selectAll()

    def current_workspace(self) -> str:
        return WORKSPACES[max(self.nav.currentRow(), 0)]

    def toggle_full_screen(self) -> None:
        """F11: the whole screen (F11 again: back to a window)."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def _fit_nav(self) -> None:
        """A workspace takes the whole width on a small screen, and the operating room on a
        full screen; the workspaces stay in the View menu (Ctrl+1, Ctrl+2)."""
        room = self.current_workspace() == "or"
        self.nav.setVisible(not ((room and self.isFullScreen()) or self.width() < NAV_MIN_WIDTH))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._fit_nav()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_nav()

    def zoom_text(self, steps: int) -> None:
        """Ctrl++ / Ctrl+- (10 % each) and Ctrl+0 (the system's size): the text of the
        whole window, kept in the settings (``ui.zoom``) for the next start."""
        bounds = field_bounds(UiSettings.model_fields["zoom"])
        percent = 100 if steps == 0 else self._zoom + ZOOM_STEP * steps
        percent = max(int(bounds.low), min(int(bounds.high), percent))
        self._set_zoom(percent)
        loaded = self.context.loaded
        settings = loaded.settings.model_copy(update={"ui": UiSettings(zoom=percent)})
        try:
            save_changed_settings(self.context.db, loaded, settings)
        except OSError as exc:  # PermissionError too: a settings file from a newer Auralis
            self.show_message(f"Text size {percent} %, for now: it could not be kept ({exc}).")
            return
        except StoreError as exc:  # kept, but the audit trail could not say so
            self.show_message(str(exc))
            return
        self.show_message(f"Text size {percent} %")

    def _set_zoom(self, percent: int) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and percent != self._zoom:
            zoom(app, percent)
        self._zoom = percent

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Auralis",
            f"<b>Auralis {__version__}</b><p>Offline clinical notes and operating-room "
            f"state, with a local language model. Nothing leaves this computer unless you "
            f"set up a server on your own network.</p><p><b>Safety:</b> {SAFETY_NOTICE}</p>",
        )

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.context, self.worker, self.restore_database, self)
        dialog.saved.connect(self.apply_settings)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        """Take up settings that act on the window at once (the lock's idle time, the
        text size)."""
        can_lock = self.context.key_choice.can_unlock
        self.idle.set_minutes(settings.security.lock_after_minutes if can_lock else 0.0)
        self._set_zoom(settings.ui.zoom)

    # --- the lock -------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    @Slot()
    def lock(self) -> bool:
        """Hide everything of the record until the passphrase is typed: the editor's text
        is saved first, open dialogs are closed, menus are off. Work in progress (a draft,
        a running case) goes on. False when there is no passphrase to unlock with."""
        if self.locked:
            return True
        if not self.context.key_choice.can_unlock:
            self.show_message(NO_LOCK)
            return False
        self.sessions.view.flush()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self.pages.setCurrentWidget(self.lock_screen)
        for action in self._actions:
            action.setEnabled(action is self._quit)
        self.statusBar().clearMessage()
        self.setWindowTitle("Auralis — locked")
        self.lock_screen.start()
        self._record("lock")
        return True

    @Slot()
    def unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        for action in self._actions:
            action.setEnabled(True)
        self.setWindowTitle("Auralis")
        self.idle.reset()
        self._record("unlock")

    @Slot(int)
    def _unlock_failed(self, failures: int) -> None:
        self._record("unlock_failed", failures=failures)

    def _record(self, action: str, *, failures: int | None = None) -> None:
        try:
            record_window_event(self.context.db, action, failures=failures)
        except StoreError as exc:  # the lock works even when the trail cannot be written
            self.show_message(str(exc))

    @Slot()
    def _idle(self) -> None:
        security = self.context.loaded.settings.security
        if security.lock_exempts_or_display and self.current_workspace() == "or":
            return  # the user chose to keep the operating-room display visible
        self.lock()

    async def restore_database(self, backup: Path) -> str:
        """Put a backup's contents in the open store and show them; returns what was done.
        Refused (``StoreError``) while a draft or a case is writing to the store; a
        replay that has played to its end is ended first, as Stop would end it. The
        restore runs off the GUI thread; the window's connection is closed meanwhile."""
        if self.sessions.job.busy:
            raise StoreError("A note is being drafted: wait for it or cancel it, then restore.")
        room = self.operating_room
        if room.controller.running and not room.controller.finished:
            raise StoreError("A case is running: stop it, then restore.")
        if room.controller.running:
            room.stop_case()  # recorded as ended before the copy of what is replaced
        self.sessions.flush()  # unsaved edits go into the copy made before the restore
        context = self.context
        paths, key, keep = context.paths, context.key, context.loaded.settings.backup.keep
        context.suspend_store()
        try:
            safety = await run_in_background(
                self,
                "Restoring the backup",
                lambda progress: restore_in_place(paths, key, backup, keep=keep, progress=progress),
            )
        finally:
            context.resume_store()
        self.sessions.reset()
        self.operating_room.reload_cases()
        message = f"Restored the backup. What was there before is kept as backup {safety.name}."
        self.show_message(message)
        return message

    # --- engine status --------------------------------------------------------------------

    def start_engine(self) -> None:
        """Start the worker and build the configured engine on it (window already usable)."""
        if not self.worker.isRunning():
            self.worker.start()
        self._load_job = self.worker.load_engine(self.context.loaded.settings.inference)
        self._announce_engine_problems = True

    @Slot(str, str, float)
    def _load_progress(self, job_id: str, _stage: str, fraction: float) -> None:
        if job_id == self._load_job:
            done = f" {fraction:.0%}" if fraction >= 0 else ""
            self.engine_label.setText(f"Engine: loading the model…{done} (rules answer meanwhile)")

    @Slot(str, bool, list)
    def _engine_changed(self, description: str, degraded: bool, problems: list[str]) -> None:
        freeze_heap()
        self._load_job = ""
        self.engine_label.setText(f"Engine: {description}")
        self.degraded_badge.setText(engine_badge(degraded, problems))
        self.degraded_badge.setVisible(degraded)
        self.sessions.set_engine_description(description, degraded)
        self.operating_room.set_engine_description(description, degraded)
        self.degraded_badge.setToolTip("\n\n".join(problems))
        if problems:
            self.show_message(problems[-1])
        announce, self._announce_engine_problems = self._announce_engine_problems, False
        unexpected = [problem for problem in problems if not problem.startswith(NO_MODEL_FOUND)]
        if announce and unexpected:  # an installed model or a configured server is unusable
            self._engine_problem_box = tell(
                self,
                "engineProblem",
                "The language model is not in use",
                "Auralis started without its language model: notes and operating-room "
                "states come from the built-in rules until this is fixed.",
                "\n\n".join(unexpected),
            )

    @Slot(str, float, float, bool)
    def show_inference(
        self, what: str, seconds: float, tokens_per_s: float, degraded: bool
    ) -> None:
        self.last_run_label.setText(last_run(what, seconds, tokens_per_s))
        badge = run_badge(not self.worker.degraded, degraded)
        if badge is not None:  # None: no model configured, the engine's badge stays
            self.degraded_badge.setText(badge)
            self.degraded_badge.setVisible(bool(badge))

    @Slot(str)
    def show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    # --- first run ------------------------------------------------------------------------

    def _offer_demo_data(self) -> None:
        self._demo_box = ask_yes_no(
            self,
            "demoOffer",
            "Welcome to Auralis",
            "There are no patients yet. Create demo data to look around?\n\n"
            "Two fictitious patients with sessions and a recorded PCNL case, all clearly "
            "labelled DEMO. You can archive them later.",
            self._demo_answer,
        )

    @Slot(int)
    def _demo_answer(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            create_demo_data(self.context.db)
            self.sessions.reload()
            self.operating_room.reload_cases()
            self.show_message("Demo data created: fictitious patients, labelled DEMO.")

    def show_demo_selection(self) -> None:
        """Select the first demo patient and session (for screenshots)."""
        self.sessions.select_first()
        self.operating_room.show_last_case()

    # --- geometry and closing -------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self._settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        workspace = self._settings.value("workspace", "sessions")
        self.show_workspace(workspace if workspace in WORKSPACES else "sessions")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.stop()
        self.sessions.flush()
        self.operating_room.stop_case()
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("workspace", self.current_workspace())
        self._settings.sync()
        self.worker.shutdown()
        super().closeEvent(event)
