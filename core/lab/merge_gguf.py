"""A base GGUF with a LoRA adapter merged into its weights, at F16, Q8_0 or Q4_K_M.

The merged file is the base file rewritten: every metadata entry is copied as it is (the
tokenizer above all: a tokenizer converted back and forth can come out different, e.g.
a SentencePiece vocabulary turned byte-level), each weight is de-quantized, the
adapter's scaled product is added where it has one, and the result is written at F16
(norms and other vectors at F32). Q8_0 and Q4_K_M are then made from the F16 file by
llama.cpp's own quantizer. What quantization costs is measured with ``lab eval``.
"""

import ctypes
import os
from pathlib import Path

import gguf
import llama_cpp
import numpy as np

from core.lab.adapter_gguf import (
    ExportError,
    base_facts,
    finish_gguf,
    gguf_pairs,
    read_adapter,
)

MERGED_KINDS = {
    "f16": llama_cpp.LLAMA_FTYPE_MOSTLY_F16,
    "q8_0": llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0,
    "q4_k_m": llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M,
}
# Text no tokenizer conversion should change: CR LF, tabs, runs of spaces, typographic
# quotes, emoji, Greek, Cyrillic, Chinese, Arabic, Devanagari.
AWKWARD_TEXT = (
    "Line one\r\nline two\tafter a tab,   three spaces \u2014 \u201cquoted\u201d "
    "\u263a \U0001f600 \u03a9\u03bc\u03ad\u03b3\u03b1 \u041f\u0440\u0438\u0432\u0435\u0442 "
    "\u4f60\u597d \u0645\u0631\u062d\u0628\u0627 \u0928\u092e\u0938\u094d\u0924\u0947\n\n end"
)


def _copy_metadata(reader: gguf.GGUFReader, writer: gguf.GGUFWriter, name: str) -> None:
    for field in reader.fields.values():
        key = field.name
        if key.startswith("GGUF.") or key in ("general.architecture", "general.alignment"):
            continue
        if key == "general.file_type":
            writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
            continue
        if key == "general.name":
            writer.add_name(name)
            continue
        vtype = gguf.GGUFValueType(field.types[0])
        sub = gguf.GGUFValueType(field.types[-1]) if vtype == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), vtype, sub_type=sub)


def _weights(tensor: gguf.ReaderTensor) -> np.ndarray:
    data = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
    return np.asarray(data, dtype=np.float32).reshape(
        tuple(reversed([int(d) for d in tensor.shape]))
    )


def write_f16(adapter_dir: Path | None, base_model: Path, out: Path, *, name: str) -> Path:
    """The base model (with the adapter merged when given) at F16."""
    facts = base_facts(base_model)
    adapter = read_adapter(adapter_dir) if adapter_dir else None
    pairs = gguf_pairs(adapter, facts) if adapter else {}
    scale = adapter.scale if adapter else 0.0
    reader = gguf.GGUFReader(str(base_model))
    writer = gguf.GGUFWriter(str(out), facts.architecture)
    _copy_metadata(reader, writer, name)
    for tensor in reader.tensors:
        data = _weights(tensor)
        if tensor.name in pairs:
            a, b = pairs[tensor.name]
            data = data + scale * (b @ a)
        writer.add_tensor(tensor.name, data.astype(np.float16 if data.ndim >= 2 else np.float32))
    return finish_gguf(writer, out)


def quantize(source: Path, out: Path, kind: str) -> Path:
    """Quantize an F16 GGUF with llama.cpp's quantizer."""
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = MERGED_KINDS[kind]
    params.nthread = max(1, (os.cpu_count() or 1))
    code = llama_cpp.llama_model_quantize(
        str(source).encode("utf-8"), str(out).encode("utf-8"), ctypes.byref(params)
    )
    if code != 0:
        raise ExportError(f"llama.cpp could not quantize the model to {kind.upper()}.")
    return out


def tokenizer_difference(base_model: Path, exported: Path) -> str | None:
    """How the exported model's tokenizer differs from the base's on awkward text, or
    None when both give the same tokens and the same text back."""
    first = llama_cpp.Llama(str(base_model), vocab_only=True, verbose=False)
    second = llama_cpp.Llama(str(exported), vocab_only=True, verbose=False)
    data = AWKWARD_TEXT.encode("utf-8")
    ids = first.tokenize(data, add_bos=False, special=False)
    if second.tokenize(data, add_bos=False, special=False) != ids:
        return "it splits text into different tokens than the base model"
    if second.detokenize(ids) != first.detokenize(ids):
        return "it turns tokens back into different text than the base model"
    return None
