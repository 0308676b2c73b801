"""A random LoRA adapter for a tiny llama GGUF, in peft's folder format and as a GGUF
adapter (through the lab's own converter): for tests of loading adapters that need no
training, and so no torch."""

import json
from pathlib import Path

import numpy as np
from tiny_bert import write_safetensors

from core.lab.adapter_gguf import write_adapter_gguf


def write_peft_folder(
    folder: Path, *, layers: int = 2, width: int = 64, rank: int = 4, seed: int = 1
) -> Path:
    """q and v adapters of every layer of a ``ModelShape()`` llama, strong enough to change
    its output."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for i in range(layers):
        for proj in ("q_proj", "v_proj"):
            stem = f"base_model.model.model.layers.{i}.self_attn.{proj}"
            tensors[f"{stem}.lora_A.weight"] = rng.standard_normal((rank, width)) * 0.5
            tensors[f"{stem}.lora_B.weight"] = rng.standard_normal((width, rank)) * 0.5
    write_safetensors(folder / "adapter_model.safetensors", tensors)
    config = {"peft_type": "LORA", "r": rank, "lora_alpha": 2 * rank}
    (folder / "adapter_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def write_adapter(base: Path, out: Path, *, name: str = "clinic-notes") -> Path:
    peft = write_peft_folder(out.parent / f"{out.stem}-peft")
    return write_adapter_gguf(peft, base, out, name=name)
