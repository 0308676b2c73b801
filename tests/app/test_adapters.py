"""A LoRA adapter loaded on the local model: chosen in the settings or named by the
bundled model's manifest entry (checked by sha256), refused in one line when it is a
model, another architecture's adapter or not the file the manifest lists."""

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gguf_builder import write_gemma3_gguf
from lab_logits import logits
from lora_builder import write_adapter, write_peft_folder

from app.engines import available_models, build_engine
from app.paths import AppPaths
from app.settings import InferenceSettings
from core.lab.adapter_gguf import ExportError, write_adapter_gguf
from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.types import ModelFileError


def _inference(**values: Any) -> InferenceSettings:
    return InferenceSettings(n_ctx=1024, n_threads=2, engine="local", **values)


@pytest.fixture
def adapter(tiny_model: Path, tmp_path: Path) -> Path:
    return write_adapter(tiny_model, tmp_path / "clinic.gguf", name="clinic-notes")


def test_a_configured_adapter_is_loaded_named_and_changes_the_output(
    tmp_path: Path, tiny_model: Path, adapter: Path
) -> None:
    choice = build_engine(
        AppPaths.resolve(tmp_path / "home"), _inference(model_path=tiny_model, adapter_path=adapter)
    )
    try:
        assert not choice.degraded, choice.problems
        assert choice.description == "local model auralis-tiny-test with adapter clinic-notes"
        assert choice.engine.info().details["adapter_file"] == "clinic.gguf"
    finally:
        choice.engine.close()
    tokens = list(range(5, 30))
    assert np.abs(logits(tiny_model, tokens, adapter) - logits(tiny_model, tokens)).max() > 0.05


def test_the_bundles_manifest_names_the_adapter_and_its_checksum(
    tmp_path: Path, tiny_model: Path, adapter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "bundle-models"
    bundled.mkdir()
    shutil.copy(tiny_model, bundled / "tiny.gguf")
    shutil.copy(adapter, bundled / "clinic.gguf")
    sha = __import__("hashlib").sha256(adapter.read_bytes()).hexdigest()
    entry = {"file": "tiny.gguf", "adapter": {"file": "clinic.gguf", "sha256": sha}}
    (bundled / "manifest.json").write_text(json.dumps({"schema_version": 1, "models": [entry]}))
    monkeypatch.setenv("AURALIS_MODELS_DIR", str(bundled))
    paths = AppPaths.resolve(tmp_path / "home")
    choice = build_engine(paths, _inference())
    try:
        assert choice.description.endswith("with adapter clinic-notes")
    finally:
        choice.engine.close()

    (bundled / "clinic.gguf").write_bytes(adapter.read_bytes()[:-8] + b"\0" * 8)
    choice = build_engine(paths, _inference())
    assert choice.engine.name == "rules"
    assert f"checksum mismatch (expected sha256 {sha}" in choice.problems[-1]


def test_a_model_or_another_architectures_adapter_is_refused(
    tmp_path: Path, tiny_model: Path
) -> None:
    with pytest.raises(ModelFileError, match="is a model, not an adapter"):
        LocalEngine(LlamaConfig(tiny_model, adapter_path=tiny_model, n_ctx=512))
    gemma = write_gemma3_gguf(tmp_path / "gemma.gguf")
    folder = write_peft_folder(tmp_path / "peft", width=64)
    with pytest.raises(ExportError, match="does not fit the base model's shape"):
        write_adapter_gguf(folder, gemma, tmp_path / "g.gguf", name="g")
    llama_adapter = write_adapter(tiny_model, tmp_path / "llama-adapter.gguf")
    with pytest.raises(ModelFileError, match="made for a llama model; the model is gemma3"):
        LocalEngine(LlamaConfig(gemma, adapter_path=llama_adapter, n_ctx=512))
    with pytest.raises(ModelFileError, match="does not exist"):
        LocalEngine(LlamaConfig(tiny_model, adapter_path=tmp_path / "absent.gguf", n_ctx=512))


def test_an_adapter_beside_the_models_is_never_taken_for_a_model(
    tmp_path: Path, tiny_model: Path, adapter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the bundled model gone, its adapter is not loaded as the model: the missing
    model is reported. An adapter copied there without a manifest is not listed either."""
    bundled = tmp_path / "bundle-models"
    bundled.mkdir()
    shutil.copy(adapter, bundled / "clinic.gguf")
    shutil.copy(adapter, bundled / "unlisted-adapter.gguf")
    entry = {"file": "tiny.gguf", "adapter": {"file": "clinic.gguf"}}
    (bundled / "manifest.json").write_text(json.dumps({"schema_version": 1, "models": [entry]}))
    monkeypatch.setenv("AURALIS_MODELS_DIR", str(bundled))
    paths = AppPaths.resolve(tmp_path / "home")
    assert available_models(paths) == []
    choice = build_engine(paths, _inference())
    assert choice.engine.name == "rules"
    assert f"{bundled / 'tiny.gguf'}" in choice.problems[-1]
    assert "is missing" in choice.problems[-1] or "does not exist" in choice.problems[-1]

    shutil.copy(tiny_model, bundled / "tiny.gguf")
    assert [m.path.name for m in available_models(paths)] == ["tiny.gguf"]
