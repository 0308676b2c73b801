"""A ``peft`` LoRA adapter as a GGUF adapter file that llama.cpp loads beside its base
model (``lora_path``).

Each adapted projection's ``lora_A`` (rank x in) and ``lora_B`` (out x rank) are written
under the base model's GGUF tensor name with ``.lora_a``/``.lora_b``; llama.cpp scales
their product by alpha / rank, as peft does. For the Llama architecture the converter
that made the GGUF permuted the rows of the query and key projections (rotary layout),
so ``lora_B`` of those is permuted the same way.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

from core.lab.errors import LabError
from core.llm.gguf_header import GGUFHeaderError, read_header
from core.llm.safetensors_file import SafetensorsError, read_safetensors

PERMUTED_ARCHITECTURES = {"llama"}


class ExportError(LabError):
    """An adapter or model that cannot be exported; the message says why in one line."""


@dataclass(frozen=True)
class LoraAdapter:
    rank: int
    alpha: float
    # HF module name ("model.layers.0.self_attn.q_proj") -> (A, B)
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]

    @property
    def scale(self) -> float:
        return self.alpha / self.rank


def read_adapter(folder: Path) -> LoraAdapter:
    config_path = folder / "adapter_config.json"
    weights_path = folder / "adapter_model.safetensors"
    if not config_path.is_file() or not weights_path.is_file():
        raise ExportError(
            f"{folder} is not a LoRA adapter folder (it needs adapter_config.json and "
            "adapter_model.safetensors, as `auralis lab train` writes them)."
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        tensors = read_safetensors(weights_path)
    except (OSError, ValueError, SafetensorsError) as exc:
        raise ExportError(f"{folder} cannot be read ({type(exc).__name__}).") from None
    if config.get("peft_type", "LORA") != "LORA" or not isinstance(config.get("r"), int):
        raise ExportError(f"{folder} holds no LoRA adapter.")
    halves: dict[str, dict[str, np.ndarray]] = {}
    for name, array in tensors.items():
        for half in ("lora_A", "lora_B"):
            marker = f".{half}."
            if marker in name:
                module = name.split(marker)[0].removeprefix("base_model.model.")
                halves.setdefault(module, {})[half] = array.astype(np.float32)
    pairs = {}
    for module, found in halves.items():
        if set(found) != {"lora_A", "lora_B"}:
            raise ExportError(f"{folder} has half an adapter for {module}.")
        pairs[module] = (found["lora_A"], found["lora_B"])
    if not pairs:
        raise ExportError(f"{folder} holds no LoRA weights.")
    return LoraAdapter(int(config["r"]), float(config.get("lora_alpha", config["r"])), pairs)


def _arch(name: str) -> gguf.MODEL_ARCH:
    for arch, arch_name in gguf.MODEL_ARCH_NAMES.items():
        if arch_name == name:
            return arch
    raise ExportError(f"the architecture {name!r} is not one the GGUF writer knows.")


def permute_rows(rows: np.ndarray, heads: int) -> np.ndarray:
    """The rotary-layout permutation llama.cpp's converter applies to Q and K rows."""
    return (
        rows.reshape(heads, 2, rows.shape[0] // heads // 2, *rows.shape[1:])
        .swapaxes(1, 2)
        .reshape(rows.shape)
    )


@dataclass(frozen=True)
class BaseFacts:
    architecture: str
    blocks: int
    heads: int
    kv_heads: int
    tensors: dict[str, tuple[int, ...]]  # GGUF name -> shape (numpy order: out, in)


def base_facts(model: Path) -> BaseFacts:
    try:
        header = read_header(model)
    except (GGUFHeaderError, OSError) as exc:
        raise ExportError(f"{model.name} is not a readable GGUF model ({exc}).") from None
    arch = header.architecture or ""
    blocks, heads = header.arch_value("block_count"), header.arch_value("attention.head_count")
    kv_heads = header.arch_value("attention.head_count_kv") or heads
    if not isinstance(blocks, int) or not isinstance(heads, int) or not isinstance(kv_heads, int):
        raise ExportError(f"{model.name} does not say its layer and head counts.")
    shapes = {t.name: tuple(reversed(t.dims)) for t in header.tensors}
    return BaseFacts(arch, blocks, heads, kv_heads, shapes)


def gguf_pairs(adapter: LoraAdapter, facts: BaseFacts) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The adapter's (A, B) by the base GGUF's tensor name, in GGUF's row layout."""
    names = gguf.get_tensor_name_map(_arch(facts.architecture), facts.blocks)
    result = {}
    for module, (a, b) in adapter.pairs.items():
        name = names.get_name(f"{module}.weight", try_suffixes=(".weight",))
        if name is None or name not in facts.tensors:
            raise ExportError(
                f"the adapter's {module} has no tensor in the base model; was it trained on "
                "another model?"
            )
        out_rows, in_cols = facts.tensors[name][0], facts.tensors[name][-1]
        if b.shape[0] != out_rows or a.shape[1] != in_cols:
            raise ExportError(f"the adapter's {module} does not fit the base model's shape.")
        if facts.architecture in PERMUTED_ARCHITECTURES:
            if name.endswith("attn_q.weight"):
                b = permute_rows(b, facts.heads)
            elif name.endswith("attn_k.weight"):
                b = permute_rows(b, facts.kv_heads)
        result[name] = (a, b)
    return result


def write_adapter_gguf(adapter_dir: Path, base_model: Path, out: Path, *, name: str) -> Path:
    """Write the adapter in ``adapter_dir`` (trained on ``base_model``) as a GGUF adapter."""
    adapter = read_adapter(adapter_dir)
    facts = base_facts(base_model)
    pairs = gguf_pairs(adapter, facts)
    writer = gguf.GGUFWriter(str(out), facts.architecture)
    writer.add_string(gguf.Keys.General.TYPE, gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, adapter.alpha)
    writer.add_name(name)
    for tensor_name, (a, b) in sorted(pairs.items()):
        base = tensor_name.removesuffix(".weight")
        writer.add_tensor(f"{base}.weight.lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(f"{base}.weight.lora_b", np.ascontiguousarray(b, dtype=np.float32))
    return finish_gguf(writer, out)


def finish_gguf(writer: gguf.GGUFWriter, out: Path) -> Path:
    """Write what was added to ``writer`` into its file, and close it."""
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    return out
