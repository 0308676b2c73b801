"""One note (or patient summary) being drafted on the inference worker, seen from the GUI.

Threading: ``start_note``/``start_summary`` prepare on the GUI thread (the use case reads
the store), the drafting runs on the worker thread (engine only), and ``job_finished``
arrives back on the GUI thread, where the draft is saved. Signals of any other job id are
ignored (a stale or unrelated job).
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from app.context import AppContext
from app.settings import InferenceSettings
from app.usecases.drafting import (
    PROMPT_STAGE,
    NoteDrafting,
    SummaryDrafting,
    start_note,
    start_summary,
    writing_status,
)
from app.usecases.errors import StoreError
from app.usecases.notes import NoteDraft, NoteResult
from app.usecases.summaries import PatientSummary
from app.worker import InferenceWorker

GENERATING_STAGE = "generating"


@dataclass(frozen=True)
class UnsavedDraft:
    """A draft the store refused (a full disk): kept with its provenance, an AI draft,
    until it can be saved as one."""

    drafting: NoteDrafting
    draft: NoteDraft

    @property
    def session_id(self) -> int | None:
        return self.drafting.request.session_id

    def save(self, context: AppContext) -> NoteResult:
        return self.drafting.save(context.db, self.draft)


class NoteJob(QObject):
    """Drafts one thing at a time; ``busy`` while it runs."""

    token = Signal(str)
    stage = Signal(str, int)  # "prompt" or "generating", tokens so far
    note_saved = Signal(object)  # NoteResult
    summary_ready = Signal(object)  # PatientSummary
    failed = Signal(str)
    draft_unsaved = Signal(object)  # UnsavedDraft: refused by the store, shown, saved later
    cancelled = Signal(str)  # reason

    def __init__(
        self, context: AppContext, worker: InferenceWorker, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context, self.worker = context, worker
        self.job_id: str | None = None
        self._drafting: NoteDrafting | SummaryDrafting | None = None
        self._tokens = 0
        self._first_token_at = 0.0
        worker.token.connect(self._token)
        worker.progress.connect(self._progress)
        worker.job_finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)

    @property
    def inference(self) -> InferenceSettings:
        """Read at each start, so applied settings count at once."""
        return self.context.loaded.settings.inference

    @property
    def busy(self) -> bool:
        return self.job_id is not None

    def start_note(self, session_id: int, template: str, *, regenerate: bool) -> None:
        """Prepare (raises NoteExistsError, StoreError, TemplateError) and queue the draft."""
        drafting = start_note(
            self.context.db,
            session_id,
            template,
            self.inference,
            regenerate=regenerate,
            risk_net=self.context.risk_net,
        )
        self._submit(drafting)

    def start_summary(self, patient_id: int) -> None:
        self._submit(start_summary(self.context.db, patient_id, self.inference))

    def _submit(self, drafting: NoteDrafting | SummaryDrafting) -> None:
        self._drafting, self._tokens, self._first_token_at = drafting, 0, 0.0
        self.job_id = self.worker.submit_job(drafting.job())
        self.stage.emit(PROMPT_STAGE, 0)

    def cancel(self) -> None:
        if self.job_id is not None:
            self.worker.cancel(self.job_id)

    @Slot(str, str)
    def _token(self, job_id: str, text: str) -> None:
        if job_id != self.job_id:
            return
        self._tokens += 1
        if self._tokens == 1:
            self._first_token_at = time.monotonic()
        if self._tokens == 1 or self._tokens % 8 == 0:
            self.stage.emit(GENERATING_STAGE, self._tokens)
        self.token.emit(text)

    def status_text(self, tokens: int) -> str:
        """Tokens written, tokens per second and the time left at most (the answer's
        budget is ``inference.max_tokens``)."""
        seconds = time.monotonic() - self._first_token_at if self._first_token_at else 0.0
        return writing_status(tokens, seconds, self.inference.max_tokens)

    @Slot(str, str, float)
    def _progress(self, job_id: str, stage: str, _fraction: float) -> None:
        if job_id == self.job_id and stage == PROMPT_STAGE:
            self.stage.emit(PROMPT_STAGE, 0)

    @Slot(str, object)
    def _finished(self, job_id: str, value: object) -> None:
        if job_id != self.job_id:
            return
        self.job_id = None
        drafting = self._drafting
        if isinstance(value, NoteDraft) and isinstance(drafting, NoteDrafting):
            try:
                result: NoteResult = drafting.save(self.context.db, value)
            except Exception as exc:  # a full disk, a locked file: the draft is not lost
                self.failed.emit(
                    f"The draft could not be saved ({type(exc).__name__}); it is in the "
                    "editor, and saving it is retried every few seconds."
                )
                self.draft_unsaved.emit(UnsavedDraft(drafting, value))
                return
            self.note_saved.emit(result)
        elif isinstance(value, PatientSummary) and isinstance(drafting, SummaryDrafting):
            try:
                summary = drafting.finish(self.context.db, value)
            except StoreError as exc:
                self.failed.emit(str(exc))
                return
            self.summary_ready.emit(summary)

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
