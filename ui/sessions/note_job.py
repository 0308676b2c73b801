"""One note (or patient summary) being drafted on the inference worker, seen from the GUI.

Threading: ``start`` prepares on the GUI thread (store), the draft runs on the worker
thread (engine only), and ``job_finished`` arrives back on the GUI thread, where the
draft is saved. Signals of any other job id are ignored (a stale or unrelated job).
"""

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from sqlite_utils import Database

from app.engines import transcript_part_chars
from app.settings import InferenceSettings, LoadedSettings
from app.worker import InferenceWorker
from core.llm.engine import Engine
from core.llm.jobs import JobContext, Priority
from core.notes.service import (
    NoteDraft,
    NoteResult,
    PatientSummary,
    draft_note,
    draft_summary,
    prepare_note,
    prepare_summary,
    save_note,
)
from core.store import audit

PROMPT_STAGE, GENERATING_STAGE = "prompt", "generating"


class NoteJob(QObject):
    """Drafts one thing at a time; ``busy`` while it runs."""

    token = Signal(str)
    stage = Signal(str, int)  # "prompt" or "generating", tokens so far
    note_saved = Signal(object)  # NoteResult
    summary_ready = Signal(object)  # PatientSummary
    failed = Signal(str)
    draft_unsaved = Signal(str)  # a draft the store refused: shown, so it is not lost
    cancelled = Signal(str)  # reason

    def __init__(
        self,
        db: Database,
        worker: InferenceWorker,
        loaded: LoadedSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.worker = db, worker
        self.loaded = loaded  # read at each start, so applied settings count at once
        self.job_id: str | None = None
        self._request: Any = None
        self._tokens = 0
        worker.token.connect(self._token)
        worker.progress.connect(self._progress)
        worker.job_finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)

    @property
    def inference(self) -> InferenceSettings:
        return self.loaded.settings.inference

    @property
    def busy(self) -> bool:
        return self.job_id is not None

    def start_note(self, session_id: int, template: str, *, regenerate: bool) -> None:
        """Prepare (raises NoteExistsError, StoreError, TemplateError) and queue the draft."""
        request = prepare_note(self.db, session_id, template, regenerate=regenerate)
        inference = self.inference

        def run(engine: Engine, ctx: JobContext) -> NoteDraft:
            ctx.emit_progress(PROMPT_STAGE)
            return draft_note(
                engine,
                request.template,
                request.transcript,
                max_chunk_chars=transcript_part_chars(inference, engine),
                on_token=ctx.emit_token,
                cancel=ctx.cancel,
            )

        self._submit("note", run, request)

    def start_summary(self, patient_id: int) -> None:
        request = prepare_summary(self.db, patient_id)
        inference = self.inference

        def run(engine: Engine, ctx: JobContext) -> PatientSummary:
            ctx.emit_progress(PROMPT_STAGE)
            chunk = transcript_part_chars(inference, engine)
            return draft_summary(engine, request, max_chunk_chars=chunk, cancel=ctx.cancel)

        self._submit("summary", run, request)

    def _submit(self, kind: str, run: Any, request: Any) -> None:
        self._request, self._tokens = request, 0
        self.job_id = self.worker.submit(
            kind, run, priority=Priority.INTERACTIVE, timeout_s=self.inference.timeout_s
        )
        self.stage.emit(PROMPT_STAGE, 0)

    def cancel(self) -> None:
        if self.job_id is not None:
            self.worker.cancel(self.job_id)

    @Slot(str, str)
    def _token(self, job_id: str, text: str) -> None:
        if job_id != self.job_id:
            return
        self._tokens += 1
        if self._tokens == 1 or self._tokens % 8 == 0:
            self.stage.emit(GENERATING_STAGE, self._tokens)
        self.token.emit(text)

    @Slot(str, str, float)
    def _progress(self, job_id: str, stage: str, _fraction: float) -> None:
        if job_id == self.job_id and stage == PROMPT_STAGE:
            self.stage.emit(PROMPT_STAGE, 0)

    @Slot(str, object)
    def _finished(self, job_id: str, value: object) -> None:
        if job_id != self.job_id:
            return
        self.job_id = None
        if isinstance(value, NoteDraft):
            try:
                result: NoteResult = save_note(self.db, self._request, value)
            except Exception as exc:  # a full disk, a locked file: the draft is not lost
                self.failed.emit(
                    f"The draft could not be saved ({type(exc).__name__}); it is in the "
                    "editor, and saving is retried when you edit it."
                )
                self.draft_unsaved.emit(value.text)
                return
            audit.record(
                self.db,
                "generate",
                "note_version",
                result.version.id,
                detail=f"session={result.version.session_id} engine={value.engine}",
            )
            self.note_saved.emit(result)
        elif isinstance(value, PatientSummary):
            audit.record(self.db, "summarize", "patient", value.patient_id)
            self.summary_ready.emit(value)

    @Slot(str, str)
    def _failed(self, job_id: str, message: str) -> None:
        if job_id == self.job_id:
            self.job_id = None
            self.failed.emit(message)

    @Slot(str, str)
    def _cancelled(self, job_id: str, reason: str) -> None:
        if job_id == self.job_id:
            self.job_id = None
            self.cancelled.emit(reason)
