"""A 1 GiB "model" file of random bytes (a random head, then a hole: written in
milliseconds, deleted after): the model check refuses it in well under a second without
reading the file (no manifest: nothing to hash), and ``llm info --model FILE`` exits 1
with one clear line."""

import random
from pathlib import Path

import corpus
import harness
from conftest import CliRunner


def test_the_model_check_refuses_it_quickly_without_reading_it(tmp_path: Path) -> None:
    with corpus.huge_model_files(tmp_path, random.Random(5)) as paths:
        assert all(path.stat().st_size == corpus.HUGE_MODEL_BYTES for path in paths)
        problems = [corpus.model_check_problem(path) for path in paths]
    assert [p for p in problems if p is not None] == []
    assert list(tmp_path.iterdir()) == []


def test_llm_info_refuses_it_with_one_clear_line(run_cli: CliRunner, tmp_path: Path) -> None:
    problems = []
    with corpus.huge_model_files(tmp_path, random.Random(6)) as paths:
        for path in paths:
            result = run_cli("llm", "info", "--model", str(path))
            problems += harness.cli_failure_problems(result, path.name)
            if str(path) not in "".join(harness.error_lines(result.stderr)):
                problems.append(f"{path.name}: the error does not name the file")
    assert problems == []
