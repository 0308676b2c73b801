"""Operating-room cases in the store: recorded as they run, an override and its audit entry
together, resumed after a restart, read back and exported for a replay."""

import json
from pathlib import Path

from sqlite_utils import Database

from app.paths import AppPaths
from app.settings import OperatingRoomSettings
from app.usecases.orcases import (
    case_segments,
    case_timeline,
    export_case,
    list_cases,
    resume_case,
    start_case,
    surgeries,
)
from core.orstate.serializer import get_validation_errors
from core.orstate.surgeries import get_surgery
from core.store import audit

PCNL = get_surgery("pcnl")
ROOM = OperatingRoomSettings()
LINES = [
    (0.0, "nurse", "patient is in the room, starting the time-out"),
    (30.0, "anesthetist", "induction now, turn on the ventilator"),
    (95.0, "surgeon", "needle access, fire up the c-arm"),
]


def test_a_case_is_recorded_as_it_runs_and_an_override_is_audited(fresh_db: Database) -> None:
    case = start_case(lambda: fresh_db, PCNL, ROOM, use_model=False, model_timeout_s=60, label="x")
    for line in LINES:
        case.feed(*line)
    case.feed(96.0, "surgeon", "c-ar", final=False)  # a partial: kept, no state
    manual = case.override("M04", "OFF")
    case.end()
    (recorded,) = list_cases(fresh_db)
    assert recorded.surgery == "PCNL" and recorded.ended_at is not None
    timeline = case_timeline(fresh_db, recorded.id)
    states = [e for e in timeline if e.kind == "state"]
    assert [e.source for e in states] == ["rule", "rule", "rule", "override"]
    assert all(get_validation_errors(e.state) == [] for e in states)
    assert states[-1].state == dict(manual.state)
    assert len(case_segments(fresh_db, recorded.id)) == 4
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity_id, newest.detail) == ("override", recorded.id, "M04=OFF")


def test_an_unrecorded_case_keeps_nothing(fresh_db: Database) -> None:
    case = start_case(
        lambda: fresh_db, PCNL, ROOM, use_model=False, model_timeout_s=60, record=False
    )
    for line in LINES:
        case.feed(*line)
    case.end()
    assert list_cases(fresh_db) == []


def test_a_case_resumes_after_a_restart_and_skips_what_it_holds(
    fresh_db: Database, tmp_path: Path
) -> None:
    first = start_case(lambda: fresh_db, PCNL, ROOM, use_model=False, model_timeout_s=60)
    for line in LINES[:2]:
        first.feed(*line)
    case_id = list_cases(fresh_db)[0].id  # ... and the process was killed here
    again = resume_case(lambda: fresh_db, case_id, PCNL, ROOM, use_model=False, model_timeout_s=60)
    assert again.current.phase == "Phase2" and again.recorded_until == 30.0
    for line in LINES:  # the recogniser's file again, from the start
        again.feed(*line)
    again.end()
    assert again.skipped == 2
    assert [s[0] for s in case_segments(fresh_db, case_id)] == [0.0, 30.0, 95.0]
    exported = tmp_path / "case.jsonl"
    assert export_case(fresh_db, case_id, exported) == 3
    first_line = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    assert first_line == {"t": 0.0, "speaker": "nurse", "text": LINES[0][2], "final": True}


def test_the_users_own_surgeries_are_read_and_a_bad_one_is_named(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    (paths.data_dir / "surgeries").mkdir(parents=True)
    (paths.data_dir / "surgeries" / "broken.json").write_text("{", encoding="utf-8")
    catalog = surgeries(paths)
    assert catalog.get("pcnl").name == "PCNL" and any("broken.json" in p for p in catalog.problems)
