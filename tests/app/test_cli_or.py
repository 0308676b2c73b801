"""``auralis or ...`` through real subprocesses."""

import json
import threading
import time
from pathlib import Path

from conftest import CliRunner

from core.orstate.serializer import get_validation_errors

LINES = [
    {"t": 0, "speaker": "nurse", "text": "patient is in the room, starting the time-out"},
    {"t": 30, "speaker": "anesthetist", "text": "induction now, turn on the ventilator"},
    {"t": 95, "speaker": "surgeon", "text": "needle access, fire up the c-arm"},
    {"t": 200, "speaker": "surgeon", "text": "start the lithotripter and the irrigation"},
]


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text("".join((json.dumps(x) if not isinstance(x, str) else x) + "\n" for x in lines))
    return path


def _states(stdout: str) -> list[dict[str, object]]:
    states = [json.loads(line) for line in stdout.splitlines()]
    assert states and all(get_validation_errors(s) == [] for s in states)
    return states


def test_parse(run_cli: CliRunner) -> None:
    lines = (
        "fire up the suction\n\nis the suction working?\nkill the fluoro stat\nnot yet the laser\n"
    )
    result = run_cli("or", "parse", "--surgery", "PCNL", stdin=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [len(r["toggles"]) for r in rows] == [1, 0, 0, 1, 0]
    assert rows[0]["toggles"][0]["machine_id"] == "M06"
    assert set(rows[0]) == {"text", "toggles", "pending", "temporal", "temporal_text", "negated"}
    assert rows[0]["temporal"] == "none" and rows[0]["temporal_text"] is None
    (fluoro,) = rows[3]["toggles"]
    assert (fluoro["machine_id"], fluoro["action"], fluoro["temporal"]) == (
        "M04",
        "OFF",
        "immediately",
    )
    assert fluoro["temporal_text"] == "stat" and fluoro["evidence"] == "kill the fluoro"
    assert [(p["machine_id"], p["action"]) for p in rows[4]["pending"]] == [("M07", "ON")]
    unknown = run_cli("or", "parse", "--surgery", "appendectomy", stdin="x\n")
    assert unknown.returncode == 1 and "pcnl" in unknown.stderr.lower()


def test_replay_with_rules_records_the_case(run_cli: CliRunner, tmp_path: Path) -> None:
    source = _write(tmp_path / "case.jsonl", [LINES[0], "not json", {"t": 5}, *LINES[1:]])
    result = run_cli(
        "or", "replay", str(source), "--surgery", "pcnl", "--fast", "--engine", "rules", "--record"
    )
    assert result.returncode == 0, result.stderr
    states = _states(result.stdout)
    assert [s["metadata"]["phase"] for s in states] == ["Phase1", "Phase2", "Phase3", "Phase4"]
    assert "line 2:" in result.stderr and "line 3:" in result.stderr
    cases = json.loads(run_cli("or", "cases", "list", "--json").stdout)
    assert len(cases) == 1 and cases[0]["ended_at"]
    timeline = json.loads(run_cli("or", "cases", "show", "1", "--json").stdout)
    assert len(timeline) == 8
    exported = tmp_path / "again.jsonl"
    assert run_cli("or", "cases", "export", "1", "--output", str(exported)).returncode == 0
    again = run_cli(
        "or", "replay", str(exported), "--surgery", "pcnl", "--fast", "--engine", "rules"
    )
    assert [s["machines"] for s in _states(again.stdout)] == [s["machines"] for s in states]


def test_replay_with_the_tiny_model(run_cli: CliRunner, tmp_path: Path, tiny_model: Path) -> None:
    source = _write(tmp_path / "case.jsonl", LINES)
    result = run_cli(
        "or", "replay", str(source), "--surgery", "pcnl", "--fast", "--model", str(tiny_model)
    )
    assert result.returncode == 0, result.stderr
    sources = [s["source"] for s in _states(result.stdout)]
    assert sources.count("rule") >= 4  # the rule state of every segment, at once
    assert any(source in ("rule+llm", "rule") for source in sources[1:])


def test_follow_a_growing_file(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"

    def writer() -> None:
        for line in LINES:
            with path.open("a") as handle:
                handle.write(json.dumps(line) + "\n")
            time.sleep(0.2)

    thread = threading.Thread(target=writer)
    thread.start()
    result = run_cli(
        "or", "follow", str(path), "--surgery", "pcnl", "--engine", "rules", "--idle-exit", "2"
    )
    thread.join()
    assert result.returncode == 0, result.stderr
    assert len(_states(result.stdout)) == 4


def test_a_case_resumes_after_a_restart_and_replays_from_the_store(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # The first run stops after two segments (as a crash would); the recogniser's file
    # keeps growing, and the restarted follow goes on with the same case.
    live = _write(tmp_path / "live.jsonl", LINES[:2])
    first = run_cli("or", "replay", str(live), "--surgery", "pcnl", "--fast", "--record")
    assert first.returncode == 0, first.stderr
    _write(live, LINES)
    resumed = run_cli("or", "follow", str(live), "--resume", "1", "--idle-exit", "0.5")
    assert resumed.returncode == 0, resumed.stderr
    states = _states(resumed.stdout)
    assert [s["metadata"]["phase"] for s in states] == ["Phase2", "Phase3", "Phase4"]
    assert "resumed case 1" in resumed.stderr and "2 segments were already" in resumed.stderr
    timeline = json.loads(run_cli("or", "cases", "show", "1", "--json").stdout)
    assert [e["t"] for e in timeline if "text" in e] == [0, 30, 95, 200]
    cases = json.loads(run_cli("or", "cases", "list", "--json").stdout)
    assert len(cases) == 1 and cases[0]["ended_at"]

    replayed = run_cli("or", "replay", "--case", "1", "--fast")
    assert replayed.returncode == 0, replayed.stderr
    assert [s["metadata"]["phase"] for s in _states(replayed.stdout)] == [
        "Phase1",
        "Phase2",
        "Phase3",
        "Phase4",
    ]
    wrong = run_cli("or", "replay", "--case", "1", "--surgery", "lobectomy", "--fast")
    assert wrong.returncode == 1 and "PCNL case" in wrong.stderr
    missing = run_cli("or", "follow", str(live), "--resume", "7", "--idle-exit", "0.1")
    assert missing.returncode == 1 and "7" in missing.stderr
    no_surgery = run_cli("or", "replay", str(live), "--fast")
    assert no_surgery.returncode == 1 and "--surgery" in no_surgery.stderr


def test_operating_room_settings_reach_the_rules(run_cli: CliRunner, tmp_path: Path) -> None:
    early = _write(
        tmp_path / "early.jsonl",
        [{"t": 0, "speaker": "surgeon", "text": "fire up the lithotripter"}],
    )
    args = ("or", "replay", str(early), "--surgery", "pcnl", "--fast")
    assert _states(run_cli(*args).stdout)[0]["machines"]["1"].count("M07") == 1
    filtered = run_cli(*args, AURALIS_OPERATING_ROOM__PHASE_FILTER="true")
    assert "M07" not in _states(filtered.stdout)[0]["machines"]["1"]
    bad = run_cli(*args, AURALIS_OPERATING_ROOM__DEBOUNCE_S="-1")
    assert "operating_room.debounce_s" in bad.stderr and bad.returncode == 0
