"""Train the classifier of the risk net's second screen (``core/notes/risk_screen.py``).

The training material is in ``lab/data/risk_screen/`` (see its README): utterances and
whole transcripts written for this purpose by authors who never saw the evaluation set
(``bench/data/risk_eval``). Every client line and question-and-answer pair becomes a
window labelled with the construct it discloses, or "none". Windows are encoded with the
screen's encoder (``models/screen/``, installed by ``make``), and a network with one
hidden layer is fitted on the standardised vectors; the word reader (a logistic
regression over hashed words and letter groups: some risk or none) is fitted on the
windows' text (numpy, full-batch Adam, a fixed seed: the same data gives the same file).

The thresholds on the probability of some risk (plain, and just after a lexicon flag)
are then chosen on transcripts the classifier never learnt from (on the average of the
two readings), so that they behave there as they will on a new clinic's sessions: the
risk-free ones of the development part of the evaluation set (never the test part), and
each writer's own, read by a classifier trained without that writer's group (``--folds``
groups of writers). ``lab/screen_thresholds.py`` keeps "possible risk" items at or under
``--max-possible`` per risk-free transcript (0.10: with the lexicon's own "possible"
items, the target is at most 1 in 5 risk-free transcripts) and finds the most
disclosures within that.

    .venv/bin/python lab/train_risk_screen.py [--out core/notes/data/risk_screen_head.json]
"""

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "lab")]

import risk_transcripts  # noqa: E402
import screen_thresholds as thresholds  # noqa: E402

from core.llm.embedder import Embedder  # noqa: E402
from core.notes.risk_screen import SCREEN_MODEL_NAME, RiskScreen, windows  # noqa: E402
from core.notes.risk_screen_head import HEAD_FILE, NONE, Layer, ScreenHead  # noqa: E402
from core.notes.risk_screen_words import WordReader, features  # noqa: E402

DATA = ROOT / "lab" / "data" / "risk_screen"
ENCODER = ROOT / "models" / "screen" / SCREEN_MODEL_NAME


def utterances() -> Iterator[tuple[str, str]]:
    """(text, label) of the single utterances, pairs and two-line items."""
    for line in (DATA / "utterances.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        yield item["text"], item["label"]


def writers() -> dict[str, list[dict[str, Any]]]:
    """Each writer's transcripts, by the file's name (``transcripts_<writer>.jsonl``)."""
    return {
        path.stem.removeprefix("transcripts_"): [
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
        ]
        for path in sorted(DATA.glob("transcripts_*.jsonl"))
    }


def transcript_windows(transcripts: Sequence[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(window, label) of transcripts: a client line is labelled with the construct of a
    disclosure whose quote it holds; an answer that only affirms a question is labelled
    in its pair and left out alone."""
    for item in transcripts:
        yield from _labelled(item)


def _labelled(item: dict[str, Any]) -> Iterator[tuple[str, str]]:
    text = "\n".join(item["lines"])
    covered: dict[int, str] = {}
    quoted: dict[int, str] = {}
    for disclosure in item["disclosures"]:
        for number in disclosure["lines"]:
            covered.setdefault(number, disclosure["construct"])
            said = item["lines"][number - 1]
            if _fragment(disclosure["quote"]) in said.casefold():
                quoted.setdefault(number, disclosure["construct"])
    for window in windows(text):
        number = window.turn.number
        if window.text.startswith("Therapist: "):
            yield window.text, covered.get(number, NONE)
        elif number in quoted or number not in covered:
            yield window.text, quoted.get(number, NONE)


def _fragment(quote: str) -> str:
    """The first words of a quote, to find the line it comes from."""
    return " ".join(quote.casefold().split()[:4]).strip(" .…")


def fit(
    vectors: np.ndarray, labels: Sequence[int], classes: int, *, hidden: int, l2: float, steps: int
) -> tuple[np.ndarray, np.ndarray, tuple[Layer, Layer]]:
    """Standardisation and a one-hidden-layer network (ReLU, softmax), trained with Adam
    on the whole set at each step from a fixed seed."""
    mean = vectors.mean(axis=0)
    scale = vectors.std(axis=0) + 1e-6
    x = (vectors - mean) / scale
    target = np.eye(classes)[np.asarray(labels)]
    rng = np.random.default_rng(SEED)
    params = [
        rng.normal(0.0, np.sqrt(2.0 / x.shape[1]), (x.shape[1], hidden)),
        np.zeros(hidden),
        rng.normal(0.0, np.sqrt(1.0 / hidden), (hidden, classes)),
        np.zeros(classes),
    ]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        w1, b1, w2, b2 = params
        h = np.maximum(x @ w1 + b1, 0.0)
        logits = h @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        error = (prob - target) / len(x)
        back = (error @ w2.T) * (h > 0)
        grads = [x.T @ back + l2 * w1, back.sum(axis=0), h.T @ error + l2 * w2, error.sum(axis=0)]
        _adam_step(params, grads, moments, squares, step, LEARNING_RATE)
    return mean, scale, ((params[0], params[1]), (params[2], params[3]))


SEED = 0
LEARNING_RATE = 1e-3


def _adam_step(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    moments: list[np.ndarray],
    squares: list[np.ndarray],
    step: int,
    rate: float,
) -> None:
    """One Adam update of ``params`` in place (beta 0.9 and 0.999)."""
    for param, grad, moment, square in zip(params, grads, moments, squares, strict=True):
        moment *= 0.9
        moment += 0.1 * grad
        square *= 0.999
        square += 0.001 * grad * grad
        corrected = moment / (1 - 0.9**step)
        param -= rate * corrected / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)


def fit_words(
    bags: Sequence[np.ndarray], at_risk: Sequence[bool], buckets: int, *, l2: float, steps: int
) -> WordReader:
    """The word reader: a logistic regression (some risk or none) over the hashed
    features of each window (``bags``: their bucket numbers), trained with Adam on the
    whole set at each step, from zero."""
    sizes = np.array([len(b) for b in bags])
    found = np.concatenate(bags)
    value = np.repeat(1.0 / np.sqrt(np.maximum(sizes, 1)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    row = np.repeat(np.arange(len(bags)), sizes)
    target = np.asarray(at_risk, dtype=np.float64)
    params = [np.zeros(buckets), np.zeros(1)]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        weights, bias = params
        score = np.add.reduceat(weights[found] * value, starts) + bias[0]
        error = (1.0 / (1.0 + np.exp(-score)) - target) / len(bags)
        grads = [
            np.bincount(found, weights=value * error[row], minlength=buckets) + l2 * weights,
            np.array([error.sum()]),
        ]
        _adam_step(params, grads, moments, squares, step, WORDS_RATE)
    return WordReader(_stored(params[0]), float(_stored(params[1])[0]))


WORDS_RATE = 0.05


def _stored(array: np.ndarray) -> np.ndarray:
    """``array`` at the precision of the head file (float16)."""
    return array.astype(np.float16).astype(np.float32)


class _Remembered:
    """The encoder, reading each text once (the folds read the same windows again)."""

    def __init__(self, embed: Embedder) -> None:
        self._embed = embed
        self._known: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self._known]
        if new:
            self._known.update(zip(new, self._embed(new), strict=True))
        return np.asarray([self._known[t] for t in texts], dtype=np.float32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    parser.add_argument("--max-possible", type=float, default=0.10)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--buckets", type=int, default=1 << 18, help="the word reader's")
    parser.add_argument("--folds", type=int, default=5, help="groups of writers held out")
    parser.add_argument(
        "--doubt", type=float, default=0.10,
        help="a lexicon disclosure the screen reads below this is shown as possible",
    )  # fmt: skip
    parser.add_argument("--words-l2", type=float, default=1e-4)
    args = parser.parse_args()
    if not ENCODER.is_file():
        print(f"No encoder at {ENCODER}: run `make` (packaging/screen_model.py) first.")
        return 1
    by_writer = writers()
    sources = {"utterances": list(utterances())} | {
        writer: list(transcript_windows(transcripts)) for writer, transcripts in by_writer.items()
    }
    items = [item for windows_of in sources.values() for item in windows_of]
    classes = sorted({label for _, label in items})
    print(f"{len(items)} windows, {len(classes)} labels, writers {', '.join(by_writer)}")
    embed = _Remembered(Embedder(ENCODER, threads=args.threads))
    vectors = embed([text for text, _ in items])
    numbers = np.asarray([classes.index(label) for _, label in items])
    source_of = np.asarray([name for name, windows_of in sources.items() for _ in windows_of])

    bags = [features(text, args.buckets) for text, _ in items]
    at_risk = [label != NONE for _, label in items]

    def head_of(kept: np.ndarray) -> ScreenHead:
        mean, scale, layers = fit(
            vectors[kept], numbers[kept].tolist(), len(classes),
            hidden=args.hidden, l2=args.l2, steps=args.steps,
        )  # fmt: skip
        stored = tuple((_stored(w), _stored(b)) for w, b in layers)  # as the file holds them
        words = fit_words(
            [bags[i] for i in np.flatnonzero(kept)], [at_risk[i] for i in np.flatnonzero(kept)],
            args.buckets, l2=args.words_l2, steps=args.steps,
        )  # fmt: skip
        return ScreenHead(
            tuple(classes),
            _stored(mean),
            _stored(scale),
            stored,
            thresholds.FLOOR,
            SCREEN_MODEL_NAME,
            words,
        )

    head = head_of(np.ones(len(items), dtype=bool))
    dev = [item for item in risk_transcripts.load("dev") if item["risk_free"]]
    readings = thresholds.read(RiskScreen(embed, head), dev)
    names = list(by_writer)
    for fold in range(args.folds):  # each group of writers read as strangers
        group = names[fold :: args.folds]
        without = head_of(~np.isin(source_of, group))
        read = [item for writer in group for item in by_writer[writer]]
        readings += thresholds.read(RiskScreen(embed, without), read)
        print(f"  without writers {', '.join(group)}: {len(read)} transcripts read")
    chosen = thresholds.choose(readings, args.max_possible)
    head = replace(head, threshold=chosen.plain, after_flag=chosen.after_flag, doubt=args.doubt)
    doubted = thresholds.doubts(readings, args.doubt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(head.to_json()) + "\n", encoding="utf-8")
    risk_free = sum(r.transcript["risk_free"] for r in readings)
    print(f"thresholds {chosen.plain}, after a lexicon flag {chosen.after_flag}")
    print(f"  {chosen.possible:.2f} possible per unseen risk-free transcript ({risk_free})")
    print(f"  read as strangers: recall {chosen.recall:.3f}, with possible "
          f"{chosen.with_possible:.3f} (a development figure: the lexicon was tuned on some "
          "of these writers)")  # fmt: skip
    print(f"  doubt {args.doubt}: of the lexicon's disclosures, {doubted.false} of "
          f"{doubted.false_total} false ones and {doubted.true} of {doubted.true_total} true "
          "ones would be shown as possible")  # fmt: skip
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
