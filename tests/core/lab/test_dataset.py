"""``lab data``'s reading, checking and splitting, on pairs written here: every left-out
row reported with its number and reason, whitespace normalised, the split disjoint by
transcript and reproducible, and each bad input refused in one line."""

import csv
import json
from pathlib import Path

import pytest

from core.lab.dataset import (
    DatasetError,
    load_pairs,
    normalise,
    parse_split,
    split_pairs,
)
from core.lab.sections import section_for, split_note
from core.notes.templates import BUILTIN_TEMPLATES

VISIT = BUILTIN_TEMPLATES["visit"]


def visit_note(n: int) -> str:
    return (
        f"CHIEF COMPLAINT\n\nKnee pain number {n}.\n\nHISTORY OF PRESENT ILLNESS\n\n"
        f"The patient reports knee pain for {n} days.\n\nPHYSICAL EXAM\n\nSwelling of the "
        "right knee.\n\nASSESSMENT AND PLAN\n\nIbuprofen and rest."
    )


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def pairs_csv(path: Path, count: int) -> Path:
    return write_csv(
        path,
        [
            {
                "dialogue": f"[doctor] what brings you in {n}\n[patient] my knee",
                "note": visit_note(n),
            }
            for n in range(count)
        ],
    )


def test_a_reference_note_is_read_under_the_template_sections() -> None:
    sections = split_note(VISIT, visit_note(3) + "\n\nSOCIAL HISTORY\n\nWorks as a chef.")
    assert sections["chief_complaint"] == "Knee pain number 3."
    # an exam heading of another wording, and history of any kind under the HPI
    assert sections["physical_examination"] == "Swelling of the right knee."
    assert "Works as a chef." in sections["history_of_present_illness"]
    assert set(sections) == {
        "chief_complaint",
        "history_of_present_illness",
        "physical_examination",
        "assessment_and_plan",
    }


def test_section_codes_of_a_section_level_set_name_template_sections() -> None:
    assert section_for(VISIT, "GENHX") == "history_of_present_illness"
    assert section_for(VISIT, "FAM/SOCHX") == "history_of_present_illness"
    assert section_for(VISIT, "Review of Systems") == "review_of_systems"
    assert section_for(VISIT, "EXAM") == "physical_examination"
    assert section_for(VISIT, "nonsense") is None


def test_every_row_left_out_is_reported_with_its_number_and_reason(tmp_path: Path) -> None:
    rows = [
        {"dialogue": "[doctor] hello\n[patient]   my   knee\thurts", "note": visit_note(1)},
        {"dialogue": "", "note": visit_note(2)},  # 2: empty transcript
        {"dialogue": "[doctor] hello\n[patient] my knee hurts", "note": visit_note(1)},  # dup
        {"dialogue": "[doctor] x\n[patient] y", "note": "A note with no heading at all."},
        {"dialogue": "long " * 20_000, "note": visit_note(5)},  # 5: too long
        {"dialogue": "[doctor] ok\n[patient] fine", "note": ""},  # 6: empty note
    ]
    report = load_pairs(
        write_csv(tmp_path / "set.csv", rows),
        VISIT,
        transcript_column="dialogue",
        note_column="note",
    )
    assert [p.row for p in report.pairs] == [1]
    assert report.skipped == [
        (2, "empty transcript"),
        (3, "duplicate of row 1"),
        (4, "the note has none of the template's headings"),
        (5, "longer than 60,000 characters"),
        (6, "empty note"),
    ]
    # runs of spaces and tabs are one space; the line break of the turn is kept
    assert report.pairs[0].transcript == "[doctor] hello\n[patient] my knee hurts"


def test_json_lines_with_values_that_are_not_text_are_reported(tmp_path: Path) -> None:
    lines = [
        json.dumps({"t": "[doctor] hi\n[patient] cough", "n": visit_note(1), "s": "GENHX"}),
        json.dumps({"t": 42, "n": visit_note(2), "s": "GENHX"}),
        "not json at all",
        json.dumps({"t": "[doctor] hi\n[patient] rash", "n": "Rash on the arm.", "s": "CC"}),
        json.dumps({"t": "[doctor] so\n[patient] ok", "n": "x", "s": "UNKNOWN"}),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_pairs(path, VISIT, transcript_column="t", note_column="n", section_column="s")
    assert [(p.row, list(p.sections)) for p in report.pairs] == [
        (1, ["history_of_present_illness"]),
        (4, ["chief_complaint"]),
    ]
    assert report.skipped == [
        (2, "a value is not text"),
        (3, "not a JSON object"),
        (5, "its section names no section of the template"),
    ]


def test_a_utf16_csv_is_read_like_a_utf8_one(tmp_path: Path) -> None:
    path = pairs_csv(tmp_path / "a.csv", 3)
    utf16 = tmp_path / "b.csv"
    utf16.write_text(path.read_text(encoding="utf-8"), encoding="utf-16")
    first = load_pairs(path, VISIT, transcript_column="dialogue", note_column="note")
    second = load_pairs(utf16, VISIT, transcript_column="dialogue", note_column="note")
    assert first.pairs == second.pairs


def test_the_split_keeps_each_transcript_in_one_part_and_is_reproducible(
    tmp_path: Path,
) -> None:
    rows = [
        {"dialogue": f"[doctor] visit {n // 2}\n[patient] fine", "note": visit_note(n)}
        for n in range(60)
    ]  # every transcript twice, with two different notes
    pairs = load_pairs(
        write_csv(tmp_path / "set.csv", rows),
        VISIT,
        transcript_column="dialogue",
        note_column="note",
    ).pairs
    parts = split_pairs(pairs, (0.8, 0.1, 0.1), seed=3)
    owners: dict[str, set[str]] = {}
    for name, part in parts.items():
        for pair in part:
            owners.setdefault(pair.transcript, set()).add(name)
    assert all(len(names) == 1 for names in owners.values())
    assert [len(parts[n]) for n in ("train", "valid", "test")] == [48, 6, 6]
    again = split_pairs(pairs, (0.8, 0.1, 0.1), seed=3)
    assert again == parts
    assert split_pairs(pairs, (0.8, 0.1, 0.1), seed=4) != parts


def test_a_split_that_would_leave_a_part_empty_is_refused(tmp_path: Path) -> None:
    pairs = load_pairs(
        pairs_csv(tmp_path / "set.csv", 2), VISIT, transcript_column="dialogue", note_column="note"
    ).pairs
    with pytest.raises(
        DatasetError, match="2 distinct transcripts cannot fill a split of 80/10/10"
    ):
        split_pairs(pairs, (0.8, 0.1, 0.1), seed=0)
    assert len(split_pairs(pairs, (0.5, 0.5, 0.0), seed=0)["test"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("80/10", "three whole percentages"), ("50/30/30", "add up to 100"), ("0/50/50", "add up")],
)
def test_a_malformed_split_is_refused(text: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        parse_split(text)


def test_bad_files_are_refused_in_one_line(tmp_path: Path) -> None:
    def refused(path: Path, **columns: str) -> str:
        with pytest.raises(DatasetError) as caught:
            load_pairs(
                path,
                VISIT,
                transcript_column=columns.get("t", "dialogue"),
                note_column=columns.get("n", "note"),
            )
        message = str(caught.value)
        assert "\n" not in message
        return message

    csv_file = pairs_csv(tmp_path / "set.csv", 2)
    assert "has no column 'transcript'; its columns are: 'dialogue', 'note'" in refused(
        csv_file, t="transcript"
    )
    binary = tmp_path / "model.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    assert "is not a text file" in refused(binary)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: 2 GB that take no disk
        handle.truncate(2 << 30)
    assert "is 2.0 GiB; the lab reads files up to 1 GiB" in refused(huge)
    assert "cannot be read" in refused(tmp_path / "absent.csv")
    empty_rows = write_csv(tmp_path / "empty.csv", [{"dialogue": "", "note": ""}])
    assert "has no usable row (1 left out; empty transcript)" in refused(empty_rows)


def test_normalise_is_idempotent() -> None:
    text = "  a \t b \r\n\r\n\r\n\r\n c\u00a0d  "
    assert normalise(text) == "a b\n\nc d"
    assert normalise(normalise(text)) == normalise(text)
