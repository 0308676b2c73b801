"""Risk detection, urgent-word marking and the Risk-section safety net."""

import re
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from risk_labelled import LABELLED, Labelled

from core.notes.markers import RED_MARKER, strip_markers
from core.notes.risk import (
    LINE_PREFIX,
    MARKER_PATTERN,
    URGENT_WORD_PATTERN,
    RiskCategory,
    RiskFlag,
    RiskStatus,
    apply_risk_safety_net,
    detect_risks,
    mark_urgent_words,
)

PROPERTY = settings(max_examples=200, deadline=None)
CATEGORIES: tuple[RiskCategory, ...] = get_args(RiskCategory)
STATUSES: tuple[RiskStatus, ...] = get_args(RiskStatus)


def flags_of(item: Labelled) -> frozenset[tuple[str, str]]:
    text = f"{item.speaker}: {item.sentence}" if item.speaker else item.sentence
    return frozenset((f.category, f.status) for f in detect_risks(text))


def pairs(status: str) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) over the labelled set."""
    tp = fp = fn = 0
    for item in LABELLED:
        want = {c for c, s in item.expected if s == status}
        got = {c for c, s in flags_of(item) if s == status}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp, fp, fn


def norm(text: str) -> str:
    return " ".join(strip_markers(text).split()).casefold()


# --- The labelled set -----------------------------------------------------------------


def test_the_labelled_set_covers_every_category_and_kind() -> None:
    assert len(LABELLED) >= 80
    for category in CATEGORIES:
        assert any((category, "disclosed") in item.expected for item in LABELLED), category
    kinds = {item.kind for item in LABELLED}
    assert {"denial", "historical", "idiom", "benign", "clinician", "third party"} <= kinds


def test_every_disclosure_in_the_labelled_set_is_found() -> None:
    tp, _, fn = pairs("disclosed")
    misses = [
        i.sentence
        for i in LABELLED
        if not {p for p in i.expected if p[1] == "disclosed"} <= flags_of(i)
    ]
    assert fn == 0 and tp > 0, misses


def test_disclosure_precision_on_the_labelled_set_is_at_least_95_percent() -> None:
    tp, fp, _ = pairs("disclosed")
    assert tp / (tp + fp) >= 0.95


@pytest.mark.parametrize("status", ["denied", "historical"])
def test_denied_and_historical_statuses_match_the_labels(status: str) -> None:
    tp, _, fn = pairs(status)
    assert tp / (tp + fn) >= 0.9


# --- Detection paths ------------------------------------------------------------------

IDIOMS = [
    "I killed it at the presentation.",
    "The commute is killing me.",
    "You're killing me.",
    "This heat is killing me.",
    "I could kill for a coffee.",
    "I'm dying to see the show.",
    "The dessert was to die for.",
    "I laughed so hard I almost died.",
    "My phone died.",
    "We were killing time.",
    "Shoot, I forgot.",
    "I had a shot of espresso.",
    "He is drop-dead gorgeous.",
    "It's a killer app.",
    "I nearly died of embarrassment.",
    "The deadline moved.",
    "I'm dead tired.",
    "I was bored to death.",
]


@pytest.mark.parametrize("line", IDIOMS)
def test_idioms_are_not_risk(line: str) -> None:
    assert detect_risks(f"Client: {line}") == []


def test_a_disclosure_gives_its_quote_line_and_speaker() -> None:
    transcript = "Therapist: How was your week?\nClient: Bad. I just want to end my life.\n"
    [flag] = detect_risks(transcript)
    assert flag == RiskFlag(
        "suicidal_ideation",
        "disclosed",
        "I just want to end my life.",
        2,
        "Client",
        "active_ideation",
    )
    assert flag.lines == (2,)
    assert flag.describe() == (
        'Suicidal ideation (disclosed, line 2, Client): "I just want to end my life."'
    )


def test_a_denial_is_denied() -> None:
    [flag] = detect_risks("Client: I don't want to hurt myself.")
    assert (flag.category, flag.status) == ("self_harm", "denied")
    assert flag.describe() == 'Denied self-harm (line 1, Client): "I don\'t want to hurt myself."'


def test_a_past_risk_is_historical() -> None:
    [flag] = detect_risks("Years ago I tried to kill myself.")
    assert (flag.category, flag.status, flag.speaker) == ("suicidal_ideation", "historical", None)
    assert flag.describe().startswith("Historical suicidal ideation (line 1): ")


def test_passive_ideation_with_dont_is_a_disclosure() -> None:
    for line in ["I don't want to be here anymore.", "I don't want to wake up."]:
        assert [(f.category, f.status) for f in detect_risks(line)] == [
            ("suicidal_ideation", "disclosed")
        ]


def test_one_flag_per_line_and_category_and_the_strongest_status_wins() -> None:
    flags = detect_risks("Client: I'm not suicidal. Well, sometimes I want to die. Years ago too.")
    assert [(f.category, f.status) for f in flags] == [("suicidal_ideation", "disclosed")]
    assert flags[0].quote == "Well, sometimes I want to die."


def test_history_with_a_present_disclosure_in_the_line_is_disclosed() -> None:
    [flag] = detect_risks("I used to cut myself, and lately I've started cutting again.")
    assert (flag.category, flag.status) == ("self_harm", "disclosed")


@pytest.mark.parametrize(
    "speaker", ["Therapist", "Dr. Lee", "T", "Interviewer", "Counselor", "Social worker", "Nurse"]
)
def test_clinician_lines_are_skipped(speaker: str) -> None:
    assert detect_risks(f"{speaker}: Have you had thoughts of killing yourself or suicide?") == []


def test_a_question_to_the_listener_is_skipped_but_a_clients_own_question_is_not() -> None:
    assert detect_risks("Any thoughts of suicide this week?") == []
    assert len(detect_risks("Client: Is it bad that I think about suicide?")) == 1


def test_others_self_harm_is_not_the_clients_but_abuse_by_others_is() -> None:
    assert detect_risks("Client: My friend cuts herself and my sister self-harms.") == []
    [flag] = detect_risks("Client: He hits me when he drinks.")
    assert (flag.category, flag.status) == ("abuse", "disclosed")
    [flag] = detect_risks("Client: I want to hit him.")
    assert flag.category == "violence"


def test_means_count_only_beside_a_suicidal_phrase() -> None:
    assert detect_risks("I take my pills every morning.") == []
    found = {(f.category, f.status) for f in detect_risks("I want to die. I've got pills.")}
    assert found == {("suicidal_ideation", "disclosed"), ("plan_or_means", "disclosed")}


def test_flags_come_in_line_order_with_timestamps_and_labels() -> None:
    transcript = "\n".join(
        [
            "[00:00:01] Speaker 1: Hello.",
            "[00:00:05] Speaker 2: He choked me last week.",
            "",
            "CLIENT: I overdosed on Saturday.",
        ]
    )
    flags = detect_risks(transcript)
    assert [(f.line, f.speaker, f.category) for f in flags] == [
        (2, "Speaker 2", "abuse"),
        (4, "CLIENT", "overdose"),
    ]


@PROPERTY
@given(st.lists(st.sampled_from(LABELLED), min_size=1, max_size=12))
def test_each_lines_own_findings_stand_whatever_the_dialogue_adds(
    items: list[Labelled],
) -> None:
    lines = [f"{i.speaker}: {i.sentence}" if i.speaker else i.sentence for i in items]
    flags = detect_risks("\n".join(lines))
    for number, line in enumerate(lines, start=1):
        alone = {(f.category, f.status, f.quote) for f in detect_risks(line)}
        assert alone <= {(f.category, f.status, f.quote) for f in flags if f.line == number}


# --- Marking --------------------------------------------------------------------------


def test_urgent_words_are_wrapped_exactly_and_case_is_kept() -> None:
    text = "Suicide risk; he killed a man; self harm, OD'd, cutting myself; od is not OD"
    assert mark_urgent_words(text) == (
        "{{RED:Suicide}} risk; he {{RED:killed}} a man; {{RED:self harm}}, {{RED:OD'd}}, "
        "{{RED:cutting myself}}; od is not {{RED:OD}}"
    )


def test_existing_markers_are_kept_and_not_doubled() -> None:
    text = "{{RED:kill}} and {{NOTE:violence here}} and abuse"
    assert mark_urgent_words(text) == "{{RED:kill}} and {{NOTE:violence here}} and {{RED:abuse}}"


URGENT = [
    "suicide", "Suicidal", "self-harm", "self harm", "selfharm", "kill", "kills", "KILLED",
    "killing", "hurt myself", "hurting myself", "violence", "violent", "abuse", "abused",
    "abusive", "abusing", "overdose", "overdosed", "overdosing", "OD", "OD'd", "OD’d",
    "cut myself", "cutting myself",
]  # fmt: skip
FILLER = ["the", "client", "said", "od", "Od", "kill-", "-", "'", "’", ",", ".", ":", "{", "}"]
FILLER += ["{{", "}}", "{{RED:", "{{NOTE:", "\n", "  ", "killer", "skill", "harm", "RED"]
WORDS = st.one_of(st.sampled_from(URGENT + FILLER), st.text(max_size=6))
TEXT = st.lists(WORDS, max_size=30).map(" ".join) | st.lists(WORDS, max_size=30).map("".join)
CONTENT = st.text(st.characters(blacklist_characters="{}\n"), max_size=12) | st.sampled_from(URGENT)
MARKER = st.builds(lambda k, c: f"{{{{{k}:{c}}}}}", st.sampled_from(["RED", "NOTE", "X1"]), CONTENT)
PLAIN = st.lists(st.sampled_from(URGENT + FILLER[:-10]) | st.text(st.characters(
    blacklist_characters="{}"), max_size=6), max_size=6).map(" ".join)  # fmt: skip


@PROPERTY
@given(TEXT)
def test_marking_is_idempotent(text: str) -> None:
    once = mark_urgent_words(text)
    assert mark_urgent_words(once) == once


@PROPERTY
@given(TEXT)
def test_after_marking_no_urgent_word_is_outside_a_marker(text: str) -> None:
    outside = MARKER_PATTERN.sub(" ", mark_urgent_words(text))
    assert URGENT_WORD_PATTERN.search(outside) is None


@PROPERTY
@given(st.lists(MARKER | PLAIN, max_size=10))
def test_marking_never_removes_or_changes_existing_markers(parts: list[str]) -> None:
    text = "".join(parts)
    marked = mark_urgent_words(text)
    wrapped = re.compile(r"\{\{RED:(" + URGENT_WORD_PATTERN.pattern + r")\}\}", re.IGNORECASE)
    pieces, last = [], 0
    for match in MARKER_PATTERN.finditer(text):
        pieces += [text[last : match.start()], match.group(0)]
        last = match.end()
    pieces.append(text[last:])
    at = 0
    for k, piece in enumerate(pieces):
        if k % 2:  # an existing marker: unchanged, at its place
            assert marked[at : at + len(piece)] == piece
            at += len(piece)
        else:  # plain text: only urgent words wrapped, 8 characters each
            size = len(piece) + 8 * len(URGENT_WORD_PATTERN.findall(piece))
            assert wrapped.sub(r"\1", marked[at : at + size]) == piece
            at += size
    assert at == len(marked)


# --- Safety net -----------------------------------------------------------------------

QUOTES = st.sampled_from([i.sentence for i in LABELLED]) | st.text(
    st.characters(blacklist_characters="{}", blacklist_categories=["Cc", "Zl", "Zp", "Cs"]),
    min_size=1,
    max_size=40,
).filter(lambda q: q.strip() != "")
FLAGS = st.lists(
    st.builds(
        RiskFlag,
        category=st.sampled_from(CATEGORIES),
        status=st.sampled_from(STATUSES),
        quote=QUOTES.map(str.strip),
        line=st.integers(1, 400),
        speaker=st.sampled_from([None, "Client", "Speaker 2", "Dr. Lee"]),
    ),
    max_size=6,
)
SECTION_LINES = st.sampled_from(
    [
        "",
        "Not discussed",
        "Not discussed.",
        "None",
        "- None.",
        "Risk: not discussed",
        "Client denied SI. Not discussed further.",
        "{{RED:Suicidal}} thoughts reported; see plan.",
        "I just want to end my life.",
        "Client reports no thoughts of self-harm.",
    ]
) | st.text(st.characters(blacklist_characters="{}"), max_size=30)
SECTIONS = st.lists(SECTION_LINES, max_size=5).map("\n".join)


@PROPERTY
@given(SECTIONS, FLAGS)
def test_the_safety_net_records_every_disclosure_and_is_idempotent(
    section: str, flags: list[RiskFlag]
) -> None:
    once = apply_risk_safety_net(section, flags)
    assert apply_risk_safety_net(once, flags) == once
    for flag in flags:
        if flag.status == "disclosed":
            assert norm(flag.quote) in norm(once)
            if flag.quote.strip():  # in red where it stands, or beside a red word
                held = [line for line in once.splitlines() if norm(flag.quote) in norm(line)]
                assert any("{{RED:" in line for line in held)


@PROPERTY
@given(SECTIONS, FLAGS)
def test_not_discussed_never_remains_beside_a_disclosure(
    section: str, flags: list[RiskFlag]
) -> None:
    once = apply_risk_safety_net(section, flags)
    if any(flag.status == "disclosed" for flag in flags):
        own = {norm(LINE_PREFIX + flag.describe()) for flag in flags}
        for line in once.splitlines():
            assert norm(line) in own or "not discussed" not in norm(line)


def test_the_safety_net_replaces_not_discussed_with_the_flags() -> None:
    flags = detect_risks(
        "Client: I just want to end my life.\nClient: I would never hurt anyone.\n"
        "Client: I used to cut myself years ago."
    )
    assert apply_risk_safety_net("Not discussed", flags) == "\n".join(
        [
            'Transcript: {{RED:Suicidal}} ideation (disclosed, line 1, Client): "{{RED:I just '
            'want to end my life.}}"',
            "Transcript: Denied {{RED:violence}} toward others (line 2, Client): "
            '"I would never hurt anyone."',
            "Transcript: Historical {{RED:self-harm}} (line 3, Client): "
            '"I used to {{RED:cut myself}} years ago."',
        ]
    )


def test_the_safety_net_keeps_what_the_model_already_wrote_and_marks_the_quote_red() -> None:
    flags = detect_risks("Client: I just want to end my life.")
    section = 'Client said: "I just want to end my life." Safety plan made.'
    marked = 'Client said: "{{RED:I just want to end my life.}}" Safety plan made.'
    assert apply_risk_safety_net(section, flags) == marked
    assert apply_risk_safety_net(marked, flags) == marked


def test_a_plan_or_means_alone_is_marked_red_in_the_risk_section() -> None:
    flags = detect_risks(
        "Therapist: Have you done anything to get ready?\n"
        "Client: I've been saving my tablets in a sock in my drawer."
    )
    assert [(f.category, f.status) for f in flags] == [("plan_or_means", "disclosed")]
    section = apply_risk_safety_net("Not discussed", flags)
    assert "{{RED:" in section
    assert RED_MARKER.search(section).group(1).endswith("in a sock in my drawer.")


def test_a_quote_the_model_wrote_in_other_case_and_spacing_is_marked_where_it_stands() -> None:
    flags = detect_risks(
        "Client: I want to kill myself.\nClient: I gave the dog to my sister. Told her I "
        "won't need him."
    )
    assert ("plan_or_means", "I gave the dog to my sister.") in [
        (f.category, f.quote) for f in flags
    ]
    once = apply_risk_safety_net("Reports: i gave the dog  to my SISTER. Plan made.", flags)
    assert once.splitlines()[0] == "Reports: {{RED:i gave the dog  to my SISTER.}} Plan made."


def test_no_flags_leaves_the_section_only_marked() -> None:
    assert apply_risk_safety_net("Not discussed", []) == "Not discussed"
    assert apply_risk_safety_net("No suicide risk.", []) == "No {{RED:suicide}} risk."


def test_a_disclosure_quoted_inside_a_possible_risks_line_is_still_recorded_in_red() -> None:
    quote = "I just want it all to stop."
    possible = RiskFlag("suicidal_ideation", "possible", f"Mostly {quote} Honestly.", 3, "Client")
    disclosure = RiskFlag("suicidal_ideation", "disclosed", quote, 5, "Client")
    section = apply_risk_safety_net("", [possible, disclosure])
    own = [line for line in section.splitlines() if "(disclosed, line 5" in line]
    assert len(own) == 1 and f"{{{{RED:{quote}}}}}" in own[0], section


def test_a_possible_risk_is_recorded_for_review_never_as_a_red_disclosure() -> None:
    flag = RiskFlag("self_harm", "possible", "I want to kill the pain.", 4, "Client", "nssi")
    once = apply_risk_safety_net("Not discussed", [flag])
    assert once == (
        'Transcript: Possible risk, please review: self-harm (line 4, Client): "I want to kill '
        'the pain."'
    )
    assert apply_risk_safety_net(once, [flag]) == once
    with_model_text = apply_risk_safety_net("Client mentioned pain; kill switch.", [flag])
    assert with_model_text.splitlines() == ["Client mentioned pain; {{RED:kill}} switch.", once]
