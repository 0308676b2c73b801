"""Writes random-weight llama-architecture GGUF files with the ``gguf`` package.

Tests use a tiny one (2 layers, 64 wide: loads in milliseconds); the benchmark uses a
bigger one of a real model's shape. The vocabulary is SentencePiece-style with byte
fallback: the 256 byte tokens make every string encodable, so a grammar can always be
satisfied, and a few hundred printable pieces keep tokenization realistic.
Random weights produce gibberish text, but real llama.cpp code paths, chat templates,
grammars and timings.
"""

import string
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

from core.lab.adapter_gguf import finish_gguf

# A ChatML-style template: llama-cpp-python renders it with Jinja from the GGUF metadata.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class ModelShape:
    n_embd: int = 64
    n_layer: int = 2
    n_ff: int = 128
    n_head: int = 4
    n_head_kv: int = 4
    n_ctx_train: int = 4096
    extra_vocab: int = 0  # synthetic pieces beyond the base vocabulary (for big shapes)


def vocabulary(extra: int = 0) -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and types: control tokens, 256 bytes, printable pieces, words."""
    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    types = [
        gguf.TokenType.UNKNOWN,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
    ]
    tokens += [f"<0x{byte:02X}>" for byte in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    pieces: list[str] = []
    for char in string.ascii_letters + string.digits + string.punctuation:
        pieces += [char, "\u2581" + char]
    pieces += ["\u2581", "\u2581\u2581", "\n"]
    words = (
        "the patient said sleep mood risk plan phase machine on off standby suction "
        "ventilator monitor camera pump light note session therapy anxiety calm"
    ).split()
    pieces += ["\u2581" + word for word in words] + words
    pieces += [f"\u2581w{i}" for i in range(extra)]
    seen = set(tokens)
    for piece in pieces:
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
            types.append(gguf.TokenType.NORMAL)
    # SentencePiece merges by score: longer pieces win.
    scores = [
        0.0 if t != gguf.TokenType.NORMAL else -1000.0 + 10 * len(tok)
        for tok, t in zip(tokens, types, strict=True)
    ]
    return tokens, scores, [int(t) for t in types]


def add_tokenizer(
    writer: gguf.GGUFWriter,
    tokens: list[str],
    scores: list[float],
    types: list[int],
    chat_template: str | None,
) -> None:
    """A SentencePiece-style vocabulary with <unk>, <s> and </s> as ids 0, 1 and 2."""
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    if chat_template is not None:
        writer.add_chat_template(chat_template)


def write_llama_gguf(
    path: Path,
    shape: ModelShape = ModelShape(),
    *,
    seed: int = 0,
    name: str = "auralis-tiny-test",
    chat_template: str | None = CHAT_TEMPLATE,
    drop_tensor: str | None = None,
) -> Path:
    """Write a random-weight llama GGUF (F32 for small shapes, F16 otherwise).

    ``drop_tensor`` leaves one tensor out, to make a structurally broken model file.
    """
    rng = np.random.default_rng(seed)
    tokens, scores, types = vocabulary(shape.extra_vocab)
    n_vocab = len(tokens)
    dtype = np.float32 if shape.n_embd <= 256 else np.float16
    head_dim = shape.n_embd // shape.n_head
    kv_dim = head_dim * shape.n_head_kv

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(shape.n_ctx_train)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layer)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(
        gguf.LlamaFileType.ALL_F32 if dtype == np.float32 else gguf.LlamaFileType.MOSTLY_F16
    )
    add_tokenizer(writer, tokens, scores, types, chat_template)

    def weight(*dims: int, scale: float = 0.02) -> np.ndarray:
        return (rng.standard_normal(dims, dtype=np.float32) * scale).astype(dtype)

    tensors: dict[str, np.ndarray] = {
        "token_embd.weight": weight(n_vocab, shape.n_embd),
        "output_norm.weight": np.ones(shape.n_embd, dtype=np.float32),
        "output.weight": weight(n_vocab, shape.n_embd),
    }
    for i in range(shape.n_layer):
        tensors |= {
            f"blk.{i}.attn_norm.weight": np.ones(shape.n_embd, dtype=np.float32),
            f"blk.{i}.attn_q.weight": weight(shape.n_embd, shape.n_embd),
            f"blk.{i}.attn_k.weight": weight(kv_dim, shape.n_embd),
            f"blk.{i}.attn_v.weight": weight(kv_dim, shape.n_embd),
            f"blk.{i}.attn_output.weight": weight(shape.n_embd, shape.n_embd),
            f"blk.{i}.ffn_norm.weight": np.ones(shape.n_embd, dtype=np.float32),
            f"blk.{i}.ffn_gate.weight": weight(shape.n_ff, shape.n_embd),
            f"blk.{i}.ffn_up.weight": weight(shape.n_ff, shape.n_embd),
            f"blk.{i}.ffn_down.weight": weight(shape.n_embd, shape.n_ff),
        }
    for tensor_name, data in tensors.items():
        if tensor_name != drop_tensor:
            writer.add_tensor(tensor_name, data)
    return finish_gguf(writer, path)


GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<start_of_turn>"
    "{{ 'model' if message['role'] == 'assistant' else 'user' }}\n"
    "{{ message['content'] }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)


def write_gemma3_gguf(
    path: Path,
    *,
    seed: int = 0,
    n_embd: int = 64,
    n_layer: int = 2,
    n_ff: int = 128,
    n_head: int = 2,
    n_head_kv: int = 1,
    head_dim: int = 256,
    chat_template: str | None = GEMMA_CHAT_TEMPLATE,
) -> Path:
    """Write a random-weight Gemma 3 (text) GGUF: grouped-query attention with Q/K norms,
    norms around attention and feed-forward, tied embeddings. Head size 256, as in the
    real 270M model, so llama.cpp's attention scale and transformers' agree."""
    rng = np.random.default_rng(seed)
    tokens, scores, types = vocabulary()
    tokens += ["<start_of_turn>", "<end_of_turn>"]
    scores += [0.0, 0.0]
    types += [int(gguf.TokenType.CONTROL)] * 2
    arch = "gemma3"
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name("auralis-tiny-gemma3")
    writer.add_context_length(4096)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_sliding_window(512)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    add_tokenizer(writer, tokens, scores, types, chat_template)

    def weight(*dims: int, scale: float = 0.05) -> np.ndarray:
        return rng.standard_normal(dims, dtype=np.float32) * scale

    def norm(size: int) -> np.ndarray:  # stored as 1 + w, as the converter writes it
        return (1.0 + rng.standard_normal(size, dtype=np.float32) * 0.05).astype(np.float32)

    q_dim, kv_dim = n_head * head_dim, n_head_kv * head_dim
    tensors: dict[str, np.ndarray] = {
        "token_embd.weight": weight(len(tokens), n_embd),
        "output_norm.weight": norm(n_embd),
    }
    for i in range(n_layer):
        tensors |= {
            f"blk.{i}.attn_norm.weight": norm(n_embd),
            f"blk.{i}.attn_q.weight": weight(q_dim, n_embd),
            f"blk.{i}.attn_k.weight": weight(kv_dim, n_embd),
            f"blk.{i}.attn_v.weight": weight(kv_dim, n_embd),
            f"blk.{i}.attn_q_norm.weight": norm(head_dim),
            f"blk.{i}.attn_k_norm.weight": norm(head_dim),
            f"blk.{i}.attn_output.weight": weight(n_embd, q_dim),
            f"blk.{i}.post_attention_norm.weight": norm(n_embd),
            f"blk.{i}.ffn_norm.weight": norm(n_embd),
            f"blk.{i}.ffn_gate.weight": weight(n_ff, n_embd),
            f"blk.{i}.ffn_up.weight": weight(n_ff, n_embd),
            f"blk.{i}.ffn_down.weight": weight(n_embd, n_ff),
            f"blk.{i}.post_ffw_norm.weight": norm(n_embd),
        }
    for tensor_name, data in tensors.items():
        writer.add_tensor(tensor_name, data)
    return finish_gguf(writer, path)
