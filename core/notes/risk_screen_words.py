"""The second screen's word reader: the probability that a window says some risk, from
its words, word pairs and triples and the letter groups (3 to 5) of each word, hashed into
a fixed number of buckets and weighed by a logistic regression (trained with the
classifier by ``lab/train_risk_screen.py``).

The encoder reads meaning and misses wording; this reads wording ("unalive", "kms",
"the pills in the drawer", Spanish verb endings) and misses meaning. The screen averages
the two. Hashing is CRC-32, the same on every machine and Python run.

numpy only; never imports Qt.
"""

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_TOKEN = re.compile(r"[a-záéíóúñü']+|\d+|[?!]")


def features(text: str, buckets: int) -> np.ndarray:
    """The sorted bucket numbers of ``text``'s words, pairs, triples and letter groups."""
    tokens = _TOKEN.findall(text.casefold().replace("’", "'"))
    names: set[str] = set()
    for i, token in enumerate(tokens):
        names.add("w:" + token)
        if i + 1 < len(tokens):
            names.add(f"b:{token} {tokens[i + 1]}")
        if i + 2 < len(tokens):
            names.add("t:" + " ".join(tokens[i : i + 3]))
        framed = f"<{token}>"
        for size in (3, 4, 5):
            names.update("c:" + framed[j : j + size] for j in range(len(framed) - size + 1))
    return np.array(sorted({zlib.crc32(n.encode()) % buckets for n in names}), dtype=np.int64)


@dataclass(frozen=True)
class WordReader:
    """A weight per bucket and a bias; a window's score is the sum of its buckets'
    weights divided by the square root of their number, plus the bias."""

    weights: np.ndarray  # (buckets,)
    bias: float

    @property
    def buckets(self) -> int:
        return int(self.weights.shape[0])

    def risks(self, texts: Sequence[str]) -> np.ndarray:
        """The probability of some risk in each text."""
        scores = np.empty(len(texts), dtype=np.float64)
        for i, text in enumerate(texts):
            found = features(text, self.buckets)
            total = float(self.weights[found].sum()) if found.size else 0.0
            scores[i] = total / np.sqrt(max(found.size, 1)) + self.bias
        return 1.0 / (1.0 + np.exp(-scores))
