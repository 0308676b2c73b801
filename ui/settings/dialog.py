"""Settings and the model manager, in four tabs: Model (the models found, the chosen
file's facts, load and unload), Inference (engine choice, numbers within the settings'
allowed ranges, a remote server with Test connection), Data (folder, backups, restore)
and Security (encryption, Change passphrase, the lock). Apply saves the settings (the
names of those changed go into the audit trail) and loads the engine they ask for.

GUI thread; checks, loads and connection tests run on the inference worker and are
awaited through qasync, so each flow reads top to bottom.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.engines import EngineChoice, remote_engine
from app.settings import InferenceSettings, Settings, field_bounds
from app.usecases.errors import StoreError
from app.usecases.settings_change import save_changed_settings
from app.worker import LOAD_JOB, InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext
from ui.async_jobs import JobCancelled, JobFailed, async_slot, run_job
from ui.settings.data_panel import DataPanel
from ui.settings.model_panel import ModelPanel
from ui.settings.security_panel import SecurityPanel

ENGINES = (
    ("auto", "Automatic (model, else server, else rules)"),
    ("local", "Local model"),
    ("remote", "Remote server"),
    ("rules", "Rules only (no model)"),
)
NUMBERS = (
    ("n_threads", "CPU threads"),
    ("n_gpu_layers", "GPU layers (-1 = all)"),
    ("n_ctx", "Context (tokens)"),
    ("max_tokens", "Max answer tokens"),
    ("temperature_structured", "Temperature (structured)"),
    ("timeout_s", "Timeout (seconds)"),
)


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new Settings, once written

    def __init__(
        self,
        context: AppContext,
        worker: InferenceWorker,
        restore: Callable[[Path], Awaitable[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings and model")
        self.setObjectName("settingsDialog")
        self.context, self.worker = context, worker
        inference = context.loaded.settings.inference
        self.model = ModelPanel(context, worker)
        self.data = DataPanel(context, restore)
        self.security = SecurityPanel(context)
        self.engine = QComboBox()
        self.engine.setAccessibleName("Engine")
        for value, label in ENGINES:
            self.engine.addItem(label, value)
        self.engine.setCurrentIndex(self.engine.findData(inference.engine))
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        form = QFormLayout()
        form.addRow("&Engine:", self.engine)
        for name, label in NUMBERS:
            form.addRow(label + ":", self._field(name, getattr(inference, name)))
        self.remote_url = QLineEdit(inference.remote_url or "")
        self.remote_url.setPlaceholderText("http://10.0.0.5:8080 (your own network only)")
        self.remote_url.setAccessibleName("Remote server address")
        self.test_button = QPushButton("&Test connection")
        remote_row = QHBoxLayout()
        remote_row.addWidget(self.remote_url, 1)
        remote_row.addWidget(self.test_button)
        form.addRow("Remote server:", remote_row)
        inference_page = QWidget()
        QVBoxLayout(inference_page).addLayout(form)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.model, "&Model")
        self.tabs.addTab(inference_page, "&Inference")
        self.tabs.addTab(self.data, "&Data")
        self.tabs.addTab(self.security, "&Security")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Settings message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setToolTip("Save the settings and load the engine they ask for")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, 560)

        self.test_button.clicked.connect(self.test_connection)
        self.apply_button.clicked.connect(self.apply)
        self.model.load_button.clicked.connect(self.load_chosen_model)
        self.model.unload_button.clicked.connect(self.unload_model)
        buttons.rejected.connect(self.reject)

    def _field(self, name: str, value: Any) -> QWidget:
        limits = field_bounds(InferenceSettings.model_fields[name])
        box: QSpinBox | QDoubleSpinBox = (
            QDoubleSpinBox() if isinstance(value, float) else QSpinBox()
        )
        box.setRange(
            0 if limits.low is None else limits.low,
            10**6 if limits.high is None else limits.high,
        )
        box.setValue(value)
        box.setAccessibleName(name)
        self.fields[name] = box
        return box

    def new_settings(self) -> Settings:
        """The settings with this dialog's values, validated (raises ValidationError)."""
        current = self.context.loaded.settings
        values = current.inference.model_dump()
        values.update({name: box.value() for name, box in self.fields.items()})
        values["model_path"] = self.model.chosen_path()
        values["adapter_path"] = self.model.chosen_adapter()
        values["remote_url"] = self.remote_url.text().strip() or None
        values["engine"] = self.engine.currentData()
        inference = InferenceSettings.model_validate(values)
        return current.model_copy(
            update={
                "inference": inference,
                "security": self.security.values(),
                "speech": self.security.speech_values(),
            }
        )

    def _saved_settings(self) -> Settings | None:
        """Validate and save this dialog's settings; say why not and return None."""
        try:
            settings = self.new_settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            self.message.setText(f"{where}: {first['msg']}. Nothing was saved.")
            return None
        try:
            save_changed_settings(self.context.db, self.context.loaded, settings)
        except OSError as exc:  # PermissionError too: a file from a newer Auralis
            self.message.setText(f"The settings could not be saved: {exc}")
            return None
        except StoreError as exc:  # saved, but the audit entry was not
            self.message.setText(str(exc))
        self.saved.emit(settings)
        return settings

    async def _load(self, inference: InferenceSettings) -> EngineChoice | None:
        """Build the engine ``inference`` asks for on the worker; say what answers now."""
        self.model.load_button.setEnabled(False)
        try:
            choice: EngineChoice = await run_job(
                self.worker,
                LOAD_JOB,
                self.worker.load_job(inference),
                on_progress=self.model.show_progress,
            )
        except (JobFailed, JobCancelled) as exc:
            self.message.setText(f"The engine was not changed: {exc}")
            return None
        finally:
            self.model.load_button.setEnabled(True)
            self.model.end_progress()
        self.model.show_problem("\n".join(choice.problems) or None)
        self.message.setText(f"Now answering: {choice.description}.")
        return choice

    @async_slot
    async def apply(self) -> None:
        settings = self._saved_settings()
        if settings is None:
            return
        self.message.setText("Saved. Loading the engine…")
        await self._load(settings.inference)

    @async_slot
    async def load_chosen_model(self) -> None:
        """Check the chosen file, then make it the model: saved, and loaded now."""
        if await self.model.checked_report() is None:
            self.message.setText("That file cannot be used; the model in use is unchanged.")
            return
        if self.engine.currentData() in ("remote", "rules"):
            self.engine.setCurrentIndex(self.engine.findData("auto"))
        await self.apply()

    @async_slot
    async def unload_model(self) -> None:
        """Free the model's memory until the next start or load; the settings stay."""
        rules = self.context.loaded.settings.inference.model_copy(update={"engine": "rules"})
        if await self._load(rules) is not None:
            self.message.setText(
                "The model was unloaded: drafts are rule-based until you load a model. "
                "Auralis loads the configured model again at its next start; choose "
                "'Rules only' and Apply to keep it off."
            )

    @async_slot
    async def test_connection(self) -> None:
        url = self.remote_url.text().strip()
        if not url:
            self.message.setText("Enter the server's address first.")
            return
        inference = self.context.loaded.settings.inference

        def run(_engine: Engine, _ctx: JobContext) -> dict[str, Any]:
            client = remote_engine(inference, url)
            try:
                return client.health()
            finally:
                client.close()

        self.message.setText("Testing the connection…")
        self.test_button.setEnabled(False)
        try:
            health: dict[str, Any] = await run_job(self.worker, "remote_health", run)
        except (JobFailed, JobCancelled) as exc:
            self.message.setText(f"The test did not run: {exc}")
            return
        finally:
            self.test_button.setEnabled(True)
        if health.get("ok"):
            models = ", ".join(health.get("models", [])) or "no models listed"
            self.message.setText(
                f"Connected in {health.get('latency_ms', 0):.0f} ms; models: {models}."
            )
        else:
            self.message.setText(str(health.get("message") or "The server did not answer."))
