"""The fictitious samples shipped in ``samples/`` (and the bundle) work with the rules, as
an administrator checking an installation runs them."""

import json

from conftest import REPO_ROOT, CliRunner

from core.orstate.serializer import get_validation_errors

SAMPLES = REPO_ROOT / "samples"


def test_the_therapy_sample_drafts_a_note_and_its_risk_is_flagged(run_cli: CliRunner) -> None:
    result = run_cli(
        "notes", "generate", "--transcript", str(SAMPLES / "therapy-session.txt"), "--json",
        "--engine", "rules",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    note = json.loads(result.stdout)
    assert note["sections"]
    flags = note["risk_flags"]
    disclosed = {(f["category"], f["line"]) for f in flags if f["status"] == "disclosed"}
    assert disclosed == {("suicidal_ideation", 7), ("suicidal_ideation", 9)}


def test_the_operating_room_sample_replays_to_valid_states_ending_in_the_last_phase(
    run_cli: CliRunner,
) -> None:
    result = run_cli(
        "or", "replay", str(SAMPLES / "or-lobectomy.jsonl"), "--surgery", "lobectomy",
        "--fast", "--json", "--engine", "rules",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    states = [json.loads(line) for line in result.stdout.splitlines()]
    segments = (SAMPLES / "or-lobectomy.jsonl").read_text(encoding="utf-8").count("\n")
    assert len(states) >= segments
    assert all(get_validation_errors(state) == [] for state in states)
    assert [states[0]["metadata"]["phase"], states[-1]["metadata"]["phase"]] == [
        "Phase1",
        "Phase6",
    ]
