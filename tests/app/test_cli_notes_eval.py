"""``auralis notes eval`` on a 3-row CSV, through a real subprocess and the real rule engine."""

import csv
import json
from pathlib import Path

from conftest import CliRunner
from rouge_score import rouge_scorer

ROWS = [
    (
        "[doctor] hi , what brings you in today ?\n"
        "[patient] i have had a cough for three weeks and it keeps me up at night .\n"
        "[doctor] any fever ?\n[patient] no .\n"
        "[doctor] on physical examination , your lungs have some wheezing .\n"
        "[doctor] my assessment is bronchitis . i want you to use an inhaler twice a day .",
        "CHIEF COMPLAINT\n\nCough.\n\nHISTORY OF PRESENT ILLNESS\n\nThe patient has had a "
        "cough for three weeks that keeps her up at night. She denies fever.\n\nASSESSMENT "
        "AND PLAN\n\nBronchitis. Use an inhaler twice a day.",
    ),
    (
        "[doctor] zebrafinch is a 60-year-old male who presents with knee pain .\n"
        "[patient] my right knee has been swelling after i walk to the shop .\n"
        "[doctor] looking at your x-ray , there is mild arthritis .\n"
        "[doctor] for your knee pain , i want you to take ibuprofen and see physical therapy .",
        "CHIEF COMPLAINT\n\nKnee pain.\n\nRESULTS\n\nX-ray shows mild arthritis.\n\nPLAN\n\n"
        "Ibuprofen and physical therapy.",
    ),
    (
        "Doctor: How have you been sleeping?\nPatient: Badly, I wake at four every morning.",
        "Poor sleep with early waking.",
    ),
]


def _csv(path: Path, rows: list[tuple[str, str]], columns: tuple[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", *columns])
        writer.writerows([str(n), *row] for n, row in enumerate(rows))
    return path


def test_eval_scores_drafts_beside_the_transcript(run_cli: CliRunner, tmp_path: Path) -> None:
    data = _csv(tmp_path / "set.csv", ROWS, ("dialogue", "note"))
    out = tmp_path / "report.json"
    args = ("notes", "eval", str(data), "--engine", "rules", "--json", "--output", str(out))
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == report
    assert report["notes"] == 3 and report["template"] == "visit"
    assert report["engine"] == "rules" and report["degraded"] == 0
    assert report["echoes_left"] == 0 and report["risk_contradictions_left"] == 0
    # The baseline is the field's ROUGE-Lsum of the transcript pasted as the note.
    scorer = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=True)
    pasted = sum(scorer.score(note, dialogue)["rougeLsum"].fmeasure for dialogue, note in ROWS)
    assert report["transcript_as_note"]["rougeLsum"] == round(pasted / 3, 4)
    for scores in (report["draft"], report["transcript_as_note"]):
        assert all(0 < scores[k] < 1 for k in ("rouge1", "rouge2", "rougeL", "rougeLsum"))
        assert 0 <= scores["bleu"] <= 100
    assert 0 < report["section_coverage"] <= 1
    assert report["risk_marker_recall"] is None  # no disclosure in these rows
    assert [n["row"] for n in report["per_note"]] == [1, 2, 3]
    assert report["words"]["mean"] > 0 and report["seconds_per_note"]["max"] >= 0
    assert "3/3" in result.stderr  # the progress bar
    assert "zebrafinch" not in result.stdout.lower()  # numbers only, never the notes' text


def test_eval_reads_mts_dialog_columns_and_prints_a_table(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    data = _csv(tmp_path / "mts.csv", ROWS, ("dialogue", "section_text"))
    result = run_cli(
        "notes",
        "eval",
        str(data),
        "--note-column",
        "section_text",
        "--engine",
        "rules",
        "--template",
        "soap",
        "--limit",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert "2 notes, template soap" in result.stdout
    assert "rougeLsum" in result.stdout and "TRANSCRIPT AS NOTE" in result.stdout


def test_a_missing_column_is_named_with_the_columns_there_are(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    data = _csv(tmp_path / "set.csv", ROWS, ("dialogue", "summary"))
    result = run_cli("notes", "eval", str(data), "--engine", "rules")
    assert result.returncode == 1
    assert "has no column 'note'; its columns are: 'id', 'dialogue', 'summary'" in result.stderr
    assert result.stderr.count("\n") == 1  # one clear line
