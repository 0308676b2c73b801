"""Bad operating-room JSON lines (missing fields, wrong types, NaN and huge times, out of
order, huge lines, deep nesting, invalid UTF-8): ``parse_segment_line`` returns a
storable segment or refuses with its fixed ``ValueError``; ``or replay`` and ``or
follow`` skip the bad lines with a count, record every good one, and never crash."""

import json
from pathlib import Path

import corpus
import harness
import pytest
from conftest import CliRunner

from core.orstate.segments import parse_segment_line
from core.store.orcases import case_segments

FUZZ_BUDGET = 600


def test_the_segment_parser_takes_fuzzed_lines_cleanly() -> None:
    outcome = corpus.fuzz(corpus.segment_lines, corpus.segment_line_problem, FUZZ_BUDGET)
    assert outcome.failures == []
    assert outcome.tried >= FUZZ_BUDGET // 2


@pytest.mark.parametrize("case", corpus.jsonl_cases(), ids=lambda case: case.label)
def test_each_hard_line(case: corpus.JsonlCase) -> None:
    line = case.line.decode("utf-8", "surrogateescape")  # how the CLI reads it
    assert corpus.segment_line_problem(line) is None
    if case.good:
        assert parse_segment_line(line) is not None
    else:
        with pytest.raises(ValueError, match=r"^not a transcript segment$"):
            parse_segment_line(line)


@pytest.mark.parametrize("command", ["replay", "follow"])
def test_or_commands_skip_bad_lines_and_record_the_good_ones(
    run_cli: CliRunner, tmp_path: Path, command: str
) -> None:
    cases = corpus.jsonl_cases()
    path = tmp_path / "case.jsonl"
    corpus.write_jsonl(path, cases)
    pace = ["--fast"] if command == "replay" else ["--idle-exit", "0.5"]
    result = run_cli("or", command, str(path), "--surgery", "PCNL", "--record", "--engine", "rules",
                     *pace)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert corpus.SECRET not in result.stderr + result.stdout
    bad = sum(1 for case in cases if not case.good)
    assert f"{bad} malformed line(s) skipped in all" in result.stderr
    assert result.stderr.count("not a segment like") == min(bad, 10)
    states = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(states) == sum(1 for case in cases if case.good)
    with harness.FaultHome(run_cli.env()).open() as db:
        recorded = {(t, text) for t, _speaker, text, _final in case_segments(db, 1)}
    assert recorded == corpus.expected_segments(cases)
