"""``lab export``: a trained adapter as a GGUF adapter that llama.cpp loads beside the
base model (the default: a few MB beside the model the app already has), or merged into
the base model at F16, Q8_0 or Q4_K_M.

The file is written under a temporary name, checked (llama.cpp loads it; a merged
model's tokenizer gives the base model's tokens for awkward text), and only then moved
to the name asked for: a failed export leaves no file and an earlier one intact.
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import llama_cpp

from app.usecases.lab_train import file_sha256, training_record
from core.lab.adapter_gguf import ExportError, write_adapter_gguf
from core.lab.merge_gguf import MERGED_KINDS, quantize, tokenizer_difference, write_f16
from core.llm import llama_log


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: str  # "adapter", "f16", "q8_0", "q4_k_m"
    base: Path
    size: int
    sha256: str


def adapter_folder(path: Path) -> Path:
    """The peft folder: the one given, or its ``adapter/`` (a ``lab train`` output)."""
    inner = path / "adapter"
    return inner if (inner / "adapter_config.json").is_file() else path


def base_of(adapter: Path, base: Path | None) -> Path:
    record = training_record(adapter)
    if base is None:
        if record is None or not isinstance(record.get("base_model"), str):
            raise ExportError(f"{adapter} does not record its base model; name it with --base.")
        base = Path(record["base_model"])
    if not base.is_file():
        raise ExportError(f"the base model {base} does not exist; name it with --base.")
    if record is not None and record.get("base_sha256") not in (None, file_sha256(base)):
        raise ExportError(
            f"{base.name} is not the file the adapter was trained on (its checksum differs)."
        )
    return base


def _loads(model: Path, adapter: Path | None) -> None:
    llama_log.install()
    llama_log.clear()
    try:
        llm = llama_cpp.Llama(
            str(model),
            n_ctx=256,
            lora_path=str(adapter) if adapter else None,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError):
        reason = llama_log.last_error() or "it refused the file"
        raise ExportError(f"llama.cpp cannot load the exported file ({reason}).") from None
    llm.close()


def export(
    adapter: Path, out: Path, *, base: Path | None = None, merge: str | None = None
) -> ExportResult:
    folder = adapter_folder(adapter)
    base = base_of(folder, base)
    if merge is not None and merge not in MERGED_KINDS:
        raise ExportError(f"{merge!r} is not one of {', '.join(MERGED_KINDS)}.")
    partial = out.with_name(f".{out.name}.partial")
    f16 = out.with_name(f".{out.name}.f16.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if merge is None:
            write_adapter_gguf(folder, base, partial, name=out.stem)
            _loads(base, partial)
        else:
            write_f16(folder, base, partial if merge == "f16" else f16, name=out.stem)
            if merge != "f16":
                quantize(f16, partial, merge)
            problem = tokenizer_difference(base, partial)
            if problem:
                raise ExportError(f"the exported model's tokenizer is not the base's: {problem}.")
            _loads(partial, None)
        os.replace(partial, out)
    except OSError as exc:
        raise ExportError(
            f"{out} could not be written ({exc.strerror or type(exc).__name__}); nothing "
            "was replaced."
        ) from None
    finally:
        for leftover in (partial, f16):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return ExportResult(out, merge or "adapter", base, out.stat().st_size, file_sha256(out))
