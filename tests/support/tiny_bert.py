"""A tiny random-weight BERT sentence encoder in the Hugging Face layout (config.json,
tokenizer.json, model.safetensors), for the tests of the GGUF converter and of the risk
net's second screen: 2 layers, 32 wide, a word-piece vocabulary of letters and a few
words, so that any English text tokenizes. Random weights give meaningless but real,
deterministic vectors through the real llama.cpp code.
"""

import json
import string
import struct
from pathlib import Path

import numpy as np

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = "the i you my a to and it was have been not never want die kill end life safe".split()
HIDDEN, LAYERS, HEADS, FFN, POSITIONS = 32, 2, 2, 64, 128


def vocabulary() -> list[str]:
    pieces = list(string.ascii_lowercase) + list(string.digits) + list(string.punctuation)
    return list(dict.fromkeys([*SPECIAL, *WORDS, *pieces, *("##" + p for p in pieces)]))


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, object] = {}
    blobs, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode("utf-8")
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def weights(vocab: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def matrix(rows: int, cols: int) -> np.ndarray:
        return rng.normal(0.0, 0.2, (rows, cols)).astype(np.float32)

    tensors = {
        "embeddings.word_embeddings.weight": matrix(vocab, HIDDEN),
        "embeddings.position_embeddings.weight": matrix(POSITIONS, HIDDEN),
        "embeddings.token_type_embeddings.weight": matrix(2, HIDDEN),
        "embeddings.LayerNorm.weight": np.ones(HIDDEN, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(HIDDEN, np.float32),
        "embeddings.position_ids": np.arange(POSITIONS, dtype=np.float32)[None, :],
    }
    for layer in range(LAYERS):
        prefix = f"encoder.layer.{layer}."
        shapes = {
            "attention.self.query": (HIDDEN, HIDDEN),
            "attention.self.key": (HIDDEN, HIDDEN),
            "attention.self.value": (HIDDEN, HIDDEN),
            "attention.output.dense": (HIDDEN, HIDDEN),
            "intermediate.dense": (FFN, HIDDEN),
            "output.dense": (HIDDEN, FFN),
        }
        for module, (rows, cols) in shapes.items():
            tensors[prefix + module + ".weight"] = matrix(rows, cols)
            tensors[prefix + module + ".bias"] = np.zeros(rows, np.float32)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            tensors[prefix + norm + ".weight"] = np.ones(HIDDEN, np.float32)
            tensors[prefix + norm + ".bias"] = np.zeros(HIDDEN, np.float32)
    tensors["pooler.dense.weight"] = matrix(HIDDEN, HIDDEN)
    tensors["pooler.dense.bias"] = np.zeros(HIDDEN, np.float32)
    return tensors


def write_tiny_bert(folder: Path) -> Path:
    """The three files of a tiny BERT in ``folder`` (made if needed); returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary()
    config = {
        "model_type": "bert",
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": FFN,
        "max_position_embeddings": POSITIONS,
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "vocab_size": len(vocab),
    }
    tokenizer = {
        "added_tokens": [
            {"id": i, "content": token, "special": True} for i, token in enumerate(SPECIAL)
        ],
        "normalizer": {"type": "BertNormalizer", "lowercase": True},
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": "##",
            "vocab": {token: i for i, token in enumerate(vocab)},
        },
    }
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    write_safetensors(folder / "model.safetensors", weights(len(vocab)))
    return folder
