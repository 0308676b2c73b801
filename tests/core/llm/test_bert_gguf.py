"""The BERT-to-GGUF converter, the safetensors reader and the encoder that llama.cpp runs:
a tiny random-weight BERT built here, and the real all-MiniLM-L6-v2 when `make` has
installed it."""

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from tiny_bert import HIDDEN, SPECIAL, vocabulary, write_safetensors, write_tiny_bert

from app.paths import bundled_root
from core.llm.bert_gguf import ConversionError, convert, gguf_name
from core.llm.bert_gguf import vocabulary as gguf_vocabulary
from core.llm.embedder import Embedder
from core.llm.safetensors_file import SafetensorsError, read_safetensors
from core.llm.types import ModelFileError
from core.notes.risk_screen import SCREEN_MODEL_NAME

REAL_ENCODER = bundled_root() / "models" / "screen" / SCREEN_MODEL_NAME


def test_the_tiny_encoder_gives_one_deterministic_vector_per_text(tiny_encoder: Path) -> None:
    embed = Embedder(tiny_encoder)
    texts = ["I want to die.", "I want to die.", "We went to the beach!", "é ñ 中文 🙂"]
    vectors = embed(texts)
    assert vectors.shape == (4, HIDDEN) and vectors.dtype == np.float32
    assert np.array_equal(vectors[0], vectors[1])
    assert not np.allclose(vectors[0], vectors[2])
    assert np.all(np.isfinite(vectors))
    embed.close()


def test_a_text_longer_than_the_encoder_reads_is_cut_not_refused(tiny_encoder: Path) -> None:
    embed = Embedder(tiny_encoder)
    long = " ".join(["kill the end of my life"] * 300)  # about 1,800 tokens, 128 positions
    start = " ".join(["kill the end of my life"] * 20)
    vectors = embed([long, start])
    assert vectors.shape == (2, HIDDEN) and np.all(np.isfinite(vectors))


def test_a_missing_or_broken_encoder_is_a_model_file_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not installed"):
        Embedder(tmp_path / "absent.gguf")(["text"])
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelFileError, match="cannot be loaded"):
        Embedder(broken)(["text"])


def test_tensor_names_follow_llama_cpp_and_unknown_ones_are_refused() -> None:
    assert gguf_name("embeddings.word_embeddings.weight") == "token_embd.weight"
    assert gguf_name("bert.encoder.layer.3.attention.self.query.bias") == "blk.3.attn_q.bias"
    assert gguf_name("encoder.layer.0.output.LayerNorm.weight") == (
        "blk.0.layer_output_norm.weight"
    )
    assert gguf_name("pooler.dense.weight") is None
    with pytest.raises(ConversionError, match="Unexpected tensor"):
        gguf_name("classifier.weight")


def test_the_vocabulary_is_written_as_llama_cpp_reads_word_pieces() -> None:
    vocab = vocabulary()
    tokenizer = {
        "added_tokens": [{"content": token, "special": True} for token in SPECIAL],
        "model": {"type": "WordPiece", "vocab": {t: i for i, t in enumerate(vocab)}},
    }
    tokens, types = gguf_vocabulary(tokenizer)
    assert tokens[: len(SPECIAL)] == SPECIAL and set(types[: len(SPECIAL)]) == {3}
    assert tokens[vocab.index("kill")] == "\u2581kill"  # a word start
    assert tokens[vocab.index("##s")] == "s"  # a continuation
    with pytest.raises(ConversionError, match="not WordPiece"):
        gguf_vocabulary({"model": {"type": "BPE", "vocab": {}}})
    with pytest.raises(ConversionError, match="ids"):
        gguf_vocabulary({"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 2}}})


def test_a_folder_that_is_not_bert_is_refused(tmp_path: Path) -> None:
    folder = write_tiny_bert(tmp_path / "model")
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "model_type": "roberta"}))
    with pytest.raises(ConversionError, match="not a BERT"):
        convert(folder, tmp_path / "out.gguf", name="x")


def test_safetensors_are_read_back_exactly_and_bad_files_are_refused(tmp_path: Path) -> None:
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(4, np.float32)}
    path = tmp_path / "w.safetensors"
    write_safetensors(path, arrays)
    read = read_safetensors(path)
    assert set(read) == {"a", "b"} and np.array_equal(read["a"], arrays["a"])
    (tmp_path / "short").write_bytes(b"abc")
    with pytest.raises(SafetensorsError, match="too short"):
        read_safetensors(tmp_path / "short")
    (tmp_path / "huge").write_bytes(struct.pack("<Q", 1 << 40) + b"{}")
    with pytest.raises(SafetensorsError, match="header"):
        read_safetensors(tmp_path / "huge")
    header = json.dumps({"x": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    (tmp_path / "bf16").write_bytes(struct.pack("<Q", len(header)) + header + b"\0\0")
    with pytest.raises(SafetensorsError, match="unsupported type BF16"):
        read_safetensors(tmp_path / "bf16")


@pytest.mark.skipif(not REAL_ENCODER.is_file(), reason="`make` has not installed the encoder")
def test_the_real_encoder_puts_paraphrases_closer_than_small_talk() -> None:
    embed = Embedder(REAL_ENCODER)
    vectors = embed(
        ["I want to die.", "I wish I was dead.", "We went to the beach on Sunday."]
    ).astype(np.float64)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert vectors.shape == (3, 384)
    assert unit[0] @ unit[1] > unit[0] @ unit[2] + 0.2
