"""Whether a model fits in the memory this process may still use, checked before
llama.cpp is asked to load it.

llama.cpp (and the OpenMP runtime under it) ends the whole process when an allocation
or a thread start fails at the wrong moment (``std::bad_alloc``, ``GGML_ABORT``,
"libgomp: Thread creation failed"): no Python code can catch that, and the window built
its engine at every start. So the load is refused first, with the numbers, when the
model file, its context's KV cache, llama.cpp's working buffers and the threads need
more than one of the process's limits leaves: the address space limit (``RLIMIT_AS``),
the data limit (``RLIMIT_DATA``) and the cgroup's limit (v2 ``memory.max`` or v1
``memory.limit_in_bytes``), where they can be read. The physical memory available
(psutil) is checked before, with the model file (``model_file.check_model_file``).
"""

import contextlib
import resource
from dataclasses import dataclass
from pathlib import Path

from core.llm.config import LlamaConfig
from core.llm.gguf_header import GGUFHeader

MIB = 2**20
SAFETY = 1.25  # the estimate's margin: llama.cpp's buffers vary by version and model
OVERHEAD = 96 * MIB  # Python's side of a loaded model (token arrays, grammar, sampler)
ARENA = 64 * MIB  # glibc reserves one malloc arena of address space per busy thread
F16 = 2  # bytes per KV cache element
F32 = 4


@dataclass(frozen=True)
class MemoryNeed:
    """What loading a model with a context takes, in bytes (before the margin)."""

    model: int  # the model file (mapped or read)
    kv_cache: int  # keys and values for every layer and context position
    work: int  # llama.cpp's compute buffers and the logits Python keeps
    per_thread: int  # address space each inference thread takes (stack and arena)
    n_threads: int
    on_gpu: float = 0.0  # the share of the layers (weights and KV cache) offloaded to a GPU

    def total(self, *, address_space: bool) -> int:
        """With the margin. ``address_space``: what counts against ``RLIMIT_AS``, the
        whole mapped model and the threads' reservations (which take no memory until
        used); else the memory itself, less what sits on a GPU."""
        if address_space:
            model, kv = self.model, self.kv_cache
            threads = self.per_thread * self.n_threads
        else:
            kept = 1.0 - self.on_gpu
            model, kv, threads = int(self.model * kept), int(self.kv_cache * kept), 0
        return model + int((kv + self.work) * SAFETY) + threads + OVERHEAD


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


def estimate_need(header: GGUFHeader, config: LlamaConfig, file_size: int) -> MemoryNeed:
    """The memory a load of ``header``'s model with ``config`` takes (an estimate)."""
    n_layer = _int(header.arch_value("block_count"), 32)
    n_embd = _int(header.arch_value("embedding_length"), 4096)
    n_head = _int(header.arch_value("attention.head_count"), 32)
    n_head_kv = _int(header.arch_value("attention.head_count_kv"), n_head)
    key_length = _int(header.arch_value("attention.key_length"), n_embd // n_head)
    value_length = _int(header.arch_value("attention.value_length"), key_length)
    embeddings = next((t for t in header.tensors if t.name == "token_embd.weight"), None)
    n_vocab = embeddings.dims[-1] if embeddings is not None and embeddings.dims else 32000
    n_ctx, n_batch = config.n_ctx, max(config.n_batch, 1)
    n_ubatch = min(n_batch, 512)
    kv = n_layer * n_ctx * n_head_kv * (key_length + value_length) * F16
    attention = n_ubatch * n_ctx * n_head * F32  # one layer's attention scores
    logits = n_batch * n_vocab * F32 * 2  # llama.cpp's output buffer and Python's copy
    activations = n_ubatch * max(n_embd, 1) * F32 * 16
    try:
        stack = resource.getrlimit(resource.RLIMIT_STACK)[0]
    except (OSError, ValueError):
        stack = 8 * MIB
    stack = stack if 0 < stack < 1024 * MIB else 8 * MIB
    gpu_layers = n_layer if config.n_gpu_layers < 0 else min(config.n_gpu_layers, n_layer)
    return MemoryNeed(
        model=file_size,
        kv_cache=kv,
        work=attention + logits + activations,
        per_thread=stack + ARENA,
        n_threads=max(config.n_threads, 1),
        on_gpu=gpu_layers / n_layer,
    )


@dataclass(frozen=True)
class MemoryRoom:
    """How much more this process may use under one limit."""

    limit: str  # in words, with its name: "the address space limit (RLIMIT_AS)"
    room: int
    address_space: bool  # whether reserved (not yet used) address space counts


def _status_kib(field: str) -> int | None:
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return None


def _read_int(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        text = path.read_text().strip()
        return None if text == "max" else int(text)
    return None


def _cgroup_room() -> int | None:
    """Bytes the cgroup still allows (v2, then v1); None when there is no readable limit."""
    root = Path("/sys/fs/cgroup")
    own = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                own = line[3:].strip().lstrip("/")
    for folder in dict.fromkeys((root / own, root)):
        limit, used = _read_int(folder / "memory.max"), _read_int(folder / "memory.current")
        if limit is not None and used is not None:
            return limit - used
    v1 = root / "memory"
    limit = _read_int(v1 / "memory.limit_in_bytes")
    used = _read_int(v1 / "memory.usage_in_bytes")
    if limit is not None and used is not None and limit < 2**60:
        return limit - used
    return None


def _rlimit_room(which: int, used: int | None) -> int | None:
    try:
        soft = resource.getrlimit(which)[0]
    except (OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY or used is None:
        return None
    return soft - used


def memory_rooms() -> list[MemoryRoom]:
    """Every limit on this process that can be read, with the room it leaves now."""
    rooms = []
    address = _rlimit_room(resource.RLIMIT_AS, _status_kib("VmSize"))
    if address is not None:
        rooms.append(MemoryRoom("the address space limit (RLIMIT_AS)", address, True))
    data = _rlimit_room(resource.RLIMIT_DATA, _status_kib("VmData"))
    if data is not None:
        rooms.append(MemoryRoom("the data size limit (RLIMIT_DATA)", data, False))
    cgroup = _cgroup_room()
    if cgroup is not None:
        rooms.append(MemoryRoom("the memory limit of this program's cgroup", cgroup, False))
    return rooms


def memory_problem(
    header: GGUFHeader, config: LlamaConfig, file_size: int, rooms: list[MemoryRoom]
) -> str | None:
    """What to tell the user when the model does not fit (None when it fits)."""
    need = estimate_need(header, config, file_size)
    for room in rooms:
        needed = need.total(address_space=room.address_space)
        if needed > room.room:
            return (
                f"Not enough memory to load {config.model_path.name} with a context of "
                f"{config.n_ctx} tokens: it needs about {needed // MIB} MiB (model "
                f"{need.model // MIB} MiB, context {need.kv_cache // MIB} MiB, working "
                f"buffers {need.work // MIB} MiB, {need.n_threads} threads), and "
                f"{room.limit} leaves {max(room.room, 0) // MIB} MiB. Lower the context "
                "size (inference.n_ctx) or the threads, choose a smaller model, or free "
                "memory; nothing was loaded and the rule-based drafts work meanwhile."
            )
    return None
