"""How a local model is loaded and sampled (the app fills it from its settings)."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LlamaConfig:
    model_path: Path
    adapter_path: Path | None = None  # a GGUF LoRA adapter loaded on top of the model
    adapter_sha256: str | None = None  # what the adapter must hash to (a bundle's manifest)
    n_ctx: int = 4096
    n_threads: int = 4
    n_gpu_layers: int = 0
    n_batch: int = 512
    temperature_structured: float = 0.1
    temperature_prose: float = 0.7
    top_p: float = 0.9
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    use_mmap: bool = True
    use_mlock: bool = False
    flash_attn: bool | None = None  # None: on when layers are offloaded to a GPU
    seed: int | None = None  # None: a random seed per generation
