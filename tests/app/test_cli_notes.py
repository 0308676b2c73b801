"""``auralis notes ...`` and ``auralis templates ...`` through real subprocesses."""

import json
from pathlib import Path

import docx
import pytest
from conftest import CliRunner

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Therapist>How has your week been?

00:00:05.000 --> 00:00:09.000
<v Client>I feel low and I have not been sleeping.

00:00:10.000 --> 00:00:14.000
<v Client>Some nights I think about ending my life.

00:00:15.000 --> 00:00:19.000
<v Therapist>Let's make a safety plan and practise grounding. Next week we review it.
"""


@pytest.fixture
def vtt(tmp_path: Path) -> Path:
    path = tmp_path / "session.vtt"
    path.write_text(VTT, encoding="utf-8")
    return path


def _json(result: object) -> object:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_generate_without_a_database(run_cli: CliRunner, vtt: Path, auralis_home: Path) -> None:
    note = _json(
        run_cli("notes", "generate", "--transcript", str(vtt), "--engine", "rules", "--json")
    )
    assert set(note) >= {
        "sections",
        "text",
        "risk_flags",
        "engine",
        "degraded",
        "word_count",
        "inference_time",
    }
    assert note["engine"] == "rules" and note["degraded"] is True
    assert "{{RED:" in note["sections"]["risk"]
    assert note["risk_flags"] and note["risk_flags"][0]["speaker"] == "Client"
    assert not (auralis_home / "data" / "auralis.db").exists()  # a throwaway session


def test_the_whole_review_flow(run_cli: CliRunner, vtt: Path, tmp_path: Path) -> None:
    run_cli("patients", "add", "Ada Lovelace")
    session = _json(
        run_cli("sessions", "add", "--patient", "1", "--transcript", str(vtt), "--json")
    )
    assert session["transcript_format"] == "vtt"
    assert session["transcript"].startswith("Therapist: How has your week been?")

    text = run_cli("notes", "generate", "--session", "1", "--engine", "rules")
    assert text.returncode == 0 and "Chief Complaint:" in text.stdout
    assert "saved as a new version" in text.stderr
    again = run_cli("notes", "generate", "--session", "1", "--engine", "rules")
    assert again.returncode == 1 and "already has a note" in again.stderr
    shown = _json(run_cli("notes", "show", "1", "--json"))
    assert shown["is_ai_generated"] is True and shown["last_edited_at"] is None

    edited = tmp_path / "edited.txt"
    edited.write_text(shown["text"] + "\nReviewed in supervision.\n", encoding="utf-8")
    assert _json(run_cli("notes", "edit", "1", "--file", str(edited), "--json"))["saved"] is True
    shown = _json(run_cli("notes", "show", "1", "--json"))
    assert shown["edited_from_ai"] is True and shown["last_edited_at"] is not None
    history = _json(run_cli("notes", "history", "1", "--json"))
    assert [h["number"] for h in history] == [1, 2]
    diff = run_cli("notes", "diff", "1", "1", "2")
    assert "+Reviewed in supervision." in diff.stdout
    assert _json(run_cli("notes", "restore", "1", "1", "--json"))["number"] == 3

    for fmt in ("md", "txt", "docx", "pdf"):  # the registry's formats, as in the window
        out = tmp_path / f"note.{fmt}"
        # No display: the PDF is laid out by an offscreen Qt application.
        exported = run_cli(
            "notes", "export", "1", "--format", fmt, "--output", str(out), QT_QPA_PLATFORM=""
        )
        assert exported.returncode == 0 and "NOT encrypted" in exported.stderr
    assert "Ada Lovelace" in (tmp_path / "note.md").read_text()
    assert "ending my life" in (tmp_path / "note.txt").read_text()
    assert (tmp_path / "note.pdf").read_bytes().startswith(b"%PDF")
    document = docx.Document(str(tmp_path / "note.docx"))
    assert any("AI-assisted draft" in p.text for p in document.paragraphs)

    summary = _json(run_cli("notes", "summarize", "--patient", "1", "--engine", "rules", "--json"))
    assert summary["session_count"] == 1 and summary["summary"]


def test_generate_with_the_tiny_model(run_cli: CliRunner, vtt: Path, tiny_model: Path) -> None:
    # The random-weight model writes until its token budget, and its bytes that are not
    # UTF-8 make llama-cpp-python's streaming slow (512 tokens: about a minute here).
    args = ("notes", "generate", "--transcript", str(vtt), "--model", str(tiny_model), "--json")
    note = _json(run_cli(*args, timeout=600, AURALIS_INFERENCE__MAX_TOKENS="128"))
    assert note["engine"] in ("local", "rules")
    assert all(text.strip() for text in note["sections"].values())
    assert "ending my life" in note["sections"]["risk"]


def test_templates(run_cli: CliRunner, tmp_path: Path) -> None:
    names = [t["name"] for t in _json(run_cli("templates", "list", "--json"))]
    assert names[:7] == ["default", "soap", "dap", "birp", "girp", "visit", "summary"]
    definition = tmp_path / "t.json"
    definition.write_text(
        json.dumps(
            {
                "name": "sleep-review",
                "title": "Sleep review",
                "sections": [
                    {"title": "Sleep", "instruction": "Hours, quality.", "length": "concise"},
                    {"title": "Plan", "style": "list"},
                ],
            }
        )
    )
    added = _json(run_cli("templates", "add", str(definition), "--json"))
    assert added["sections"] == ["Sleep", "Plan", "Risk"]
    shown = _json(run_cli("templates", "show", "sleep-review", "--json"))
    assert shown["schema"]["required"] == ["sleep", "plan", "risk"]
    transcript = tmp_path / "t.txt"
    transcript.write_text("Client: I sleep five hours and wake up tired.\n")
    note = _json(
        run_cli(
            "notes",
            "generate",
            "--transcript",
            str(transcript),
            "--template",
            "sleep-review",
            "--engine",
            "rules",
            "--json",
        )
    )
    assert set(note["sections"]) == {"sleep", "plan", "risk"}
    assert _json(run_cli("templates", "remove", "sleep-review", "--json")) == {
        "removed": "sleep-review"
    }
    missing = run_cli(
        "notes", "generate", "--transcript", str(transcript), "--template", "sleep-review"
    )
    assert missing.returncode == 1 and "no template named" in missing.stderr


def test_bad_inputs_are_one_line_errors(run_cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run_cli("notes", "generate", "--transcript", str(empty), "--engine", "rules")
    assert result.returncode == 1 and result.stderr.strip().startswith("auralis: error:")
    assert "empty" in result.stderr
    bad_template = tmp_path / "bad.json"
    bad_template.write_text(json.dumps({"name": "x"}))
    result = run_cli("templates", "add", str(bad_template))
    assert result.returncode == 1 and "not valid at" in result.stderr
    builtin = tmp_path / "builtin.json"
    builtin.write_text(json.dumps({"name": "soap", "sections": [{"title": "A"}]}))
    assert "built-in" in run_cli("templates", "add", str(builtin)).stderr
