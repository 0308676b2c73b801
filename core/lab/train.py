"""LoRA fine-tuning of a GGUF model on CPU (or a GPU when torch sees one).

The base GGUF is loaded into a trainable ``transformers`` model (its quantized weights
de-quantized to float32); ``peft`` adds low-rank adapters to the attention projections;
a plain loop trains them on one example at a time with gradient accumulation. Every
``checkpoint_every`` optimizer steps the adapter, the optimizer and the loss history are
saved (atomically: a checkpoint is complete or absent), and ``resume`` goes on from the
last one. Needs the ``[lab]`` extra: torch, transformers, peft.
"""

import contextlib
import io
import json
import math
import os
import random
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.lab.errors import LabError
from core.lab.examples import Example

ADAPTER_DIR = "adapter"
CHECKPOINT_PREFIX = "checkpoint-"
STATE_FILE = "trainer_state.json"
KEEP_CHECKPOINTS = 2  # the newest two: one to resume from, one in case that one is damaged
# Which projections get adapters, by what the model has: q and v (Llama, Gemma, Qwen),
# or the fused qkv of Phi-3.
TARGET_CHOICES = (("q_proj", "v_proj"), ("qkv_proj",))


class TrainingError(LabError):
    """Training cannot start or go on; the message is one line saying why."""


@dataclass(frozen=True)
class TrainSettings:
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 2e-4
    epochs: float = 1.0
    max_steps: int | None = None  # optimizer steps; overrides epochs
    accumulation: int = 4
    checkpoint_every: int = 20
    seed: int = 0
    targets: tuple[str, ...] | None = None  # module names; None: chosen by the model


@dataclass
class Progress:
    step: int  # optimizer steps done
    total: int
    loss: float  # mean training loss over the last optimizer step
    tokens_per_s: float
    seconds_left: float
    valid_loss: float | None = None


@dataclass
class TrainerState:
    step: int = 0
    micro: int = 0  # examples seen
    history: list[dict[str, float]] = field(default_factory=list)  # step, loss, valid_loss

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "TrainerState":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(data["step"]), int(data["micro"]), list(data["history"]))


def require_lab() -> None:
    """Refuse clearly when the ``[lab]`` extra is not installed."""
    missing = []
    for module in ("torch", "transformers", "peft"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise TrainingError(
            f"the model lab needs {', '.join(missing)}: install the lab extra "
            "(pip install -e '.[lab]'; see the README for a CPU-only torch)."
        )


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    """Without the libraries' progress bars and deprecation notices: the lab prints its
    own progress, and a user cannot act on a library's note to its developers."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    with warnings.catch_warnings():
        for module in ("transformers", "peft", "torch"):
            warnings.filterwarnings("ignore", category=FutureWarning, module=module)
            warnings.filterwarnings("ignore", category=UserWarning, module=module)
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=module)
        yield


def load_base(model_path: Path) -> Any:
    """A trainable ``transformers`` model from a GGUF file (or a Hugging Face folder)."""
    require_lab()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        # The GGUF loader draws its own progress bar on stderr; loading takes seconds.
        with contextlib.redirect_stderr(io.StringIO()):
            return _from_pretrained(model_path)
    except (ValueError, KeyError, OSError, RuntimeError, NotImplementedError) as exc:
        raise TrainingError(
            f"{model_path.name} cannot be loaded for training ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:160] if str(exc) else 'no detail'})."
        ) from None


def _from_pretrained(model_path: Path) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    if model_path.is_dir():
        return AutoModelForCausalLM.from_pretrained(
            str(model_path), local_files_only=True, dtype=torch.float32
        )
    return AutoModelForCausalLM.from_pretrained(
        str(model_path.parent),
        gguf_file=model_path.name,
        local_files_only=True,
        dtype=torch.float32,
    )


def choose_targets(model: Any, wanted: Sequence[str] | None) -> list[str]:
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    if wanted:
        absent = [w for w in wanted if w not in names]
        if absent:
            raise TrainingError(f"the model has no module named {absent[0]!r}.")
        return list(wanted)
    for choice in TARGET_CHOICES:
        if all(c in names for c in choice):
            return list(choice)
    raise TrainingError("the model has no attention projections the lab knows how to adapt.")


def with_adapter(model: Any, settings: TrainSettings) -> Any:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=choose_targets(model, settings.targets),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model.config.use_cache = False
    # Activations are recomputed in the backward pass instead of kept: a 2,500-token
    # example then needs about a gigabyte, not ten.
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    return get_peft_model(model, config)


def _order(count: int, seed: int, epoch: int) -> list[int]:
    order = list(range(count))
    random.Random(seed * 1_000_003 + epoch).shuffle(order)
    return order


def checkpoints(out: Path) -> list[Path]:
    """The complete checkpoints in ``out``, oldest first."""
    found = []
    for child in out.glob(f"{CHECKPOINT_PREFIX}*"):
        suffix = child.name.removeprefix(CHECKPOINT_PREFIX)
        if suffix.isdigit() and (child / STATE_FILE).is_file():
            found.append((int(suffix), child))
    return [path for _, path in sorted(found)]


def latest_checkpoint(out: Path) -> Path | None:
    found = checkpoints(out)
    return found[-1] if found else None


def _save_atomically(out: Path, name: str, write: Callable[[Path], None]) -> Path:
    """Write a folder under a temporary name, then rename it: complete or absent."""
    target = out / name
    partial = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out))
    try:
        write(partial)
        if target.exists():
            old = out / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            partial.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _loss(model: Any, example: Example) -> tuple[Any, int]:
    """Mean cross-entropy over the note's tokens. Logits are computed only where a note
    token is predicted (the transcript is most of the sequence, and a full vocabulary of
    logits per transcript token would be most of the memory)."""
    import torch

    device = next(model.parameters()).device
    ids = torch.tensor([example.prompt + example.target], device=device)
    target = torch.tensor(example.target, device=device)
    logits = model(input_ids=ids, logits_to_keep=len(example.target) + 1).logits
    loss = torch.nn.functional.cross_entropy(logits[0, :-1].float(), target)
    return loss, ids.shape[1]


def validation_loss(model: Any, examples: Sequence[Example]) -> float | None:
    if not examples:
        return None
    import torch

    model.eval()
    with torch.no_grad():
        total = sum(float(_loss(model, e)[0]) for e in examples)
    model.train()
    return total / len(examples)


def train(
    model: Any,
    examples: Sequence[Example],
    valid: Sequence[Example],
    out: Path,
    settings: TrainSettings,
    *,
    resume: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> TrainerState:
    """Train the adapters of ``model`` (a peft model) and save them in ``out/adapter``.
    Returns the trainer's state (steps and loss history)."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    if not examples:
        raise TrainingError("there is no training example.")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(settings.seed)
    if torch.cuda.is_available():  # a CUDA build of torch on a machine with a GPU
        model.to("cuda")
    accumulation = max(1, settings.accumulation)
    per_epoch = math.ceil(len(examples) / accumulation)
    total = settings.max_steps or max(1, math.ceil(per_epoch * settings.epochs))
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate
    )
    state = TrainerState()
    checkpoint = latest_checkpoint(out) if resume else None
    if resume and checkpoint is None:
        raise TrainingError(f"{out} holds no checkpoint to resume from.")
    if checkpoint is not None:
        state = TrainerState.load(checkpoint / STATE_FILE)
        weights = load_file(str(checkpoint / "adapter_model.safetensors"))
        set_peft_model_state_dict(model, weights)
        optimizer.load_state_dict(
            torch.load(checkpoint / "optimizer.pt", weights_only=True, map_location="cpu")
        )
    model.train()
    started, tokens_seen, first_step = time.perf_counter(), 0, state.step
    losses: list[float] = []
    valid_sample = list(valid)[:16]
    while state.step < total:
        epoch, index = divmod(state.micro, len(examples))
        example = examples[_order(len(examples), settings.seed, epoch)[index]]
        loss, length = _loss(model, example)
        (loss / accumulation).backward()
        losses.append(float(loss.detach()))
        tokens_seen += length
        state.micro += 1
        if state.micro % accumulation and state.micro % len(examples):
            continue
        optimizer.step()
        optimizer.zero_grad()
        state.step += 1
        entry = {"step": float(state.step), "loss": sum(losses) / len(losses)}
        losses.clear()
        due = state.step % settings.checkpoint_every == 0 or state.step == total
        if due:
            valid_loss = validation_loss(model, valid_sample)
            if valid_loss is not None:
                entry["valid_loss"] = valid_loss
        state.history.append(entry)
        if due:
            _guarded(
                f"checkpoint {state.step}", lambda: save_checkpoint(model, optimizer, state, out)
            )
        if on_progress is not None:
            elapsed = time.perf_counter() - started
            done_here = max(1, state.step - first_step)
            on_progress(
                Progress(
                    state.step,
                    total,
                    entry["loss"],
                    tokens_seen / elapsed if elapsed else 0.0,
                    elapsed / done_here * (total - state.step),
                    entry.get("valid_loss"),
                )
            )
    _guarded(
        "the adapter",
        lambda: _save_atomically(out, ADAPTER_DIR, lambda folder: _save_adapter(model, folder)),
    )
    return state


def _save_adapter(model: Any, folder: Path) -> None:
    model.save_pretrained(str(folder), save_embedding_layers=False)
    for name in os.listdir(folder):  # peft's model card template is not needed
        if name.endswith(".md"):
            (folder / name).unlink()


def _guarded(what: str, save: Callable[[], object]) -> None:
    """A save that fails (a full disk: torch reports it as a RuntimeError) is one
    TrainingError; the earlier checkpoints are untouched (saves are atomic)."""
    try:
        save()
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise TrainingError(
            f"{what} could not be written ({reason}); the earlier checkpoints are intact. "
            "Free some disk space and run again with --resume."
        ) from None


def save_checkpoint(model: Any, optimizer: Any, state: TrainerState, out: Path) -> Path:
    import torch

    def write(folder: Path) -> None:
        _save_adapter(model, folder)
        torch.save(optimizer.state_dict(), folder / "optimizer.pt")
        state.save(folder / STATE_FILE)

    saved = _save_atomically(out, f"{CHECKPOINT_PREFIX}{state.step}", write)
    for old in checkpoints(out)[:-KEEP_CHECKPOINTS]:  # a checkpoint is 3x the adapter
        shutil.rmtree(old, ignore_errors=True)
    return saved
