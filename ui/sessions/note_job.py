"""One note (or patient summary) being drafted on the inference worker, seen from the GUI.

Threading: ``start_note``/``start_summary`` prepare on the GUI thread (the use case reads
the store), the drafting runs on the worker thread (engine only), and ``job_finished``
arrives back on the GUI thread, where the draft is saved. Signals of any other job id are
ignored (a stale or unrelated job).

Progress: ``stage`` is emitted at the start, on the first token and every 8th, and once a
second while the job runs (so the time so far moves on even while the model reads the
transcript); ``stage_text`` words it. A note whose time ran out is the rule draft, saved
and labelled as one, and ``saved_message`` says so. The model's answer is headed text
(``core.notes.note_text``), so what streams into the editor is readable section text as
it is written, never JSON.
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.context import AppContext
from app.settings import InferenceSettings
from app.usecases.drafting import (
    PROMPT_STAGE,
    RULE_ENGINE,
    TIMED_OUT_STAGE,
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
from ui.engine_badge import duration

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
        self._first_token_at = self._last_token_at = self._started_at = 0.0
        self._stage_now = PROMPT_STAGE
        self.timed_out = False  # the last note's time ran out: it is the rule draft
        self.timeout_s = 0.0  # the last drafting's time limit
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
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
        self._last_token_at, self._started_at = 0.0, time.monotonic()
        self._stage_now, self.timed_out, self.timeout_s = PROMPT_STAGE, False, drafting.timeout_s
        self.job_id = self.worker.submit_job(drafting.job())
        self._ticker.start()
        self.stage.emit(PROMPT_STAGE, 0)

    def _done(self) -> None:
        self.job_id = None
        self._ticker.stop()

    @Slot()
    def _tick(self) -> None:
        if self.job_id is not None:
            self.stage.emit(self._stage_now, self._tokens)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._started_at if self._started_at else 0.0

    @property
    def tokens_per_s(self) -> float:
        """The last answer's measured rate (0.0: no model wrote two tokens)."""
        seconds = self._last_token_at - self._first_token_at
        return (self._tokens - 1) / seconds if self._tokens > 1 and seconds > 0 else 0.0

    def cancel(self) -> None:
        if self.job_id is not None:
            self.worker.cancel(self.job_id)

    @Slot(str, str)
    def _token(self, job_id: str, text: str) -> None:
        if job_id != self.job_id:
            return
        self._tokens += 1
        self._last_token_at = time.monotonic()
        if self._tokens == 1:
            self._first_token_at = self._last_token_at
            self._stage_now = GENERATING_STAGE
        if self._tokens == 1 or self._tokens % 8 == 0:
            self.stage.emit(GENERATING_STAGE, self._tokens)
        self.token.emit(text)

    def status_text(self, tokens: int) -> str:
        """Tokens written, tokens per second and the time left at most (the answer's
        budget is ``inference.max_tokens``)."""
        seconds = time.monotonic() - self._first_token_at if self._first_token_at else 0.0
        return writing_status(tokens, seconds, self.inference.max_tokens, self.elapsed_s)

    def stage_text(self, stage: str, tokens: int) -> str:
        """The progress line: reading the transcript, or writing (tokens, rate, time)."""
        if stage == GENERATING_STAGE:
            return self.status_text(tokens)
        elapsed = self.elapsed_s
        return "Reading the transcript…" + (f" {elapsed:.0f} s so far" if elapsed >= 1 else "")

    def saved_message(self, result: NoteResult) -> str:
        """What the status line says once a note is saved: who drafted it, and when the
        model's time ran out, that this is the rule draft."""
        draft = result.draft
        if self.timed_out:
            return (
                f"The model timed out after {duration(self.timeout_s)}; this is the rule "
                f"draft ({draft.word_count} words), saved and labelled as one."
            )
        what = "rule draft" if draft.engine == RULE_ENGINE else "AI draft"
        return f"Note drafted ({what}, {draft.word_count} words) and saved."

    @Slot(str, str, float)
    def _progress(self, job_id: str, stage: str, _fraction: float) -> None:
        if job_id != self.job_id:
            return
        if stage == PROMPT_STAGE:
            self.stage.emit(PROMPT_STAGE, 0)
        elif stage == TIMED_OUT_STAGE:
            self.timed_out = True

    @Slot(str, object)
    def _finished(self, job_id: str, value: object) -> None:
        if job_id != self.job_id:
            return
        self._done()
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
            self._done()
            self.failed.emit(message)

    @Slot(str, str)
    def _cancelled(self, job_id: str, reason: str) -> None:
        if job_id == self.job_id:
            self._done()
            self.cancelled.emit(reason)
