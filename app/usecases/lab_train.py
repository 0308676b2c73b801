"""``lab train``: a LoRA adapter fine-tuned on a ``lab data`` folder, from a base GGUF.

The examples are built by the inference prompt code and tokenized by the base model's
own llama.cpp vocabulary. The output folder holds ``adapter/`` (peft's files), the
checkpoints, ``training.json`` (settings, base model checksum, loss history, time and
memory) and ``loss.png``.
"""

import json
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.usecases.lab_data import vocabulary_of
from core.files import write_text_atomically
from core.lab import train as trainer
from core.lab.dataset import read_part
from core.lab.examples import Example, ExampleBuilder
from core.lab.plots import loss_curve
from core.lab.train import Progress, TrainingError, TrainSettings
from core.llm.gguf_header import GGUFHeaderError, read_header
from core.llm.model_file import ChecksumCache
from core.notes.templates import Template

TRAINING_FILE = "training.json"
LOSS_PLOT = "loss.png"


@dataclass(frozen=True)
class TrainResult:
    out: Path
    steps: int
    examples: int
    skipped_long: int
    seconds: float
    peak_rss_mb: float
    first_loss: float | None
    last_loss: float | None
    valid_loss: float | None


def file_sha256(path: Path) -> str:
    return ChecksumCache(None).sha256(path)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


# Generative architectures that transformers loads from GGUF and the adapter writer maps
# (Llama and Gemma 3 are tested end to end).
TRAINABLE_ARCHITECTURES = ("llama", "gemma2", "gemma3", "phi3", "qwen2", "qwen3")


def check_trainable(base: Path) -> str:
    try:
        architecture = read_header(base).architecture or "unknown"
    except (GGUFHeaderError, OSError) as exc:
        raise TrainingError(f"{base} is not a readable GGUF model ({exc}).") from None
    if architecture not in TRAINABLE_ARCHITECTURES:
        raise TrainingError(
            f"{base.name} is a {architecture} model; the lab fine-tunes generative models of "
            f"these architectures: {', '.join(TRAINABLE_ARCHITECTURES)}."
        )
    return architecture


def _examples(
    data: Path, part: str, template: Template, builder: ExampleBuilder, limit: int
) -> tuple[list[Example], int]:
    built = [
        builder.build(template, p.transcript, p.sections) for p in read_part(data / f"{part}.jsonl")
    ]
    kept = [e for e in built if e.length <= limit]
    return kept, len(built) - len(kept)


def train_adapter(
    base: Path,
    data: Path,
    out: Path,
    template: Template,
    settings: TrainSettings,
    *,
    max_tokens: int = 4096,
    resume: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    on_status: Callable[[str], None] | None = None,
) -> TrainResult:
    trainer.require_lab()
    if base.is_dir():
        raise TrainingError(
            f"{base} is a folder; the lab trains from a GGUF file, so that training and "
            "drafting use the same tokenizer. Convert the model to GGUF first."
        )
    if not base.is_file():
        raise TrainingError(f"{base} does not exist.")
    check_trainable(base)
    started = time.perf_counter()
    status = on_status or (lambda _text: None)
    builder, context = vocabulary_of(base)
    limit = min(max_tokens, context)
    examples, skipped = _examples(data, "train", template, builder, limit)
    valid, _ = (
        _examples(data, "valid", template, builder, limit)
        if (data / "valid.jsonl").exists()
        else ([], 0)
    )
    if not examples:
        raise TrainingError(
            f"no training example fits in {max_tokens} tokens or the model's context "
            f"({skipped} are longer); raise --max-tokens or use a model with a longer context."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrainingError(f"{out} cannot be written ({exc.strerror or exc}).") from None
    status(f"loading {base.name} for training")
    with trainer.quiet_libraries():
        model = trainer.with_adapter(trainer.load_base(base), settings)
    status(
        f"training on {len(examples)} examples"
        + (f" ({skipped} longer than {max_tokens} tokens left out)" if skipped else "")
    )
    with trainer.quiet_libraries():
        state = trainer.train(
            model, examples, valid, out, settings, resume=resume, on_progress=on_progress
        )
    seconds = time.perf_counter() - started
    history = state.history
    valid_losses = [h["valid_loss"] for h in history if "valid_loss" in h]
    result = TrainResult(
        out,
        state.step,
        len(examples),
        skipped,
        round(seconds, 1),
        round(peak_rss_mb(), 1),
        history[0]["loss"] if history else None,
        history[-1]["loss"] if history else None,
        valid_losses[-1] if valid_losses else None,
    )
    record: dict[str, Any] = {
        "base_model": str(base.resolve()),
        "base_sha256": file_sha256(base),
        "data": str(data.resolve()),
        "template": template.name,
        "max_tokens": max_tokens,
        "settings": asdict(settings),
        "result": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(result).items()},
        "history": history,
    }
    try:
        write_text_atomically(out / TRAINING_FILE, json.dumps(record, indent=1) + "\n")
        if history:
            loss_curve(history, out / LOSS_PLOT, title=f"LoRA on {base.name}")
    except OSError as exc:
        raise TrainingError(
            f"the adapter is saved in {out / 'adapter'}, but the training record could not "
            f"be written ({exc.strerror or type(exc).__name__})."
        ) from None
    return result


def training_record(folder: Path) -> dict[str, Any] | None:
    """What ``lab train`` recorded in a training folder (or the adapter folder in it)."""
    for candidate in (folder / TRAINING_FILE, folder.parent / TRAINING_FILE):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return data if isinstance(data, dict) else None
    return None
