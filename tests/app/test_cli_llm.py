"""``auralis llm ...`` through real subprocesses with the tiny GGUF model."""

import json
import re
import shutil
from pathlib import Path

import jsonschema
from conftest import CliRunner

SCHEMA = {
    "type": "object",
    "properties": {
        "phase": {"type": "string", "enum": ["Phase1", "Phase2"]},
        "count": {"type": "integer", "minimum": 0, "maximum": 9},
    },
    "required": ["phase", "count"],
    "additionalProperties": False,
}


def test_info_with_a_model(run_cli: CliRunner, tiny_model: Path) -> None:
    result = run_cli("llm", "info", "--model", str(tiny_model), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["engine"] == "local"
    assert info["engine_in_use"] == "local model auralis-tiny-test"
    assert info["architecture"] == "llama" and info["quantization"] == "F32"
    assert info["details"]["checksum"] == "not listed"


def test_a_model_in_the_models_folder_is_found_and_verified(
    run_cli: CliRunner, tiny_model: Path, auralis_home: Path
) -> None:
    import hashlib

    models = auralis_home / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_model, models / "tiny.gguf")
    digest = hashlib.sha256(tiny_model.read_bytes()).hexdigest()
    (models / "manifest.json").write_text(
        json.dumps({"models": [{"file": "tiny.gguf", "sha256": digest}]})
    )
    info = json.loads(run_cli("llm", "info", "--json").stdout)
    assert info["engine"] == "local" and info["details"]["checksum"] == "verified"

    (models / "manifest.json").write_text(
        json.dumps({"models": [{"file": "tiny.gguf", "sha256": "0" * 64}]})
    )
    fallback = run_cli("llm", "info", "--json")
    assert fallback.returncode == 0
    assert json.loads(fallback.stdout)["engine"] == "rules"
    assert "checksum mismatch" in fallback.stderr and "0" * 64 in fallback.stderr


def test_no_model_means_rules_and_says_so(run_cli: CliRunner) -> None:
    result = run_cli("llm", "info")
    assert result.returncode == 0
    assert "rule-based — no model loaded" in result.stdout
    assert "No model file found" in result.stderr


def test_generate_streams_text(run_cli: CliRunner, tiny_model: Path) -> None:
    result = run_cli(
        "llm",
        "generate",
        "--model",
        str(tiny_model),
        "--prompt",
        "Hello",
        "--system",
        "Be brief.",
        "--max-tokens",
        "12",
    )
    assert result.returncode == 0, result.stderr
    assert "local model auralis-tiny-test" in result.stderr and "tokens/s" in result.stderr
    generated = re.search(r"(\d+) generated tokens", result.stderr)
    assert generated is not None and 0 < int(generated.group(1)) <= 12


def test_generate_json_with_a_schema(run_cli: CliRunner, tiny_model: Path, tmp_path: Path) -> None:
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA))
    result = run_cli(
        "llm",
        "generate",
        "--model",
        str(tiny_model),
        "--prompt",
        "Which phase?",
        "--schema",
        str(schema_file),
        "--max-tokens",
        "256",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    jsonschema.validate(output["obj"], SCHEMA)
    assert output["engine"] in ("local", "rules")
    for key in ("prompt_tokens", "completion_tokens", "timings", "tokens_per_s", "degraded"):
        assert key in output


def test_generate_with_rules(run_cli: CliRunner, tmp_path: Path) -> None:
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA))
    output = json.loads(
        run_cli(
            "llm",
            "generate",
            "--engine",
            "rules",
            "--prompt",
            "x",
            "--schema",
            str(schema_file),
            "--json",
        ).stdout
    )
    assert output["obj"] == {"phase": "Phase1", "count": 0}
    assert output["degraded"] is True


def test_bad_model_and_bad_schema_are_one_line_errors(run_cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("not a model")
    result = run_cli("llm", "generate", "--model", str(bad), "--prompt", "x")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("auralis: error: ")
    assert "not a GGUF model file" in result.stderr
    schema_file = tmp_path / "schema.json"
    schema_file.write_text("{not json")
    result = run_cli(
        "llm", "generate", "--engine", "rules", "--prompt", "x", "--schema", str(schema_file)
    )
    assert result.returncode == 1 and "cannot be read" in result.stderr


def test_bench(run_cli: CliRunner, tiny_model: Path) -> None:
    result = run_cli("llm", "bench", "--model", str(tiny_model), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["prompt_tokens_per_s"] > 0 and figures["generation_tokens_per_s"] > 0
    assert figures["load_s"] > 0


def test_job_outcomes_become_messages_without_exception_text() -> None:
    import pytest

    from app.cli.engine_args import CliEngineError, job_value
    from core.llm.types import EngineError

    assert job_value("result", 42, "Drafting") == 42
    with pytest.raises(CliEngineError, match=r"^Drafting timed out\.$"):
        job_value("cancelled", "timeout", "Drafting")
    with pytest.raises(CliEngineError, match=r"^The generation was cancelled\.$"):
        job_value("cancelled", "cancelled", "The generation")
    own = EngineError("The model has been unloaded; load it again.")
    with pytest.raises(EngineError) as caught:
        job_value("error", own, "Drafting")
    assert caught.value is own  # messages written for users pass through
    with pytest.raises(CliEngineError) as unexpected:
        job_value("error", ValueError("client said she wants to end it"), "Drafting")
    assert "ValueError" in str(unexpected.value) and "end it" not in str(unexpected.value)
