"""Transcript import: whitespace and markers, the four formats, encodings, bad input."""

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.notes.transcript import (
    MAX_BYTES,
    Segment,
    Transcript,
    TranscriptError,
    normalize_whitespace,
    parse_transcript,
    read_transcript_file,
)

# Planted in bad input: no error message may repeat it.
PHRASE = "Jane wants to hurt herself"
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
MARKER = re.compile(r"\{\{RED:[^{}" + LINE_BREAKS + r"]*\}\}")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00\x07\x1b\x7f"

# Text rich in whitespace, invisible characters and marker fragments.
tricky_text = st.lists(
    st.sampled_from(
        [
            *("{{", "}}", "{", "}", "RED:", "{{RED:", " ", "  ", "\t", "\n", "\r\n", "\xa0"),
            *("\u2028", "\u3000", "a", "B", "é", "risk", *INVISIBLE),
        ]
    ),
    max_size=40,
).map("".join)
any_text = st.one_of(st.text(), tricky_text)
# A marker's inside: anything but braces and line breaks, spaces and tabs included.
marker_inside = st.text(
    st.one_of(
        st.sampled_from([" ", "\t", "\xa0", "\u200b"]),
        st.characters(exclude_characters="{}" + LINE_BREAKS, exclude_categories=["Cs"]),
    ),
    max_size=20,
)
markers = st.one_of(marker_inside, st.sampled_from(["hurt myself", " kill  myself\t"])).map(
    lambda inside: "{{RED:" + inside + "}}"
)
filler = st.text(
    st.one_of(
        st.sampled_from([" ", "\t", "\n", "\xa0", *INVISIBLE]),
        st.characters(exclude_characters="{}", exclude_categories=["Cs"]),
    ),
    max_size=20,
)


def outside_markers(text: str) -> str:
    return MARKER.sub("M", text)


# --- normalize_whitespace ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_normalize_whitespace_is_idempotent(text: str) -> None:
    once = normalize_whitespace(text)
    assert normalize_whitespace(once) == once


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_normalize_whitespace_leaves_single_spaces_outside_markers(text: str) -> None:
    result = normalize_whitespace(text)
    assert result == result.strip()
    rest = outside_markers(result)
    assert "  " not in rest
    assert all(ch == " " for ch in rest if ch.isspace())
    assert not any(unicodedata.category(ch) == "Cc" for ch in rest)
    assert not any(ch in rest for ch in INVISIBLE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(filler, markers), max_size=12))
def test_markers_are_kept_exactly_once_and_none_is_added(parts: list[str]) -> None:
    planted = [part for part in parts if MARKER.fullmatch(part)]
    result = normalize_whitespace("".join(parts))
    assert MARKER.findall(result) == planted


def test_normalize_whitespace_examples() -> None:
    assert normalize_whitespace("  I\tfeel\u00a0\n\n low \u200b ") == "I feel low"
    assert normalize_whitespace("I want to {{RED:hurt  myself}}\t now") == (
        "I want to {{RED:hurt  myself}} now"
    )
    assert normalize_whitespace("a\x00b\u200dc") == "abc"
    assert normalize_whitespace(" \u2028 \x1c ") == ""


def test_a_segment_is_never_empty() -> None:
    with pytest.raises(ValueError, match="non-empty text"):
        Segment("")


# --- plain text -------------------------------------------------------------------------


def test_plain_text_keeps_labelled_speakers() -> None:
    data = (
        b"Therapist:  How was\tyour week?\n"
        b"\n"
        b"CLIENT: Hard. I said: no.\n"
        b"Dr. Lee: We meet at 10:30 next time.\n"
        b"Speaker 1: Okay\n"
        b"T: And the {{RED:hurt myself}} thoughts?\n"
        b"c: Less.\n"
    )
    transcript = parse_transcript(data, filename="session.txt")
    assert transcript.source_format == "text"
    assert transcript.encoding == "utf-8"
    assert [(s.speaker, s.text) for s in transcript.segments] == [
        ("Therapist", "How was your week?"),
        ("CLIENT", "Hard. I said: no."),
        ("Dr. Lee", "We meet at 10:30 next time."),
        ("Speaker 1", "Okay"),
        ("T", "And the {{RED:hurt myself}} thoughts?"),
        ("c", "Less."),
    ]
    assert transcript.speakers == ["Therapist", "CLIENT", "Dr. Lee", "Speaker 1", "T", "c"]
    assert transcript.as_text() == (
        "Therapist: How was your week?\n"
        "CLIENT: Hard. I said: no.\n"
        "Dr. Lee: We meet at 10:30 next time.\n"
        "Speaker 1: Okay\n"
        "T: And the {{RED:hurt myself}} thoughts?\n"
        "c: Less."
    )


@pytest.mark.parametrize(
    "line",
    [
        "I said: no",
        "We met at 10:30 today",
        "10:30 we met",
        "At 10:30: coffee",
        "See https://example.org/help",
        "Note: bring the forms",
        "Well, you know: it is hard",
        "this one starts lowercase: yes",
        "A very long label that is clearly a sentence here: x",
        "Therapist:",
    ],
)
def test_colons_that_are_not_speaker_labels(line: str) -> None:
    (segment,) = parse_transcript(line.encode()).segments
    assert segment == Segment(line)


def test_plain_text_without_speakers() -> None:
    transcript = parse_transcript(b"  first line \r\n\r\n\tsecond   line\r\n")
    assert transcript.segments == (Segment("first line"), Segment("second line"))
    assert transcript.speakers == []
    assert transcript.as_text() == "first line\nsecond line"


# --- WebVTT -----------------------------------------------------------------------------

VTT = """WEBVTT - session 4
Kind: captions

NOTE exported by the recorder
it spans two lines

STYLE
::cue { color: white }

intro
00:00:01.000 --> 00:00:04.500 align:start position:10%
<v Therapist>How are <i>you</i>
feeling today?</v>

00:04.500 --> 00:07.250
<v.loud Client>Not <b>great</b>. &amp; tired.

3
00:00:07.250 --> 00:00:09.000
Dr. Lee: <c.yellow>Let us</c> <00:00:08.000>pause.

00:09.000 --> 00:10.000
<v Therapist>Okay. <v Client>Yes.

00:10.000 --> 00:11.000
no speaker here
"""


def test_vtt() -> None:
    transcript = parse_transcript(VTT.encode(), filename="session.vtt")
    assert transcript.source_format == "vtt"
    assert transcript.segments == (
        Segment("How are you feeling today?", "Therapist", 1.0, 4.5),
        Segment("Not great. & tired.", "Client", 4.5, 7.25),
        Segment("Let us pause.", "Dr. Lee", 7.25, 9.0),
        Segment("Okay.", "Therapist", 9.0, 10.0),
        Segment("Yes.", "Client", 9.0, 10.0),
        Segment("no speaker here", None, 10.0, 11.0),
    )
    assert transcript.speakers == ["Therapist", "Client", "Dr. Lee"]
    assert transcript.as_text() == (
        "Therapist: How are you feeling today?\n"
        "Client: Not great. & tired.\n"
        "Dr. Lee: Let us pause.\n"
        "Therapist: Okay.\n"
        "Client: Yes.\n"
        "no speaker here"
    )


def test_vtt_is_detected_by_content_whatever_the_extension() -> None:
    data = b"WEBVTT\n00:00.000 --> 00:01.000\nClient: hi\n"  # no blank line after the header
    for name in (None, "notes.txt", "notes.json"):
        transcript = parse_transcript(data, filename=name)
        assert transcript.source_format == "vtt"
        assert transcript.segments == (Segment("hi", "Client", 0.0, 1.0),)


# --- SRT --------------------------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:03,500
Therapist: How was
the <i>week</i>?

2
00:00:03,500 --> 00:00:05,000
{\\an8}I slept badly.

3
01:00:05,000 --> 01:00:06,125
<font color="red">Client:</font> Still {{RED:hopeless}}.
"""


def test_srt() -> None:
    transcript = parse_transcript(SRT.encode(), filename="session.srt")
    assert transcript.source_format == "srt"
    assert transcript.segments == (
        Segment("How was the week?", "Therapist", 1.0, 3.5),
        Segment("I slept badly.", None, 3.5, 5.0),
        Segment("Still {{RED:hopeless}}.", "Client", 3605.0, 3606.125),
    )
    assert transcript.as_text() == (
        "Therapist: How was the week?\nI slept badly.\nClient: Still {{RED:hopeless}}."
    )
    assert parse_transcript(SRT.encode()).segments == transcript.segments


# --- JSON -------------------------------------------------------------------------------

ITEMS = [
    {"speaker": "Therapist", "start": 0, "end": 2.5, "text": "How are\n you?"},
    {"speaker": "Client", "start": "2.5", "end": " 4 ", "text": "Tired."},
    {"text": "  "},  # empty after normalisation: dropped
    {"speaker": None, "text": "[door closes]", "confidence": 0.9},
    {"speaker": " ", "start": 1e1, "text": "Fine."},
]
JSON_SEGMENTS = (
    Segment("How are you?", "Therapist", 0.0, 2.5),
    Segment("Tired.", "Client", 2.5, 4.0),
    Segment("[door closes]"),
    Segment("Fine.", None, 10.0, None),
)


@pytest.mark.parametrize("document", [ITEMS, {"text": "whole", "segments": ITEMS}])
@pytest.mark.parametrize("filename", [None, "session.json", "session.txt"])
def test_json(document: object, filename: str | None) -> None:
    transcript = parse_transcript(json.dumps(document).encode(), filename=filename)
    assert transcript.source_format == "json"
    assert transcript.segments == JSON_SEGMENTS
    assert transcript.as_text() == "Therapist: How are you?\nClient: Tired.\n[door closes]\nFine."


def test_text_starting_with_a_bracket_is_not_json() -> None:
    transcript = parse_transcript(b"[inaudible] Client: fine\n{{RED:hurt}} again")
    assert transcript.source_format == "text"
    assert transcript.as_text() == "[inaudible] Client: fine\n{{RED:hurt}} again"


# --- encodings --------------------------------------------------------------------------

CONTENT = "Therapist: Café or tea?\r\nClient: I’m fine, merci.\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CONTENT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CONTENT.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + CONTENT.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + CONTENT.encode("utf-16-be"), "utf-16"),
        (CONTENT.encode("utf-16-le"), "utf-16-le"),
        (CONTENT.encode("utf-16-be"), "utf-16-be"),
        (CONTENT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_give_the_same_segments(data: bytes, encoding: str) -> None:
    transcript = parse_transcript(data)
    assert transcript.encoding == encoding
    assert transcript.segments == (
        Segment("Café or tea?", "Therapist"),
        Segment("I’m fine, merci.", "Client"),
    )
    assert data.decode(encoding).lstrip("\ufeff") == CONTENT


def test_old_windows_export_is_read_as_cp1252() -> None:
    transcript = parse_transcript(b"caf\xe9 au lait")
    assert (transcript.encoding, transcript.as_text()) == ("cp1252", "café au lait")


def test_utf16_vtt_is_detected_after_decoding() -> None:
    transcript = parse_transcript(("\ufeff" + VTT).encode("utf-16"))
    assert transcript.source_format == "vtt"
    assert transcript.as_text() == parse_transcript(VTT.encode()).as_text()


# --- bad input --------------------------------------------------------------------------


def refused(data: bytes, filename: str | None = None) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, filename=filename)
    message = str(caught.value)
    assert PHRASE not in message and "hurt" not in message
    if filename:
        assert filename in message
    return message


def test_empty_and_whitespace_only() -> None:
    assert refused(b"", "a.txt") == "a.txt is empty; choose the file that holds the transcript."
    assert "is empty" in refused(b" \r\n\t \n")
    assert "is empty" in refused(" \n ".encode("utf-16"))


def test_binary_is_not_text() -> None:
    noise = random.Random(7).randbytes(4000)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise + PHRASE.encode()
    assert "scan.png is not a text file" in refused(png, "scan.png")
    controls = bytes(range(1, 9)) * 50 + PHRASE.encode()
    assert "is not a text file" in refused(controls)


def test_broken_utf8() -> None:
    good = f"{PHRASE}, café".encode()
    message = refused(good + b" \xff\xfe more", "notes.txt")
    assert f"not valid UTF-8 (invalid byte at position {len(good) + 1})" in message
    assert "save it as UTF-8" in message
    bom = refused(b"\xef\xbb\xbf" + PHRASE.encode() + b"\xe9")
    assert f"(invalid byte at position {3 + len(PHRASE)})" in bom


def test_high_byte_junk_is_not_read_as_cp1252() -> None:
    assert "not valid UTF-8" in refused(bytes(range(0xA0, 0x100)) * 8)


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (
            f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n{PHRASE}\n\n{PHRASE} again\n",
            "s.vtt",
            "s.vtt is not a valid WebVTT file: line 7 has no timestamp",
        ),
        (f"{PHRASE}\n", "s.vtt", "line 1 is not the WEBVTT header"),
        (
            f"WEBVTT\n\n00:00:01.000 --> 00:00:61.000\n{PHRASE}\n",
            "s.vtt",
            "not a valid WebVTT file: line 3 has an invalid timestamp",
        ),
        (
            f"1\n00:00:01,000 --> 00:00:02,000\n{PHRASE}\n\n2\n{PHRASE}\n",
            "s.srt",
            "s.srt is not a valid SubRip (SRT) file: line 6 has no timestamp",
        ),
        (f"{PHRASE}\n", "s.srt", "line 1 has no timestamp"),
        (
            f"1\n00:00:01,000 --> 00:00:xx,000\n{PHRASE}\n",
            "s.srt",
            "line 2 has an invalid timestamp",
        ),
        (f'[{{"text": "{PHRASE}"', "s.json", "s.json cannot be read as JSON segments: line 1"),
        (f"{PHRASE}\n", "s.json", "line 1 column 1"),
    ],
)
def test_content_that_does_not_match_its_extension(
    content: str, filename: str, expected: str
) -> None:
    assert expected in refused(content.encode(), filename)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"text": PHRASE}, 'expected a list of segments or an object with "segments"'),
        ([{"text": "ok"}, PHRASE], "the item at index 1 is not an object"),
        ([{"speaker": "T", "words": PHRASE}], 'the item at index 0 has no "text"'),
        ([{"text": [PHRASE]}], '"text" of the item at index 0 is not a string'),
        ([{"text": None}], '"text" of the item at index 0 is not a string'),
        ([{"text": PHRASE, "speaker": 3}], '"speaker" of the item at index 0 is not a string'),
        ([{"text": "a"}, {"text": PHRASE, "start": "soon"}], '"start" of the item at index 1'),
        ([{"text": PHRASE, "end": True}], '"end" of the item at index 0'),
        ([{"text": PHRASE, "start": -1}], '"start" of the item at index 0'),
        ([{"text": PHRASE, "start": "nan"}], '"start" of the item at index 0'),
        ([{"text": PHRASE, "start": 10**400}], '"start" of the item at index 0'),
        ({"segments": [{"text": PHRASE, "start": {}}]}, '"start" of the item at index 0'),
    ],
)
def test_json_of_the_wrong_shape(document: object, expected: str) -> None:
    data = json.dumps(document).encode()
    assert expected in refused(data, "s.json")
    assert expected in refused(data)


@pytest.mark.parametrize("filename", [None, "deep.json", "deep.txt"])
def test_deeply_nested_json(filename: str | None) -> None:
    assert "nested too deeply" in refused(b"[" * 100_000 + PHRASE.encode(), filename)


def test_json_with_no_text() -> None:
    assert "contains no transcript text" in refused(b'{"segments": []}', "s.json")
    assert "contains no transcript text" in refused(b"WEBVTT\n\nNOTE only a note\n")


def test_oversized_data_is_refused() -> None:
    assert "larger than 50 MB" in refused(b"x" * (MAX_BYTES + 1), "big.txt")


# --- files ------------------------------------------------------------------------------


def test_read_transcript_file(tmp_path: Path) -> None:
    path = tmp_path / "session.srt"
    path.write_bytes(SRT.encode("utf-16"))
    transcript = read_transcript_file(path)
    assert transcript == parse_transcript(SRT.encode("utf-16"))
    assert transcript.encoding == "utf-16"


def test_oversized_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no 50 MB actually written
        handle.seek(MAX_BYTES)
        handle.write(b"x")

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(TranscriptError, match="larger than 50 MB") as caught:
        read_transcript_file(path)
    assert str(path) in str(caught.value)


def test_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="is a folder"):
        read_transcript_file(tmp_path)
    missing = tmp_path / "gone.txt"
    with pytest.raises(TranscriptError, match="does not exist") as caught:
        read_transcript_file(missing)
    assert str(missing) in str(caught.value)


# --- fuzzing ----------------------------------------------------------------------------

FILENAMES = st.sampled_from([None, "a.txt", "a.vtt", "a.srt", "a.json", "a"])
PREFIXES = st.sampled_from(
    ["", "WEBVTT\n\n", "1\n00:00:01,000 --> 00:00:02,000\n", "[", '{"segments": [', "T: "]
)


def check_result(transcript: Transcript) -> None:
    assert transcript.segments
    for segment in transcript.segments:
        assert segment.text and normalize_whitespace(segment.text) == segment.text
    assert len(transcript.as_text().split("\n")) == len(transcript.segments)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000), FILENAMES)
def test_arbitrary_bytes_parse_or_raise_transcript_error(data: bytes, name: str | None) -> None:
    try:
        transcript = parse_transcript(data, filename=name)
    except TranscriptError:
        return
    check_result(transcript)


@settings(max_examples=300, deadline=None)
@given(PREFIXES, st.text(max_size=300), FILENAMES)
def test_format_like_text_parses_or_raises_transcript_error(
    prefix: str, text: str, name: str | None
) -> None:
    try:
        transcript = parse_transcript((prefix + text).encode(), filename=name)
    except TranscriptError:
        return
    check_result(transcript)
