"""The rolling transcript buffer: window, ordering, partials, context text, persistence."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.orstate.buffer import BufferEntry, RollingBuffer


def test_entry_exactly_window_old_stays_and_older_is_evicted() -> None:
    buffer = RollingBuffer(45.0)
    buffer.add(10.0, "surgeon", "first")
    buffer.add(10.5, "surgeon", "second")
    buffer.add(55.0, "nurse", "newest")
    assert [e.text for e in buffer.entries] == ["first", "second", "newest"]
    buffer.add(55.25, "nurse", "newer")
    assert [e.text for e in buffer.entries] == ["second", "newest", "newer"]
    assert buffer.evictions == 1


def test_eviction_is_relative_to_newest_timestamp_not_wall_clock() -> None:
    buffer = RollingBuffer(10.0)
    buffer.add(1000.0, "a", "old")
    assert len(buffer) == 1  # however long ago 1000 s is on the wall clock
    buffer.add(1011.0, "a", "new")
    assert [e.text for e in buffer.entries] == ["new"]
    assert buffer.get_summary()["evictions"] == 1


def test_out_of_order_entries_are_kept_sorted() -> None:
    buffer = RollingBuffer(60.0)
    for t in (5.0, 1.0, 3.0, 2.0, 4.0):
        buffer.add(t, "s", f"at {t}")
    assert [e.t for e in buffer.entries] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_out_of_order_entry_older_than_window_is_dropped_and_counted() -> None:
    buffer = RollingBuffer(10.0)
    buffer.add(100.0, "s", "now")
    buffer.add(89.0, "s", "too late")
    buffer.add(90.0, "s", "just in")
    assert [e.text for e in buffer.entries] == ["just in", "now"]
    assert buffer.evictions == 1


def test_equal_timestamps_keep_arrival_order() -> None:
    buffer = RollingBuffer()
    buffer.add(1.0, "a", "one")
    buffer.add(1.0, "b", "two")
    assert [e.text for e in buffer.entries] == ["one", "two"]


def test_partial_replaces_previous_partial_of_same_speaker() -> None:
    buffer = RollingBuffer()
    buffer.add(1.0, "surgeon", "turn", is_final=False)
    buffer.add(1.2, "nurse", "ok", is_final=False)
    buffer.add(1.5, "surgeon", "turn on the", is_final=False)
    assert [(e.speaker, e.text) for e in buffer.entries] == [
        ("nurse", "ok"),
        ("surgeon", "turn on the"),
    ]
    buffer.add(2.0, "surgeon", "turn on the suction")
    assert [(e.speaker, e.text, e.is_final) for e in buffer.entries] == [
        ("nurse", "ok", False),
        ("surgeon", "turn on the suction", True),
    ]
    buffer.add(3.0, "surgeon", "next", is_final=False)
    assert len(buffer) == 3  # a final is never replaced by a partial


def test_whitespace_only_text_is_ignored_and_text_normalised() -> None:
    buffer = RollingBuffer()
    buffer.add(1.0, "s", "   \n\t ")
    buffer.add(1.0, "s", "")
    assert len(buffer) == 0
    buffer.add(2.0, "  ", "two\nlines   here ")
    assert buffer.entries == [BufferEntry(2.0, "unknown", "two lines here", True)]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "1.0", None, True])
def test_non_numeric_or_non_finite_time_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="t must be"):
        RollingBuffer().add(bad, "s", "x")  # type: ignore[arg-type]


@pytest.mark.parametrize("window", [0, -1, float("nan")])
def test_bad_window_is_rejected(window: float) -> None:
    with pytest.raises(ValueError, match="window_s"):
        RollingBuffer(window)


def test_context_format_exactly() -> None:
    buffer = RollingBuffer(45.0, surgery="PCNL")
    buffer.add(120.0, "surgeon", "turn on the suction")
    buffer.add(121.5, "nurse", "suction is on")
    assert buffer.get_context_for_llm("Phase3") == (
        "--- Recent OR Transcript --- | Surgery: PCNL | Phase: Phase3 | Window: 45s (2 segments)\n"
        "[120.0s] surgeon: turn on the suction\n"
        "[121.5s] nurse: suction is on\n"
        "--- End Transcript ---"
    )
    assert buffer.get_context_for_llm().splitlines()[0] == (
        "--- Recent OR Transcript --- | Surgery: PCNL | Window: 45s (2 segments)"
    )


def test_context_window_fraction_and_empty_buffer() -> None:
    buffer = RollingBuffer(30.5)
    assert buffer.get_context_for_llm("Phase1") == (
        "--- Recent OR Transcript --- | Phase: Phase1 | Window: 30.5s (0 segments)\n"
        "--- End Transcript ---"
    )


def test_context_shows_final_segments_only() -> None:
    buffer = RollingBuffer(surgery="PCNL")
    buffer.add(1.0, "surgeon", "scalpel please")
    buffer.add(2.0, "nurse", "half a sente", is_final=False)
    context = buffer.get_context_for_llm()
    assert "(1 segments)" in context
    assert "half a sente" not in context
    assert "[1.0s] surgeon: scalpel please" in context


def test_since_by_speaker_and_summary() -> None:
    buffer = RollingBuffer(45.0, surgery="PCNL")
    buffer.add(10.0, "surgeon", "a")
    buffer.add(12.0, "nurse", "b")
    buffer.add(14.0, "surgeon", "c")
    buffer.add(15.0, "anaesthetist", "d", is_final=False)
    assert [e.text for e in buffer.get_entries_since(12.0)] == ["b", "c", "d"]
    assert buffer.get_entries_since(100.0) == []
    grouped = buffer.get_entries_by_speaker()
    assert list(grouped) == ["surgeon", "nurse", "anaesthetist"]
    assert [e.text for e in grouped["surgeon"]] == ["a", "c"]
    assert buffer.get_summary() == {
        "entries": 4,
        "final_entries": 3,
        "duration_s": 5.0,
        "speakers": ["anaesthetist", "nurse", "surgeon"],
        "evictions": 0,
        "window_s": 45.0,
        "newest_t": 15.0,
        "oldest_t": 10.0,
    }


def test_empty_summary() -> None:
    summary = RollingBuffer().get_summary()
    assert summary["entries"] == 0
    assert summary["duration_s"] == 0.0
    assert summary["newest_t"] is None and summary["oldest_t"] is None


def test_max_entries_caps_the_buffer() -> None:
    buffer = RollingBuffer(1000.0, max_entries=3)
    for i in range(5):
        buffer.add(float(i), "s", f"n{i}")
    assert [e.text for e in buffer.entries] == ["n2", "n3", "n4"]
    assert buffer.evictions == 2


def test_save_load_round_trip(tmp_path: Path) -> None:
    buffer = RollingBuffer(20.0, surgery="Lobectomy", max_entries=50)
    buffer.add(1.0, "surgeon", "gone soon")
    buffer.add(30.0, "surgeon", "stapler")
    buffer.add(31.0, "nurse", "ready", is_final=False)
    path = tmp_path / "buffer.json"
    buffer.save(path)
    assert not [p for p in tmp_path.iterdir() if p.name != "buffer.json"]  # no temp left
    loaded = RollingBuffer.load(path)
    assert loaded.to_dict() == buffer.to_dict()
    assert loaded.get_context_for_llm("Phase2") == buffer.get_context_for_llm("Phase2")
    assert loaded.evictions == 1
    loaded.add(32.0, "nurse", "ready now", is_final=False)  # the restored partial is replaced
    assert [e.text for e in loaded.entries] == ["stapler", "ready now"]


def test_save_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("old", encoding="utf-8")
    RollingBuffer().save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["entries"] == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: "not a dict", "must be a JSON object"),
        (lambda d: {**d, "version": 99}, "unsupported version"),
        (lambda d: {**d, "window_s": "45"}, "window_s must be a number"),
        (lambda d: {**d, "entries": None}, "entries must be a list"),
        (lambda d: {**d, "entries": [{"speaker": "s", "text": "x"}]}, r"entries\[0\]\.t"),
        (lambda d: {**d, "entries": [{"t": 1, "speaker": 3, "text": "x"}]}, "speaker"),
        (lambda d: {**d, "entries": [{"t": 1, "speaker": "s", "text": None}]}, "text"),
        (lambda d: {**d, "entries": [7]}, r"entries\[0\] must be an object"),
        (lambda d: {**d, "evictions": -1}, "evictions"),
        (lambda d: {**d, "max_entries": 0}, "max_entries"),
    ],
)
def test_from_dict_of_damaged_data_raises_clear_value_error(damage, message) -> None:  # type: ignore[no-untyped-def]
    good = RollingBuffer().to_dict()
    with pytest.raises(ValueError, match=message) as info:
        RollingBuffer.from_dict(damage(good))
    assert "rolling buffer data" in str(info.value)


def test_load_of_corrupt_file_raises_value_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"version": 1, "entries": [', encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        RollingBuffer.load(path)
    with pytest.raises(FileNotFoundError):
        RollingBuffer.load(tmp_path / "missing.json")


def test_long_run_of_500_entries() -> None:
    buffer = RollingBuffer(45.0, surgery="PCNL")
    for i in range(500):
        buffer.add(i * 0.5, "surgeon" if i % 2 else "nurse", f"segment number {i}")
    # newest is 249.5; kept: t >= 204.5, i.e. i >= 409 -> 91 entries
    assert len(buffer) == 91
    assert buffer.evictions == 409
    summary = buffer.get_summary()
    assert summary["duration_s"] == 45.0
    context = buffer.get_context_for_llm("Phase4")
    assert "(91 segments)" in context
    assert len(context.splitlines()) == 93
    assert len(context) < 91 * 60 + 200


@settings(max_examples=200, deadline=None)
@given(
    window=st.floats(min_value=0.5, max_value=120.0),
    segments=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=500.0),
            st.sampled_from(["surgeon", "nurse", "anaesthetist"]),
            st.text(max_size=20),
            st.booleans(),
        ),
        max_size=60,
    ),
)
def test_invariants_hold_for_any_feed(window: float, segments: list) -> None:  # type: ignore[type-arg]
    buffer = RollingBuffer(window, max_entries=40)
    for t, speaker, text, final in segments:
        buffer.add(t, speaker, text, final)
    entries = buffer.entries
    times = [e.t for e in entries]
    assert times == sorted(times)
    assert len(entries) <= 40
    if entries:
        assert buffer.newest_t is not None
        assert all(t >= buffer.newest_t - window for t in times)
    partial_speakers = [e.speaker for e in entries if not e.is_final]
    assert len(partial_speakers) == len(set(partial_speakers))
    assert all(e.text.strip() == e.text and e.text for e in entries)
    context = buffer.get_context_for_llm()
    assert context.count("\n") == sum(e.is_final for e in entries) + 1
    assert RollingBuffer.from_dict(json.loads(json.dumps(buffer.to_dict()))).to_dict() == (
        buffer.to_dict()
    )
