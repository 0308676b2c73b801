"""Operating-room cases: start one (recorded or only shown), go on with a recorded one
after a restart, set a machine by hand (its state and its audit entry in one
transaction), and read, replay and export the recorded cases.

The case itself is driven by ``core.orstate.driver.CaseDriver``, the same for the window
and the command line; this module gives it the store as its ``CaseRecord``. Every
segment and every state is committed as it comes, so a crash loses at most the one being
written. Database thread only.
"""

import json
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from app.paths import AppPaths
from app.settings import OperatingRoomSettings
from app.usecases.transaction import audited
from core.files import write_text_atomically
from core.orstate.driver import CaseDriver, CaseRecord, NoRecord, RoomSettings, StateUpdate
from core.orstate.segments import Segment
from core.orstate.surgeries import Surgery, SurgeryCatalog, load_surgeries
from core.store import orcases as store
from core.store.errors import StoreError
from core.store.orcases import ORCase, TimelineEntry

__all__ = [
    "ORCase",
    "StoreCaseRecord",
    "TimelineEntry",
    "case_segments",
    "case_timeline",
    "export_case",
    "get_case",
    "list_cases",
    "resume_case",
    "start_case",
    "surgeries",
]

# The store as the front end has it now (the window's may be reopened with a new key).
StoreAccess = Callable[[], Database]


class StoreCaseRecord:
    """A ``CaseRecord`` that commits every segment and state of one case to the store."""

    def __init__(self, db: StoreAccess, case_id: int) -> None:
        self._db, self.case_id = db, case_id

    def segment(self, t: float, speaker: str, text: str, final: bool) -> None:
        store.add_segment(self._db(), self.case_id, t, text, speaker=speaker, is_final=final)

    def update(self, update: StateUpdate) -> None:
        store.add_state(self._db(), self.case_id, update.t, dict(update.state), update.source)

    def override(self, update: StateUpdate, machine_id: str, action: str) -> None:
        db = self._db()
        with audited(db, "The manual setting") as tx:
            store.add_state(db, self.case_id, update.t, dict(update.state), "override")
            tx.record("override", "or_case", self.case_id, detail=f"{machine_id}={action}")

    def end(self) -> None:
        store.end_case(self._db(), self.case_id)


def surgeries(paths: AppPaths) -> SurgeryCatalog:
    """The built-in surgeries and the user's own (``<data dir>/surgeries``); a bad file
    is reported in ``problems`` and skipped."""
    return load_surgeries(paths.data_dir / "surgeries")


def _room(settings: OperatingRoomSettings) -> RoomSettings:
    return RoomSettings(settings.window_s, settings.debounce_s, settings.phase_filter)


def start_case(
    db: StoreAccess,
    surgery: Surgery,
    settings: OperatingRoomSettings,
    *,
    use_model: bool,
    model_timeout_s: float,
    label: str | None = None,
    record: bool = True,
) -> CaseDriver:
    """A new case, recorded in the store unless ``record`` is false."""
    keep: CaseRecord = NoRecord()
    if record:
        keep = StoreCaseRecord(db, store.create_case(db(), surgery.name, label=label).id)
    return CaseDriver(
        surgery, _room(settings), use_model=use_model, model_timeout_s=model_timeout_s, record=keep
    )


def resume_case(
    db: StoreAccess,
    case_id: int,
    surgery: Surgery,
    settings: OperatingRoomSettings,
    *,
    use_model: bool,
    model_timeout_s: float,
) -> CaseDriver:
    """Go on with a recorded case after a restart: rebuilt from its segments and last
    state, recording into it again (segments it holds are skipped when fed again)."""
    case = store.get_case(db(), case_id)
    if case.surgery != surgery.name:
        raise StoreError(f"Case {case_id} is a {case.surgery} case, not {surgery.name}.")
    timeline = store.case_timeline(db(), case_id)
    states = [e.state for e in timeline if e.kind == "state" and e.state is not None]
    driver = CaseDriver(
        surgery,
        _room(settings),
        use_model=use_model,
        model_timeout_s=model_timeout_s,
        record=StoreCaseRecord(db, case_id),
    )
    driver.resume(store.case_segments(db(), case_id), states[-1] if states else None)
    store.reopen_case(db(), case_id)
    return driver


def list_cases(db: Database) -> list[ORCase]:
    """Every recorded case, newest first."""
    return store.list_cases(db)


def get_case(db: Database, case_id: int) -> ORCase:
    return store.get_case(db, case_id)


def case_timeline(db: Database, case_id: int) -> list[TimelineEntry]:
    """A case's segments and states in time order."""
    return store.case_timeline(db, case_id)


def case_segments(db: Database, case_id: int) -> list[Segment]:
    """A case's transcript segments in time order, to replay it."""
    return store.case_segments(db, case_id)


def export_case(db: Database, case_id: int, path: Path) -> int:
    """Write a case's segments as JSON lines (replayable); returns how many."""
    segments = [
        {"t": t, "speaker": speaker, "text": text, "final": final}
        for t, speaker, text, final in store.case_segments(db, case_id)
    ]
    lines = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in segments)
    try:
        write_text_atomically(path, lines, refuse_symlink=True)
    except OSError as exc:
        raise StoreError(f"The export to {path} could not be written ({exc.strerror}).") from None
    return len(segments)
