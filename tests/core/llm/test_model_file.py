"""Every kind of bad model file gets its own message, and the process lives on."""

import json
import os
import shutil
from pathlib import Path

import gguf
import pytest
from gguf_builder import write_llama_gguf

from core.llm.config import LlamaConfig
from core.llm.gguf_header import FILE_TYPES, GGML_TYPE_SIZES, read_header
from core.llm.local import LocalEngine
from core.llm.model_file import ChecksumCache, check_model_file, human_count, model_facts
from core.llm.types import ModelFileError


def _kind(path: Path, **kwargs: object) -> ModelFileError:
    with pytest.raises(ModelFileError) as caught:
        check_model_file(path, n_ctx=512, **kwargs)  # type: ignore[arg-type]
    return caught.value


def _load_fails(path: Path) -> ModelFileError:
    with pytest.raises(ModelFileError) as caught:
        LocalEngine(LlamaConfig(path, n_ctx=512, n_threads=1))
    return caught.value


def test_our_tables_agree_with_the_gguf_package() -> None:
    for type_id, sizes in GGML_TYPE_SIZES.items():
        assert gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(type_id)] == sizes
    for file_type, name in FILE_TYPES.items():
        assert gguf.LlamaFileType(file_type).name.split("_", 1)[1] == name


def test_a_sound_file(tiny_model: Path) -> None:
    report = check_model_file(tiny_model, n_ctx=512)
    assert report.header.architecture == "llama"
    assert report.header.quantization == "F32"
    assert report.header.expected_size == tiny_model.stat().st_size
    assert report.checksum == "not listed"
    facts = model_facts(report)
    assert facts["Name"] == "auralis-tiny-test"
    assert facts["Architecture"] == "llama" and facts["Quantization"] == "F32"
    assert facts["Parameters"] == human_count(report.header.parameter_count)
    assert facts["Context length"].endswith(" tokens")
    assert facts["Checksum"] == "not listed in a manifest (not verified)"


def test_parameter_counts_in_words() -> None:
    assert [human_count(n) for n in (52_000, 134_105_856, 3_821_079_552)] == [
        "52,000",
        "134 M",
        "3.8 B",
    ]


def test_missing_and_folder(tmp_path: Path) -> None:
    missing = _kind(tmp_path / "nope.gguf")
    assert missing.kind == "missing" and "not found" in str(missing)
    assert _kind(tmp_path).kind == "not_a_file"


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.gguf"
    empty.touch()
    error = _kind(empty)
    assert error.kind == "empty" and "is empty" in str(error)
    assert _load_fails(empty).kind == "empty"


def test_random_bytes(tmp_path: Path) -> None:
    noise = tmp_path / "noise.gguf"
    noise.write_bytes(os.urandom(100_000))
    error = _kind(noise)
    assert error.kind == "not_gguf" and "not a GGUF model file" in str(error)
    assert _load_fails(noise).kind == "not_gguf"


def test_text_file_renamed(tmp_path: Path) -> None:
    text = tmp_path / "readme.gguf"
    text.write_text("This is not a model, just some notes.\n" * 50)
    error = _kind(text)
    assert error.kind == "not_gguf" and "looks like a text file" in str(error)


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_truncated_copy(tiny_model: Path, tmp_path: Path, keep: float) -> None:
    data = tiny_model.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: int(len(data) * keep)])
    error = _kind(cut)
    assert error.kind == "truncated"
    assert "truncated" in str(error) and " of " in str(error)
    assert _load_fails(cut).kind == "truncated"


def test_truncated_inside_the_header(tiny_model: Path, tmp_path: Path) -> None:
    cut = tmp_path / "header.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:200])
    assert _kind(cut).kind == "truncated"


def test_unsupported_version(tiny_model: Path, tmp_path: Path) -> None:
    old = tmp_path / "v1.gguf"
    data = bytearray(tiny_model.read_bytes())
    data[4:8] = (1).to_bytes(4, "little")
    old.write_bytes(bytes(data))
    error = _kind(old)
    assert error.kind == "unsupported_version" and "version 1" in str(error)


def test_missing_tensor_is_reported_by_llama_cpp(tmp_path: Path) -> None:
    broken = write_llama_gguf(tmp_path / "broken.gguf", drop_tensor="blk.1.ffn_up.weight")
    check_model_file(broken, n_ctx=512)  # the header itself is consistent
    error = _load_fails(broken)
    assert error.kind == "load_failed"
    assert "could not load broken.gguf" in str(error)
    assert "blk.1.ffn_up.weight" in str(error)  # llama.cpp's own reason, captured


def test_manifest_checksum(tiny_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    shutil.copy(tiny_model, model)
    import hashlib

    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"models": [{"file": "tiny.gguf", "sha256": digest}]}))
    cache = ChecksumCache(tmp_path / "cache" / "sums.json")
    calls: list[float] = []
    assert check_model_file(model, n_ctx=512, checksums=cache, progress=calls.append).checksum == (
        "verified"
    )
    assert calls and calls[-1] == 1.0
    calls.clear()
    check_model_file(model, n_ctx=512, checksums=cache, progress=calls.append)
    assert calls == []  # cached by size and modification time: not hashed again

    manifest.write_text(json.dumps({"models": [{"file": "tiny.gguf", "sha256": "ab" * 32}]}))
    error = _kind(model, checksums=cache)
    assert error.kind == "checksum_mismatch"
    assert "ab" * 32 in str(error) and digest in str(error)


def test_replaced_file_is_hashed_again(tiny_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    shutil.copy(tiny_model, model)
    cache = ChecksumCache(tmp_path / "sums.json")
    first = cache.sha256(model)
    write_llama_gguf(model, seed=5)
    assert cache.sha256(model) != first


def test_not_enough_memory(tiny_model: Path) -> None:
    error = _kind(tiny_model, available_memory=1024)
    assert error.kind == "insufficient_memory"
    assert "RAM" in str(error) and "free" in str(error)


def test_header_counts_parameters(tiny_model: Path) -> None:
    header = read_header(tiny_model)
    assert header.parameter_count == sum(t.n_elements for t in header.tensors)
    assert header.arch_value("block_count") == 2
