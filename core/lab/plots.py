"""PNG charts of the lab's numbers (matplotlib, drawn off screen)."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.lab.errors import LabError


def _pyplot() -> Any:
    """matplotlib's pyplot, or a LabError when it is not installed (the lab extra)."""
    try:
        import matplotlib
    except ImportError:
        raise LabError("charts need matplotlib, part of the lab extra") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def loss_curve(history: Sequence[Mapping[str, float]], out: Path, *, title: str) -> Path:
    """Training loss per optimizer step, and the held-out loss where it was measured."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    steps = [entry["step"] for entry in history]
    axes.plot(steps, [entry["loss"] for entry in history], label="training loss", lw=1.2)
    held = [(entry["step"], entry["valid_loss"]) for entry in history if "valid_loss" in entry]
    if held:
        axes.plot(*zip(*held, strict=True), "o-", label="held-out loss", lw=1.6)
    axes.set_xlabel("optimizer step")
    axes.set_ylabel("cross-entropy on note tokens")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return out


def score_bars(scores: Mapping[str, Mapping[str, float]], out: Path, *, title: str) -> Path:
    """One group of bars per metric, one bar per model (base, fine-tuned ...)."""
    plt = _pyplot()
    metrics = list(next(iter(scores.values())).keys())
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    width = 0.8 / max(1, len(scores))
    for index, (label, values) in enumerate(scores.items()):
        positions = [m + index * width for m in range(len(metrics))]
        axes.bar(positions, [values[m] for m in metrics], width, label=label)
    axes.set_xticks([m + width * (len(scores) - 1) / 2 for m in range(len(metrics))], metrics)
    axes.set_ylim(0, 1)
    axes.set_title(title)
    axes.legend()
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return out
