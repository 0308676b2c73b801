import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.notes.chunking import split_transcript

lines = st.lists(
    st.text(alphabet="abc def. ghi! jkl?", min_size=0, max_size=400), min_size=1, max_size=40
).map("\n".join)


@settings(max_examples=150)
@given(lines, st.integers(100, 1000))
def test_parts_fit_and_keep_every_word_in_order(text: str, max_chars: int) -> None:
    parts = split_transcript(text, max_chars)
    assert all(len(part) <= max_chars for part in parts)
    assert " ".join(parts).split() == text.split()


def test_a_short_transcript_is_one_part() -> None:
    assert split_transcript("Client: hello", 1000) == ["Client: hello"]


def test_parts_break_at_lines() -> None:
    text = "\n".join(f"Client: line number {i} of the session." for i in range(100))
    parts = split_transcript(text, 500)
    assert len(parts) > 5
    assert all(line.startswith("Client: line number") for p in parts for line in p.splitlines())


def test_tiny_parts_are_refused() -> None:
    with pytest.raises(ValueError):
        split_transcript("x", 10)
