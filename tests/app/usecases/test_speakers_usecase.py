"""A transcript's speakers swapped or renamed in one audited change: only the labels
move, the lines keep their words, order and times; a name that would not read as a
speaker label is refused with one line and nothing changes. A transcript imported with
times keeps them per line."""

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.usecases.patients import add_patient
from app.usecases.sessions import import_session, open_session
from app.usecases.speakers import relabel_speakers, speakers_of, swap
from core.store import audit
from core.store.errors import StoreError

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Clinician>How has your week been?

00:00:05.500 --> 00:00:09.000
<v Client>Better. Clinician: that is what my sister calls you.

00:01:05.000 --> 00:01:08.250
<v Clinician>Good to hear.
"""


@pytest.fixture
def session_id(fresh_db: Database, tmp_path: Path) -> int:
    source = tmp_path / "week.vtt"
    source.write_text(VTT, encoding="utf-8")
    return import_session(fresh_db, add_patient(fresh_db, "Ada").id, source).session.id


def test_times_are_kept_per_line(fresh_db: Database, session_id: int) -> None:
    opened = open_session(fresh_db, session_id)
    assert opened.line_times == {1: (1.0, 4.0), 2: (5.5, 9.0), 3: (65.0, 68.25)}


def test_swapping_moves_only_the_labels_in_one_audited_change(
    fresh_db: Database, session_id: int
) -> None:
    before = open_session(fresh_db, session_id)
    names = swap(before.session.transcript)
    assert names == {"Clinician": "Client", "Client": "Clinician"}
    after = relabel_speakers(fresh_db, session_id, names)
    assert after.transcript.splitlines() == [
        "Client: How has your week been?",
        "Clinician: Better. Clinician: that is what my sister calls you.",  # words untouched
        "Client: Good to hear.",
    ]
    newest = audit.list_entries(fresh_db, limit=1)[0]
    assert (newest.action, newest.entity, newest.detail) == ("relabel", "session", "lines=3")
    assert open_session(fresh_db, session_id).line_times == before.line_times


def test_renaming_and_bad_names(fresh_db: Database, session_id: int) -> None:
    renamed = relabel_speakers(fresh_db, session_id, {"Clinician": "Dr Lee"})
    assert speakers_of(renamed.transcript) == ["Dr Lee", "Client"]
    for bad in ("", "dr: lee", "x" * 41, "Five Words In A Name"):
        with pytest.raises(StoreError, match="1-4 capitalised words"):
            relabel_speakers(fresh_db, session_id, {"Client": bad})
    assert open_session(fresh_db, session_id).session.transcript == renamed.transcript


def test_swapping_needs_two_speakers() -> None:
    with pytest.raises(StoreError, match="exactly two speakers; this transcript has 1"):
        swap("Client: alone here.\nClient: still alone.")
