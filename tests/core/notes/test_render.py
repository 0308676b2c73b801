import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.notes.markers import strip_markers
from core.notes.render import cap_words, parse_note, render_note, styled, word_count
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

TEMPLATE = BUILTIN_TEMPLATES["default"]
words = st.text(alphabet="abcdefghij ,.", min_size=1, max_size=12).map(str.strip).filter(bool)
marked = st.builds(lambda w: "{{RED:" + w + "}}", words)
section_text = st.lists(words | marked, min_size=1, max_size=40).map(" ".join)


@settings(max_examples=150)
@given(st.fixed_dictionaries({key: section_text for key in TEMPLATE.keys}))
def test_render_then_parse_gives_the_sections_back(sections: dict[str, str]) -> None:
    text = render_note(TEMPLATE, sections, notices=["Rule-based draft"])
    assert text.startswith("[Rule-based draft]\n\nChief Complaint:\n")
    assert parse_note(TEMPLATE, text) == {k: v.strip() for k, v in sections.items()}


def test_missing_sections_render_as_not_discussed() -> None:
    text = render_note(TEMPLATE, {"risk": "Denied."})
    assert text.count(NOT_DISCUSSED) == 4
    assert "Risk:\nDenied." in text


def test_parse_keeps_text_when_a_heading_is_deleted() -> None:
    text = "Chief Complaint:\nPoor sleep.\nMore detail.\nPlan:\nReview next week.\n"
    sections = parse_note(TEMPLATE, text)
    assert sections["chief_complaint"] == "Poor sleep.\nMore detail."
    assert sections["plan"] == "Review next week." and sections["risk"] == ""


@settings(max_examples=200)
@given(section_text, st.integers(1, 60))
def test_capping_never_exceeds_the_cap_nor_breaks_a_marker(text: str, cap: int) -> None:
    capped = cap_words(text, cap)
    assert word_count(capped) <= cap
    assert capped.count("{{RED:") == capped.count("}}")
    assert strip_markers(text).startswith(strip_markers(capped).rstrip(".") if capped else "")


def test_word_count_ignores_marker_syntax() -> None:
    assert word_count("She said {{RED:kill}} it. Twice") == 5
    assert strip_markers("a {{RED:b c}} d") == "a b c d"


def test_capping_prefers_a_sentence_end() -> None:
    text = "One two three. Four five six seven."
    assert cap_words(text, 5) == "One two three."


def test_list_style() -> None:
    assert styled("walk daily\n- sleep diary\n* call sister", "list") == (
        "- walk daily\n- sleep diary\n- call sister"
    )
    assert styled(NOT_DISCUSSED, "list") == NOT_DISCUSSED
    assert re.match(r"^plain", styled("plain text", "paragraph"))
