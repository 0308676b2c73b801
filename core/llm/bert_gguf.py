"""A BERT sentence encoder (Hugging Face layout: ``config.json``, ``tokenizer.json``,
``model.safetensors``) written as a GGUF file that llama.cpp embeds with, no PyTorch.

Used once, at set-up, for the risk net's second screen (all-MiniLM-L6-v2, see
``packaging/screen_model.py``). The layout is llama.cpp's own for BERT: word pieces
with a leading "▁" for a word start, "##" pieces without it, special tokens as they are
and typed "control"; matrices in float16, vectors, positions and token types in float32;
mean pooling. Needs numpy and the ``gguf`` package (a development dependency).
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from core.llm.safetensors_file import read_safetensors

_EMBEDDINGS = {
    "embeddings.word_embeddings.weight": "token_embd.weight",
    "embeddings.position_embeddings.weight": "position_embd.weight",
    "embeddings.token_type_embeddings.weight": "token_types.weight",
    "embeddings.LayerNorm.weight": "token_embd_norm.weight",
    "embeddings.LayerNorm.bias": "token_embd_norm.bias",
}
_LAYER = {
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
}
_KEEP_F32 = {"position_embd.weight", "token_types.weight"}
_MEAN_POOLING = 1
_NORMAL, _CONTROL = 1, 3


class ConversionError(ValueError):
    """The folder is not a BERT encoder this converter knows."""


def gguf_name(name: str) -> str | None:
    """The GGUF tensor name of a Hugging Face BERT tensor; None for one llama.cpp does
    not use (the pooler)."""
    name = name.removeprefix("bert.")
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    parts = name.split(".")
    if parts[:2] == ["encoder", "layer"] and len(parts) >= 5:
        module, kind = ".".join(parts[3:-1]), parts[-1]
        if module in _LAYER and kind in ("weight", "bias"):
            return f"blk.{parts[2]}.{_LAYER[module]}.{kind}"
    if name.startswith("pooler.") or name == "embeddings.position_ids":
        return None
    raise ConversionError(f"Unexpected tensor in the model: {name}")


def vocabulary(tokenizer: dict[str, Any]) -> tuple[list[str], list[int]]:
    """The tokens in id order, as llama.cpp's WordPiece reads them, with their types."""
    model = tokenizer.get("model", {})
    if model.get("type") != "WordPiece":
        raise ConversionError("The tokenizer is not WordPiece.")
    by_id = {index: token for token, index in model["vocab"].items()}
    if sorted(by_id) != list(range(len(by_id))):
        raise ConversionError("The vocabulary's ids are not 0 to n-1.")
    special = {t["content"] for t in tokenizer.get("added_tokens", []) if t.get("special")}
    tokens, types = [], []
    for index in range(len(by_id)):
        token = by_id[index]
        if token in special:
            tokens.append(token)
            types.append(_CONTROL)
        else:
            tokens.append(token[2:] if token.startswith("##") else "\u2581" + token)
            types.append(_NORMAL)
    return tokens, types


def _tensors(weights: dict[str, np.ndarray]) -> Iterator[tuple[str, np.ndarray]]:
    for name, array in weights.items():
        target = gguf_name(name)
        if target is None:
            continue
        if array.ndim == 1 or target in _KEEP_F32:
            yield target, array.astype(np.float32)
        else:
            yield target, array.astype(np.float16)


def convert(folder: Path, out: Path, *, name: str) -> None:
    """Write the encoder in ``folder`` to ``out`` as GGUF (float16 matrices)."""
    import gguf  # a development dependency: only set-up converts

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert":
        raise ConversionError("The model is not a BERT encoder.")
    writer = gguf.GGUFWriter(str(out), "bert")
    writer.add_type("model")
    writer.add_name(name)
    _write_shape(writer, config)
    _write_vocabulary(writer, tokenizer)
    for target, array in _tensors(read_safetensors(folder / "model.safetensors")):
        writer.add_tensor(target, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _write_shape(writer: Any, config: dict[str, Any]) -> None:
    import gguf

    writer.add_block_count(config["num_hidden_layers"])
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_layer_norm_eps(config["layer_norm_eps"])
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType(_MEAN_POOLING))
    writer.add_token_type_count(config.get("type_vocab_size", 2))


def _write_vocabulary(writer: Any, tokenizer: dict[str, Any]) -> None:
    import gguf

    tokens, types = vocabulary(tokenizer)
    vocab = tokenizer["model"]["vocab"]
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("jina-v2-en")  # llama.cpp's name for BERT's pre-tokenizer
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    special = {"bos": "[CLS]", "eos": "[SEP]", "unk": "[UNK]", "sep": "[SEP]", "pad": "[PAD]"}
    for role, token in {**special, "mask": "[MASK]"}.items():
        getattr(writer, f"add_{role}_token_id")(vocab[token])
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    writer.add_add_sep_token(False)
    lowercase = bool((tokenizer.get("normalizer") or {}).get("lowercase", True))
    writer.add_key_value("tokenizer.ggml.normalizer.lowercase", lowercase, gguf.GGUFValueType.BOOL)
