"""Settings and the model: choose a GGUF file, check it in the background (header,
size, manifest checksum, memory) and show what it is; inference settings with their
allowed ranges; the engine choice; a remote server with Test connection; the data
folder and Back up now. Apply saves the settings and loads the engine on the worker.

GUI thread; file checks and connection tests run on the inference worker as jobs.
"""

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.engines import find_model, remote_engine
from app.settings import save_settings
from app.worker import InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext
from core.llm.model_file import ChecksumCache, ModelReport, check_model_file, human_size
from core.store.backup import backup_database
from core.store.errors import StoreError


def describe_report(report: ModelReport) -> str:
    meta = report.header.metadata
    arch = str(meta.get("general.architecture", "unknown"))
    name = str(meta.get("general.name", report.path.stem))
    context = meta.get(f"{arch}.context_length", "?")
    quant = meta.get("general.file_type", "?")
    return (
        f"{name}: {arch}, context {context} tokens, file type {quant}, "
        f"{human_size(report.size)}, checksum {report.checksum}."
    )


class SettingsDialog(QDialog):
    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings and model")
        self.context, self.worker = context, worker
        self._job: str | None = None
        inference = context.loaded.settings.inference
        self.model_path = QLineEdit(str(find_model(context.paths, inference) or ""))
        self.model_path.setAccessibleName("Model file")
        self.browse = QPushButton("Choose…")
        self.check_button = QPushButton("&Check model")
        self.model_info = QLabel("Not checked yet.")
        self.model_info.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.engine = QComboBox()
        for value, label in (
            ("auto", "Automatic (model, else server, else rules)"),
            ("local", "Local model"),
            ("remote", "Remote server"),
            ("rules", "Rules only (no model)"),
        ):
            self.engine.addItem(label, value)
        self.engine.setCurrentIndex(self.engine.findData(inference.engine))
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.model_path, 1)
        row.addWidget(self.browse)
        row.addWidget(self.check_button)
        form.addRow("Model file:", row)
        form.addRow("", self.model_info)
        form.addRow("", self.progress)
        form.addRow("Engine:", self.engine)
        for name, label in (
            ("n_threads", "CPU threads"),
            ("n_gpu_layers", "GPU layers (-1 = all)"),
            ("n_ctx", "Context (tokens)"),
            ("max_tokens", "Max answer tokens"),
            ("temperature_structured", "Temperature (structured)"),
            ("timeout_s", "Timeout (seconds)"),
        ):
            form.addRow(label + ":", self._field(name, getattr(inference, name)))
        self.remote_url = QLineEdit(inference.remote_url or "")
        self.remote_url.setPlaceholderText("http://10.0.0.5:8080 (your own network only)")
        self.remote_url.setAccessibleName("Remote server address")
        self.test_button = QPushButton("&Test connection")
        remote_row = QHBoxLayout()
        remote_row.addWidget(self.remote_url, 1)
        remote_row.addWidget(self.test_button)
        form.addRow("Remote server:", remote_row)
        self.data_label = QLabel(str(context.paths.data_dir))
        self.backup_button = QPushButton("&Back up now")
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_label, 1)
        data_row.addWidget(self.backup_button)
        form.addRow("Data folder:", data_row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Settings message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.browse.clicked.connect(self._browse)
        self.check_button.clicked.connect(self.check_model)
        self.test_button.clicked.connect(self.test_connection)
        self.backup_button.clicked.connect(self.back_up)
        self.apply_button.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        worker.progress.connect(self._progress)
        worker.job_finished.connect(self._finished)
        worker.failed.connect(self._failed)

    def _field(self, name: str, value: Any) -> QWidget:
        info = type(self.context.loaded.settings.inference).model_fields[name]
        bounds = {type(m).__name__: m for m in info.metadata}
        box: QSpinBox | QDoubleSpinBox = (
            QDoubleSpinBox() if isinstance(value, float) else QSpinBox()
        )
        low = getattr(bounds.get("Ge"), "ge", getattr(bounds.get("Gt"), "gt", 0))
        high = getattr(bounds.get("Le"), "le", 10**6)
        box.setRange(low, high)
        box.setValue(value)
        box.setAccessibleName(name)
        self.fields[name] = box
        return box

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a model", "", "GGUF models (*.gguf)")
        if path:
            self.model_path.setText(path)
            self.check_model()

    @Slot()
    def check_model(self) -> None:
        """Check the chosen file on the worker (hashing a large file takes a while)."""
        path = Path(self.model_path.text().strip()).expanduser()
        n_ctx = int(self.fields["n_ctx"].value())
        cache = ChecksumCache(self.context.paths.cache_dir / "model-checksums.json")

        def run(_engine: Engine, ctx: JobContext) -> ModelReport:
            return check_model_file(
                path, n_ctx=n_ctx, checksums=cache, progress=lambda f: ctx.emit_progress("sha", f)
            )

        self.model_info.setText("Checking…")
        self.progress.setValue(0)
        self.progress.show()
        self._job = self.worker.submit("model_check", run)

    @Slot()
    def test_connection(self) -> None:
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
        self._job = self.worker.submit("remote_health", run)

    @Slot()
    def back_up(self) -> None:
        keep = self.context.loaded.settings.backup.keep
        try:
            path = backup_database(self.context.db, self.context.paths.backup_dir, keep=keep)
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Backed up to {path}.")

    def new_settings(self) -> Any:
        """The settings with this dialog's values, validated (raises ValidationError)."""
        current = self.context.loaded.settings
        values = current.inference.model_dump()
        values.update({name: box.value() for name, box in self.fields.items()})
        model = self.model_path.text().strip()
        values["model_path"] = Path(model) if model else None
        values["remote_url"] = self.remote_url.text().strip() or None
        values["engine"] = self.engine.currentData()
        inference = type(current.inference).model_validate(values)
        return current.model_copy(update={"inference": inference})

    @Slot()
    def apply(self) -> None:
        try:
            settings = self.new_settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            self.message.setText(f"{where}: {first['msg']}. Nothing was saved.")
            return
        try:
            save_settings(self.context.loaded, settings)
        except (OSError, PermissionError) as exc:
            self.message.setText(f"The settings could not be saved: {exc}")
            return
        self.worker.load_engine(settings.inference)
        self.message.setText("Saved. Loading the engine in the background…")

    @Slot(str, str, float)
    def _progress(self, job_id: str, _stage: str, fraction: float) -> None:
        if job_id == self._job and fraction >= 0:
            self.progress.setValue(int(fraction * 100))

    @Slot(str, object)
    def _finished(self, job_id: str, value: object) -> None:
        if job_id != self._job:
            return
        self._job = None
        self.progress.hide()
        if isinstance(value, ModelReport):
            self.model_info.setText(describe_report(value))
        elif isinstance(value, dict):
            if value.get("ok"):
                models = ", ".join(value.get("models", [])) or "no models listed"
                self.message.setText(
                    f"Connected in {value.get('latency_ms', 0):.0f} ms; models: {models}."
                )
            else:
                self.message.setText(str(value.get("message") or "The server did not answer."))

    @Slot(str, str)
    def _failed(self, job_id: str, message: str) -> None:
        if job_id == self._job:
            self._job = None
            self.progress.hide()
            self.model_info.setText(message)
