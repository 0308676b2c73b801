"""The model manager's view: the GGUF files in the models folders (or any file chosen),
the chosen file's facts after a background check, the engine in use, and the Load and
Unload buttons (the dialog runs those, since loading saves the settings).

GUI thread; the check (header, size, manifest checksum, memory) runs on the inference
worker, awaited through qasync.
"""

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.engines import available_models, checksum_cache, find_model
from app.worker import InferenceWorker
from core.llm.adapter_file import AdapterReport, check_adapter_file
from core.llm.engine import Engine
from core.llm.jobs import JobContext
from core.llm.model_file import (
    ModelReport,
    check_model_file,
    human_size,
    model_facts,
)
from ui.async_jobs import JobCancelled, JobFailed, async_slot, run_job

FACTS = (
    "Name",
    "Architecture",
    "Parameters",
    "Quantization",
    "Context length",
    "File size",
    "Checksum",
    "Adapter",
    "Adapter checksum",
)
PROGRESS_WORDS = {"sha": "Verifying the checksum", "loading": "Loading the model"}


class ModelPanel(QWidget):
    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context, self.worker = context, worker
        self._checking: asyncio.Task[object] | None = None
        self.models = QListWidget()
        self.models.setAccessibleName("Models found")
        self.models.setMaximumHeight(110)
        self.none_found = QLabel()
        self.none_found.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setAccessibleName("Model file")
        self.path.setPlaceholderText("A .gguf file")
        self.browse_button = QPushButton("Other &file…")
        self.adapter = QLineEdit()
        self.adapter.setAccessibleName("Adapter file")
        self.adapter.setPlaceholderText("No adapter (a fine-tuned .gguf from auralis lab export)")
        self.adapter_button = QPushButton("Ada&pter…")
        self.adapter_button.setToolTip("Load a LoRA adapter from the model lab on top of the model")
        self.check_button = QPushButton("&Check")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Model check progress")
        self.progress.hide()
        self.stage = QLabel()
        self.facts = {name: QLabel("–") for name in FACTS}
        self.problem = QLabel()
        self.problem.setObjectName("modelProblem")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Model problem")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.in_use = QLabel()
        self.in_use.setWordWrap(True)
        self.in_use.setAccessibleName("Engine in use")
        self.load_button = QPushButton("&Load this model")
        self.unload_button = QPushButton("&Unload model")
        self.unload_button.setToolTip("Free the model's memory; rule-based drafts meanwhile")

        chosen = QHBoxLayout()
        model_label = QLabel("Model:")
        model_label.setBuddy(self.path)
        chosen.addWidget(model_label)
        chosen.addWidget(self.path, 1)
        chosen.addWidget(self.browse_button)
        chosen.addWidget(self.check_button)
        adapter_row = QHBoxLayout()
        adapter_label = QLabel("Adapter:")
        adapter_label.setBuddy(self.adapter)
        width = max(model_label.sizeHint().width(), adapter_label.sizeHint().width())
        model_label.setMinimumWidth(width)
        adapter_label.setMinimumWidth(width)
        adapter_row.addWidget(adapter_label)
        adapter_row.addWidget(self.adapter, 1)
        adapter_row.addWidget(self.adapter_button)
        facts_box = QGroupBox("Chosen model")
        facts_form = QFormLayout(facts_box)
        for name, label in self.facts.items():
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            facts_form.addRow(name + ":", label)
        actions = QHBoxLayout()
        actions.addWidget(self.in_use, 1)
        actions.addWidget(self.load_button)
        actions.addWidget(self.unload_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Models found:"))
        layout.addWidget(self.models)
        layout.addWidget(self.none_found)
        layout.addLayout(chosen)
        layout.addLayout(adapter_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        layout.addWidget(self.problem)
        layout.addWidget(facts_box)
        layout.addLayout(actions)
        layout.addStretch(1)

        self.models.currentItemChanged.connect(self._picked)
        self.browse_button.clicked.connect(self._browse)
        self.adapter_button.clicked.connect(self._browse_adapter)
        self.check_button.clicked.connect(self.check)
        worker.engine_changed.connect(self._engine_changed)
        self.show_in_use(worker.description, worker.degraded)
        self.refresh()

    def refresh(self) -> None:
        """List the models folders' files and show the model the settings point to."""
        paths = self.context.paths
        self.models.blockSignals(True)
        self.models.clear()
        for model in available_models(paths):
            where = (
                "installed with Auralis"
                if model.path.parent == paths.bundled_models_dir
                else ("your models folder")
            )
            listed = ", in the manifest" if model.in_manifest else ""
            item = QListWidgetItem(
                f"{model.path.name} — {human_size(model.size)} ({where}{listed})"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(model.path))
            self.models.addItem(item)
        self.models.blockSignals(False)
        found = self.models.count() > 0
        self.models.setVisible(found)
        self.none_found.setVisible(not found)
        self.none_found.setText(
            f"No model files in {paths.bundled_models_dir} or {paths.models_dir}. Copy a "
            ".gguf file into one of them, or choose one anywhere with Other file."
        )
        inference = self.context.loaded.settings.inference
        current = find_model(paths, inference)
        self.path.setText(str(current) if current else "")
        self.adapter.setText(str(inference.adapter_path) if inference.adapter_path else "")

    def chosen_path(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text).expanduser() if text else None

    def chosen_adapter(self) -> Path | None:
        text = self.adapter.text().strip()
        return Path(text).expanduser() if text else None

    def show_in_use(self, description: str, degraded: bool) -> None:
        self.in_use.setText(f"In use: {description}")
        self.unload_button.setEnabled(not degraded)

    def show_progress(self, stage: str, fraction: float) -> None:
        self.progress.show()
        if fraction < 0:
            self.progress.setRange(0, 0)  # busy indicator: no fraction known
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))
        self.stage.setText(PROGRESS_WORDS.get(stage, stage.capitalize()) + "…")

    def end_progress(self) -> None:
        self.progress.hide()
        self.stage.clear()

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))

    def show_report(self, report: ModelReport | None, adapter: AdapterReport | None = None) -> None:
        facts = model_facts(report) if report is not None else {}
        if report is not None:
            facts["Adapter"] = adapter.name if adapter else "none"
            facts["Adapter checksum"] = f"sha256 {adapter.sha256}" if adapter else "–"
        for name, label in self.facts.items():
            label.setText(facts.get(name, "–"))

    async def checked_report(self) -> ModelReport | None:
        """Check the chosen file on the worker; show and return its report, or show why
        it cannot be used and return None."""
        path = self.chosen_path()
        self.show_report(None)
        if path is None:
            self.show_problem("Choose a model file first.")
            return None
        n_ctx = self.context.loaded.settings.inference.n_ctx
        cache = checksum_cache(self.context.paths)
        adapter = self.chosen_adapter()

        def run(_engine: Engine, ctx: JobContext) -> tuple[ModelReport, AdapterReport | None]:
            report = check_model_file(
                path, n_ctx=n_ctx, checksums=cache, progress=lambda f: ctx.emit_progress("sha", f)
            )
            return report, check_adapter_file(adapter, report.header) if adapter else None

        # A newer check replaces one still running (a click on another model).
        if self._checking is not None and not self._checking.done():
            self._checking.cancel()
        self._checking = mine = asyncio.current_task()
        self.show_problem(None)
        self.stage.setText("Checking the file…")
        try:
            checked: tuple[ModelReport, AdapterReport | None] = await run_job(
                self.worker, "model_check", run, on_progress=self.show_progress
            )
        except (JobFailed, JobCancelled) as exc:
            self.show_problem(str(exc) if isinstance(exc, JobFailed) else "The check stopped.")
            return None
        finally:
            if self._checking is mine:
                self.end_progress()
        report, adapter_report = checked
        self.show_report(report, adapter_report)
        return report

    @async_slot
    async def check(self) -> None:
        await self.checked_report()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.path.setText(str(item.data(Qt.ItemDataRole.UserRole)))
            self.check()

    @Slot()
    def _browse(self) -> None:
        start = str(self.context.paths.models_dir)
        path, _ = QFileDialog.getOpenFileName(self, "Choose a model", start, "GGUF (*.gguf)")
        if path:
            self.path.setText(path)
            self.check()

    @Slot()
    def _browse_adapter(self) -> None:
        start = str(self.context.paths.models_dir)
        path, _ = QFileDialog.getOpenFileName(self, "Choose an adapter", start, "GGUF (*.gguf)")
        if path:
            self.adapter.setText(path)
            self.check()

    @Slot(str, bool, list)
    def _engine_changed(self, description: str, degraded: bool, _problems: list[str]) -> None:
        self.show_in_use(description, degraded)
