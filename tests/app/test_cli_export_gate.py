"""``auralis notes export`` refuses a note that no longer holds a disclosure the risk
safety net found, with one clear line, unless given ``--confirm-removed-risk``."""

import json
from pathlib import Path

from conftest import CliRunner

TRANSCRIPT = (
    "Therapist: How have the evenings been?\n"
    "Client: Bad. Last night I was thinking about killing myself again.\n"
    "Therapist: I'm glad you told me. Let's plan for the evenings.\n"
)


def test_export_without_the_disclosure_needs_a_confirmed_reason(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "session.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli("patients", "add", "Alan Turing").returncode == 0
    assert run_cli("sessions", "add", "--patient", "1", "--transcript", str(source)).returncode == 0
    assert run_cli("notes", "generate", "--session", "1", "--engine", "rules").returncode == 0
    shown = json.loads(run_cli("notes", "show", "1", "--json").stdout)
    edited = tmp_path / "edited.txt"
    kept = [line for line in shown["text"].splitlines() if "killing" not in line]
    edited.write_text("\n".join(kept), encoding="utf-8")
    assert run_cli("notes", "edit", "1", "--file", str(edited)).returncode == 0

    out = tmp_path / "note.md"
    refused = run_cli("notes", "export", "1", "--format", "md", "--output", str(out))
    assert refused.returncode != 0 and not out.exists()
    assert "suicidal ideation (line 2)" in refused.stderr
    assert "--confirm-removed-risk" in refused.stderr and "Traceback" not in refused.stderr
    assert "killing" not in refused.stderr + refused.stdout

    reason = "Client retracted it later in the session; see the safety plan."
    confirmed = run_cli(
        "notes", "export", "1", "--format", "md", "--output", str(out),
        "--confirm-removed-risk", reason,
    )  # fmt: skip
    assert confirmed.returncode == 0, confirmed.stderr
    assert "Risk review: 1 disclosure" in out.read_text(encoding="utf-8")
    trail = json.loads(run_cli("audit", "list", "--json").stdout)
    confirmations = [e for e in trail if e["action"] == "confirm_removed_risk"]
    assert len(confirmations) == 1 and "reason_chars=" in confirmations[0]["detail"]
    assert all("retracted" not in json.dumps(e) for e in trail)
