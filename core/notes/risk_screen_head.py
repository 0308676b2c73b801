"""The second screen's classifier: a small neural network over encoder vectors
(standardised, then ReLU hidden layers, then a softmax over the constructs and "none"),
and the word reader (``core.notes.risk_screen_words``) whose probability of some risk is
averaged with the network's; kept as one JSON file
(``core/notes/data/risk_screen_head.json``, made by ``lab/train_risk_screen.py``).
Arrays are stored as base64 float16, little-endian.

numpy only; never imports Qt.
"""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from core.notes.risk_flags import CONSTRUCT_CATEGORY
from core.notes.risk_screen_words import WordReader

HEAD_FILE = Path(__file__).resolve().parent / "data" / "risk_screen_head.json"
HEAD_FORMAT = 3  # 2: the network alone
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
    words: WordReader | None = None  # averaged in when there is one
    after_flag: float | None = None  # the threshold just after a lexicon flag, if another
    doubt: float | None = None  # a lexicon disclosure read below this is shown as possible

    @property
    def context_threshold(self) -> float:
        """The threshold for a line just after one the lexicon flagged."""
        return self.threshold if self.after_flag is None else self.after_flag

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

    def risks(self, texts: Sequence[str], probabilities: np.ndarray) -> np.ndarray:
        """The probability of some risk in each text: the network's (from its
        ``probabilities``), averaged with the word reader's when there is one."""
        network = 1.0 - probabilities[:, self.labels.index(NONE)]
        if self.words is None:
            return cast(np.ndarray, network)
        return cast(np.ndarray, (network + self.words.risks(texts)) / 2.0)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "format": HEAD_FORMAT,
            "encoder": self.encoder,
            "labels": list(self.labels),
            "threshold": self.threshold,
            "mean": _packed(self.mean),
            "scale": _packed(self.scale),
            "layers": [{"weights": _packed(w), "bias": _packed(b)} for w, b in self.layers],
        }
        if self.after_flag is not None:
            data["after_flag"] = self.after_flag
        if self.doubt is not None:
            data["doubt"] = self.doubt
        if self.words is not None:
            bias = np.array([self.words.bias])
            data["words"] = {"weights": _packed(self.words.weights), "bias": _packed(bias)}
        return data


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
            words=_words(data.get("words")),
            after_flag=None if data.get("after_flag") is None else float(data["after_flag"]),
            doubt=None if data.get("doubt") is None else float(data["doubt"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HeadError(f"The risk screen's classifier cannot be read ({exc}).") from exc
    if data.get("format") not in (2, HEAD_FORMAT) or not _consistent(head):
        raise HeadError("The risk screen's classifier file is not in the expected form.")
    return head


def _words(packed: Any) -> WordReader | None:
    if packed is None:
        return None
    weights, bias = _unpacked(packed["weights"]), _unpacked(packed["bias"])
    if weights.ndim != 1 or not weights.size or bias.shape != (1,):
        raise ValueError("the word reader's arrays are not in the expected form")
    return WordReader(weights, float(bias[0]))


def _consistent(head: ScreenHead) -> bool:
    labels = set(head.labels)
    if NONE not in labels or labels - set(CONSTRUCT_CATEGORY) - {NONE} or not head.layers:
        return False
    if not 0.0 < head.threshold < 1.0 or not 0.0 < head.context_threshold < 1.0:
        return False
    if head.doubt is not None and not 0.0 < head.doubt < head.context_threshold:
        return False
    if head.mean.ndim != 1:
        return False
    width = head.mean.shape[0]
    if head.scale.shape != (width,):
        return False
    for weights, bias in head.layers:
        if weights.ndim != 2 or weights.shape[0] != width or bias.shape != (weights.shape[1],):
            return False
        width = weights.shape[1]
    return bool(width == len(head.labels))
