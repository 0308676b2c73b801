"""The second screen's classifier: a small neural network over encoder vectors
(standardised, then ReLU hidden layers, then a softmax over the constructs and "none"),
kept as one JSON file (``core/notes/data/risk_screen_head.json``, made by
``lab/train_risk_screen.py``). Arrays are stored as base64 float16, little-endian.

numpy only; never imports Qt.
"""

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from core.notes.risk_flags import CONSTRUCT_CATEGORY

HEAD_FILE = Path(__file__).resolve().parent / "data" / "risk_screen_head.json"
HEAD_FORMAT = 2
NONE = "none"
Layer = tuple[np.ndarray, np.ndarray]  # weights (inputs, outputs), bias (outputs,)


class HeadError(ValueError):
    """The classifier file cannot be used (missing, malformed, another encoder's)."""


@dataclass(frozen=True)
class ScreenHead:
    labels: tuple[str, ...]  # the constructs and "none"
    mean: np.ndarray  # (dim,)
    scale: np.ndarray  # (dim,)
    layers: tuple[Layer, ...]  # the last one gives one logit per label
    threshold: float  # the probability of some risk that makes a finding
    encoder: str  # the encoder file it was trained on

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """One row per vector: the probability of each label."""
        x = (vectors - self.mean) / self.scale
        for weights, bias in self.layers[:-1]:
            x = np.maximum(x @ weights + bias, 0.0)
        weights, bias = self.layers[-1]
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return cast(np.ndarray, exp / exp.sum(axis=1, keepdims=True))

    def to_json(self) -> dict[str, object]:
        return {
            "format": HEAD_FORMAT,
            "encoder": self.encoder,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "mean": _packed(self.mean),
            "scale": _packed(self.scale),
            "layers": [{"weights": _packed(w), "bias": _packed(b)} for w, b in self.layers],
        }


def _packed(array: np.ndarray) -> dict[str, object]:
    data = np.ascontiguousarray(array, dtype="<f2").tobytes()
    return {"shape": list(array.shape), "float16": base64.b64encode(data).decode("ascii")}


def _unpacked(packed: Any) -> np.ndarray:
    raw = base64.b64decode(packed["float16"], validate=True)
    array = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    return array.reshape([int(n) for n in packed["shape"]])


def load_head(path: Path = HEAD_FILE) -> ScreenHead:
    """The classifier saved at ``path`` (``HeadError`` when it cannot be used)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        head = ScreenHead(
            labels=tuple(str(label) for label in data["labels"]),
            mean=_unpacked(data["mean"]),
            scale=_unpacked(data["scale"]),
            layers=tuple((_unpacked(x["weights"]), _unpacked(x["bias"])) for x in data["layers"]),
            threshold=float(data["threshold"]),
            encoder=str(data["encoder"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HeadError(f"The risk screen's classifier cannot be read ({exc}).") from exc
    if data.get("format") != HEAD_FORMAT or not _consistent(head):
        raise HeadError("The risk screen's classifier file is not in the expected form.")
    return head


def _consistent(head: ScreenHead) -> bool:
    labels = set(head.labels)
    if NONE not in labels or labels - set(CONSTRUCT_CATEGORY) - {NONE} or not head.layers:
        return False
    if not 0.0 < head.threshold < 1.0 or head.mean.ndim != 1:
        return False
    width = head.mean.shape[0]
    if head.scale.shape != (width,):
        return False
    for weights, bias in head.layers:
        if weights.ndim != 2 or weights.shape[0] != width or bias.shape != (weights.shape[1],):
            return False
        width = weights.shape[1]
    return bool(width == len(head.labels))
