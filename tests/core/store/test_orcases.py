import pytest
from sqlite_utils import Database

from core.store.errors import NotFoundError
from core.store.orcases import (
    add_segment,
    add_state,
    case_timeline,
    create_case,
    end_case,
    get_case,
    list_cases,
    reopen_case,
)


def test_case_lifecycle(fresh_db: Database) -> None:
    case = create_case(fresh_db, "PCNL", label="demo")
    assert case.ended_at is None
    ended = end_case(fresh_db, case.id)
    assert ended.ended_at is not None
    assert end_case(fresh_db, case.id).ended_at == ended.ended_at
    second = create_case(fresh_db, "Lobectomy")
    assert [c.id for c in list_cases(fresh_db)] == [second.id, case.id]
    with pytest.raises(NotFoundError, match="operating-room case"):
        get_case(fresh_db, 99)
    assert reopen_case(fresh_db, case.id).ended_at is None
    assert end_case(fresh_db, case.id).ended_at is not None


def test_timeline_in_time_order(fresh_db: Database) -> None:
    case = create_case(fresh_db, "PCNL")
    state = {"metadata": {"phase": "Phase2"}, "machines": {"0": [], "1": ["M01"]}}
    add_segment(fresh_db, case.id, 12.5, "turn on the c-arm", speaker="surgeon")
    add_segment(fresh_db, case.id, 3.0, "patient is in", speaker="nurse")
    add_state(fresh_db, case.id, 12.5, state, "rule")
    add_segment(fresh_db, case.id, 14.0, "suction", is_final=False)
    timeline = case_timeline(fresh_db, case.id)
    assert [(e.kind, e.t) for e in timeline] == [
        ("segment", 3.0),
        ("segment", 12.5),
        ("state", 12.5),
        ("segment", 14.0),
    ]
    assert timeline[1].speaker == "surgeon"
    assert timeline[2].state == state
    assert timeline[2].source == "rule"
    assert timeline[3].is_final is False


def test_segments_need_an_existing_case(fresh_db: Database) -> None:
    with pytest.raises(NotFoundError):
        add_segment(fresh_db, 404, 1.0, "text")
    with pytest.raises(NotFoundError):
        add_state(fresh_db, 404, 1.0, {}, "rule")
