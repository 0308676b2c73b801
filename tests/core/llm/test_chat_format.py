import itertools

from hypothesis import given
from hypothesis import strategies as st

from core.llm.chat_format import (
    CHATML,
    END_MARKERS,
    GEMMA,
    LLAMA3,
    PHI3,
    ChatPrompt,
    EndMarkerFilter,
    fallback_template,
    is_gemma,
    merge_system_into_first_user,
    strip_end_markers,
)
from core.llm.types import Message

MESSAGES = [
    Message("system", "You write clinical notes."),
    Message("user", "Summarise the session."),
    Message("assistant", "Done."),
    Message("user", "Again."),
]


def test_gemma_has_no_system_turn() -> None:
    merged = merge_system_into_first_user(MESSAGES)
    assert [m.role for m in merged] == ["user", "assistant", "user"]
    assert merged[0].content == "You write clinical notes.\n\nSummarise the session."
    prompt = ChatPrompt(GEMMA, "<bos>", "<eos>", merge_system=True).render(MESSAGES)
    assert "system" not in prompt
    assert prompt.startswith("<bos><start_of_turn>user\nYou write clinical notes.")
    assert prompt.endswith("<start_of_turn>model\n")


def test_system_only_becomes_a_user_turn() -> None:
    assert merge_system_into_first_user([Message("system", "x")]) == [Message("user", "x")]


def test_detection_and_fallbacks() -> None:
    assert is_gemma("gemma3", None) and is_gemma(None, GEMMA) and not is_gemma("llama", CHATML)
    assert fallback_template("phi3", False) == PHI3
    assert fallback_template("gemma2", False) == GEMMA
    assert fallback_template("llama", True) == LLAMA3
    assert fallback_template("llama", False) == CHATML


def test_phi3_prompt_and_stops() -> None:
    chat = ChatPrompt(PHI3, "<s>", "<|endoftext|>", merge_system=False)
    assert chat.render(MESSAGES[:2]) == (
        "<|system|>\nYou write clinical notes.<|end|>\n<|user|>\nSummarise the session.<|end|>\n"
        "<|assistant|>\n"
    )


@given(st.text(), st.sampled_from(END_MARKERS), st.text())
def test_end_markers_never_survive(before: str, marker: str, after: str) -> None:
    cleaned = strip_end_markers(before + marker + after)
    assert all(m not in cleaned for m in END_MARKERS)
    assert (before + marker).startswith(cleaned)


def _stream(text: str, cuts: list[int]) -> str:
    markers = EndMarkerFilter()
    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    shown = [markers.feed(text[a:b]) for a, b in itertools.pairwise(points)]
    return "".join(shown) + markers.flush()


@given(st.text(alphabet="ab<|>/end_oftursimh ", max_size=40), st.lists(st.integers(0, 60)))
def test_streaming_filter_equals_stripping_the_whole_text(text: str, cuts: list[int]) -> None:
    assert _stream(text, cuts) == strip_end_markers(text)


@given(
    st.text(max_size=20),
    st.sampled_from(END_MARKERS),
    st.text(max_size=20),
    st.lists(st.integers(0, 60)),
)
def test_streaming_filter_stops_at_a_marker(
    before: str, marker: str, after: str, cuts: list[int]
) -> None:
    shown = _stream(before + marker + after, cuts)
    assert shown == strip_end_markers(before + marker + after)
    assert not any(m in shown for m in END_MARKERS)


def test_streaming_filter_holds_back_only_a_possible_marker() -> None:
    markers = EndMarkerFilter()
    assert markers.feed("a < b") == "a < b"
    assert markers.feed(" x <|e") == " x "
    assert markers.feed("nd|> tail") == ""
    assert markers.stopped and markers.flush() == ""
