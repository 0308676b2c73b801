"""Classifiers for the risk net's second screen whose findings are known in advance: with
zero weights and one large bias, every window reads as one label, whatever the encoder
says. Tests use them with the tiny random-weight encoder (``tiny_bert``)."""

import numpy as np
from tiny_bert import HIDDEN

from core.notes.risk_screen import SCREEN_MODEL_NAME
from core.notes.risk_screen_head import NONE, ScreenHead


def head_for(label: str, *, threshold: float = 0.9, width: int = HIDDEN) -> ScreenHead:
    """A classifier that finds ``label`` in anything ("none": nothing at all)."""
    labels = (NONE, "nssi", "abuse_financial")
    bias = np.full(len(labels), -10.0, dtype=np.float32)
    bias[labels.index(label)] = 10.0
    layer = (np.zeros((width, len(labels)), np.float32), bias)
    ones = np.ones(width, np.float32)
    return ScreenHead(labels, ones * 0, ones, (layer,), threshold, SCREEN_MODEL_NAME)
