"""Checking a LoRA adapter (a GGUF adapter file) before llama.cpp loads it beside its
model: that it is an adapter, of the model's architecture, and which one it is (name and
sha256, shown in the model manager)."""

from dataclasses import dataclass
from pathlib import Path

from core.llm.gguf_header import GGUFHeader, GGUFHeaderError, read_header
from core.llm.model_file import ChecksumCache
from core.llm.types import ModelFileError


@dataclass(frozen=True)
class AdapterReport:
    path: Path
    name: str
    sha256: str
    alpha: float | None


def check_adapter_file(
    path: Path, model: GGUFHeader, *, expected_sha256: str | None = None
) -> AdapterReport:
    """The adapter's facts, or a ``ModelFileError`` saying in one line why it cannot be
    used with this model (or, given ``expected_sha256``, why it is not the file listed)."""
    if not path.is_file():
        raise ModelFileError("adapter_missing", f"The adapter {path} does not exist.")
    try:
        header = read_header(path)
    except (GGUFHeaderError, OSError) as exc:
        raise ModelFileError(
            "adapter_unreadable", f"The adapter {path.name} is not a readable GGUF file ({exc})."
        ) from None
    if header.metadata.get("general.type") != "adapter":
        raise ModelFileError(
            "not_an_adapter",
            f"{path.name} is a model, not an adapter; choose the .gguf adapter that "
            "`auralis lab export` wrote.",
        )
    if header.architecture != model.architecture:
        raise ModelFileError(
            "adapter_mismatch",
            f"The adapter {path.name} was made for a {header.architecture} model; the model "
            f"is {model.architecture}.",
        )
    sha256 = ChecksumCache(None).sha256(path)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise ModelFileError(
            "adapter_checksum_mismatch",
            f"{path} does not match its manifest: checksum mismatch (expected sha256 "
            f"{expected_sha256}, found {sha256}). Reinstall it.",
        )
    name = header.metadata.get("general.name")
    alpha = header.metadata.get("adapter.lora.alpha")
    return AdapterReport(
        path,
        name if isinstance(name, str) and name else path.stem,
        sha256,
        float(alpha) if isinstance(alpha, int | float) else None,
    )
