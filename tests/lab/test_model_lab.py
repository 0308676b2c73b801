"""The model lab end to end, as a user runs it (``auralis lab data → train → export →
eval`` in real subprocesses), on tiny random-weight models built here in the Gemma 3
and the Llama shapes: the adapter llama.cpp loads gives the fine-tuned model's output
(not the base model's), a merged and quantized model keeps the base tokenizer, and the
evaluation compares base and fine-tuned."""

import json
from pathlib import Path

import numpy as np
import pytest
from gguf_builder import write_gemma3_gguf, write_llama_gguf
from lab_logits import ALL_LINEAR, logits, require_lab, write_pairs

from core.lab.examples import open_vocabulary
from core.lab.merge_gguf import AWKWARD_TEXT, tokenizer_difference
from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.notes.templates import BUILTIN_TEMPLATES

pytestmark = pytest.mark.slow
SHAPES = {"llama": (write_llama_gguf, "llama"), "gemma3": (write_gemma3_gguf, "gemma3")}


class Pipeline:
    def __init__(self, folder: Path, base: Path, architecture: str) -> None:
        self.folder, self.base, self.architecture = folder, base, architecture
        self.results: dict[str, object] = {}

    def path(self, name: str) -> Path:
        return self.folder / name


@pytest.fixture(scope="module", params=list(SHAPES))
def pipeline(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """Every lab command once per shape; the tests below read what they left."""
    require_lab()
    from conftest import CliRunner

    folder = tmp_path_factory.mktemp(f"lab-{request.param}")
    write, architecture = SHAPES[request.param]
    base = write(folder / "base.gguf")
    run = CliRunner(folder / "home")
    p = Pipeline(folder, base, architecture)
    csv_file = write_pairs(folder / "pairs.csv", 24)
    commands = {
        "data": [
            "lab", "data", str(csv_file), "--transcript-col", "dialogue", "--note-col", "note",
            "--out", str(p.path("data")), "--model", str(base),
        ],
        "train": [
            "lab", "train", "--base", str(base), "--data", str(p.path("data")), "--out",
            str(p.path("run")), "--max-steps", "4", "--accumulation", "1",
            "--checkpoint-every", "2", "--learning-rate", "0.02", "--targets", ALL_LINEAR,
        ],
        "export": [
            "lab", "export", "--adapter", str(p.path("run")), "--out", str(p.path("adapter.gguf")),
        ],
        "merge": [
            "lab", "export", "--adapter", str(p.path("run")), "--out",
            str(p.path("merged-q8.gguf")), "--merge", "q8_0",
        ],
        "eval": [
            "lab", "eval", "--model", str(base), "--adapter", str(p.path("adapter.gguf")),
            "--data", str(p.path("data") / "test.jsonl"), "--limit", "2", "--out",
            str(p.path("eval")), "--json",
        ],
    }  # fmt: skip
    # Random weights write noise until the token limit: a short limit keeps eval quick.
    short = {"AURALIS_INFERENCE__MAX_TOKENS": "32", "AURALIS_INFERENCE__N_THREADS": "1"}
    for name, args in commands.items():
        result = run(*args, timeout=600, **(short if name == "eval" else {}))
        assert result.returncode == 0, f"lab {name} failed: {result.stderr[-2000:]}"
        p.results[name] = result
    return p


def test_data_writes_a_checked_split_with_token_counts(pipeline: Pipeline) -> None:
    manifest = json.loads(pipeline.path("data/manifest.json").read_text())
    assert manifest["counts"] == {"train": 20, "valid": 2, "test": 2}
    assert manifest["skipped"] == []
    assert manifest["tokens"]["train"]["max"] >= manifest["tokens"]["train"]["median"] > 0
    out = str(pipeline.results["data"].stdout)  # type: ignore[attr-defined]
    assert "24 pairs kept, 0 rows left out" in out and "OVER CONTEXT" in out


def test_train_leaves_an_adapter_checkpoints_a_loss_curve_and_a_record(
    pipeline: Pipeline,
) -> None:
    run = pipeline.path("run")
    assert (run / "adapter" / "adapter_model.safetensors").is_file()
    assert sorted(p.name for p in run.glob("checkpoint-*")) == ["checkpoint-2", "checkpoint-4"]
    assert (run / "loss.png").read_bytes().startswith(b"\x89PNG")
    record = json.loads((run / "training.json").read_text())
    assert record["result"]["steps"] == 4
    assert [h["step"] for h in record["history"]] == [1, 2, 3, 4]
    assert "valid_loss" in record["history"][-1]
    progress = str(pipeline.results["train"].stderr)  # type: ignore[attr-defined]
    assert "step 4/4" in progress and "tokens/s" in progress
    assert "Warning" not in progress and "it/s]" not in progress  # no library noise


def test_the_exported_adapter_gives_the_fine_tuned_models_output_in_llama_cpp(
    pipeline: Pipeline,
) -> None:
    """llama.cpp with the GGUF adapter computes what peft's model computes, and not what
    the base model computes."""
    import torch
    from peft import PeftModel

    from core.lab.train import load_base, quiet_libraries

    example = open_vocabulary(str(pipeline.base), pipeline.architecture).build(
        BUILTIN_TEMPLATES["visit"], "[doctor] hello\n[patient] my knee hurts", {}
    )
    tokens = example.prompt[:48]
    with quiet_libraries():
        model = PeftModel.from_pretrained(
            load_base(pipeline.base), str(pipeline.path("run/adapter"))
        ).eval()
        with torch.no_grad():
            expected = model(torch.tensor([tokens])).logits[0].numpy()
    with_adapter = logits(pipeline.base, tokens, pipeline.path("adapter.gguf"))
    without = logits(pipeline.base, tokens)
    assert np.abs(with_adapter - expected).max() < 0.01
    assert np.abs(without - expected).max() > 0.1  # the adapter changed the output


def test_the_app_engine_loads_base_and_adapter_and_names_the_adapter(pipeline: Pipeline) -> None:
    adapter = pipeline.path("adapter.gguf")
    engine = LocalEngine(LlamaConfig(pipeline.base, adapter_path=adapter, n_ctx=512, n_threads=1))
    try:
        details = engine.info().details
    finally:
        engine.close()
    assert details["adapter"] == "adapter"
    assert details["adapter_file"] == "adapter.gguf"
    assert len(details["adapter_sha256"]) == 64


def test_a_merged_quantized_model_keeps_the_tokenizer_and_the_fine_tune(
    pipeline: Pipeline,
) -> None:
    merged = pipeline.path("merged-q8.gguf")
    assert tokenizer_difference(pipeline.base, merged) is None
    vocab = open_vocabulary(str(merged), pipeline.architecture)
    ids = vocab._vocab.tokenize(AWKWARD_TEXT.encode(), add_bos=False, special=False)
    assert AWKWARD_TEXT.replace("\r", "") in vocab._vocab.detokenize(ids).decode().replace("\r", "")
    tokens = list(range(5, 45))
    tuned = logits(pipeline.base, tokens, pipeline.path("adapter.gguf"))
    rounding = np.abs(logits(merged, tokens) - tuned).mean()  # Q8_0's rounding
    fine_tune = np.abs(logits(pipeline.base, tokens) - tuned).mean()
    assert rounding < 0.25 * fine_tune  # the merged model is the fine-tuned one


def test_eval_compares_base_and_fine_tuned_and_writes_its_report(pipeline: Pipeline) -> None:
    data = json.loads(str(pipeline.results["eval"].stdout))  # type: ignore[attr-defined]
    assert set(data["runs"]) == {"base", "fine-tuned"}
    for run in data["runs"].values():
        assert run["notes"] == 2
        assert 0.0 <= run["draft"]["rougeLsum"] <= 1.0
        assert run["model_sections_possible"] == 12
    report = pipeline.path("eval/eval.md").read_text()
    assert "| rougeLsum |" in report and "fine-tuned" in report
    assert pipeline.path("eval/eval.png").read_bytes().startswith(b"\x89PNG")
