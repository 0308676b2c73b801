"""Train the classifier of the risk net's second screen (``core/notes/risk_screen.py``).

The training material is in ``lab/data/risk_screen/`` (see its README): utterances and
whole transcripts written for this purpose by authors who never saw the evaluation set
(``bench/data/risk_eval``). Every client line and question-and-answer pair becomes a
window labelled with the construct it discloses, or "none". Windows are encoded with the
screen's encoder (``models/screen/``, installed by ``make``), and a network with one
hidden layer is fitted on the standardised vectors (numpy, full-batch Adam, a fixed
seed: the same data gives the same file).

The threshold on the probability of some risk is then chosen on risk-free transcripts the
classifier never learnt from, so that it behaves there as it will on a new clinic's
sessions: those of the development part of the evaluation set (never the test part), and
each writer's own, read by a classifier trained without that writer (leave one writer
out). It is the lowest threshold that keeps "possible risk" items at or under
``--max-possible`` per risk-free transcript (0.10: with the lexicon's own "possible"
items, the target is at most 1 in 5 risk-free transcripts).

    .venv/bin/python lab/train_risk_screen.py [--out core/notes/data/risk_screen_head.json]
"""

import argparse
import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import risk_transcripts  # noqa: E402

from core.llm.embedder import Embedder  # noqa: E402
from core.notes.risk import detect_risks  # noqa: E402
from core.notes.risk_screen import SCREEN_MODEL_NAME, RiskScreen, windows  # noqa: E402
from core.notes.risk_screen_head import HEAD_FILE, NONE, Layer, ScreenHead  # noqa: E402

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
        for param, grad, moment, square in zip(params, grads, moments, squares, strict=True):
            moment *= 0.9
            moment += 0.1 * grad
            square *= 0.999
            square += 0.001 * grad * grad
            corrected = moment / (1 - 0.9**step)
            param -= LEARNING_RATE * corrected / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return mean, scale, ((params[0], params[1]), (params[2], params[3]))


SEED = 0
LEARNING_RATE = 1e-3


def _stored(array: np.ndarray) -> np.ndarray:
    """``array`` at the precision of the head file (float16)."""
    return array.astype(np.float16).astype(np.float32)


def unseen_risks(screen: RiskScreen, risk_free: Sequence[dict[str, Any]]) -> list[float]:
    """The screen's reading of each client line of risk-free transcripts."""
    risks = []
    for item in risk_free:
        text = "\n".join(item["lines"])
        risks += [c.risk for c in screen.candidates(text, detect_risks(text))]
    return risks


def choose_threshold(
    risks: list[float], transcripts: int, max_possible: float
) -> tuple[float, float]:
    """The lowest threshold whose "possible" items per risk-free transcript stay at or
    under ``max_possible`` (just above the first reading it must leave out), and that
    rate; ``risks``: every reading of ``transcripts`` risk-free transcripts."""
    risks = sorted(risks, reverse=True)
    allowed = int(max_possible * transcripts + 1e-9)
    if allowed >= len(risks):
        return FLOOR, len(risks) / transcripts
    threshold = max(FLOOR, math.ceil(risks[allowed] * 10_000 + 1e-6) / 10_000)
    return threshold, sum(r >= threshold for r in risks) / transcripts


FLOOR = 0.5  # never below an even chance of some risk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    parser.add_argument("--max-possible", type=float, default=0.10)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
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
    embed = Embedder(ENCODER, threads=args.threads)
    vectors = embed([text for text, _ in items])
    numbers = np.asarray([classes.index(label) for _, label in items])
    source_of = np.asarray([name for name, windows_of in sources.items() for _ in windows_of])

    def head_of(kept: np.ndarray) -> ScreenHead:
        mean, scale, layers = fit(
            vectors[kept], numbers[kept].tolist(), len(classes),
            hidden=args.hidden, l2=args.l2, steps=args.steps,
        )  # fmt: skip
        stored = tuple((_stored(w), _stored(b)) for w, b in layers)  # as the file holds them
        return ScreenHead(
            tuple(classes), _stored(mean), _stored(scale), stored, FLOOR, SCREEN_MODEL_NAME
        )

    head = head_of(np.ones(len(items), dtype=bool))
    dev = [item for item in risk_transcripts.load("dev") if item["risk_free"]]
    risks, count = unseen_risks(RiskScreen(embed, head), dev), len(dev)
    for writer, transcripts in by_writer.items():  # each writer read as a stranger
        risk_free = [item for item in transcripts if item["risk_free"]]
        without = head_of(source_of != writer)
        risks += unseen_risks(RiskScreen(embed, without), risk_free)
        count += len(risk_free)
        print(f"  without writer {writer}: {len(risk_free)} risk-free transcripts read")
    threshold, rate = choose_threshold(risks, count, args.max_possible)
    head = replace(head, threshold=threshold)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(head.to_json()) + "\n", encoding="utf-8")
    print(f"threshold {threshold}: {rate:.2f} possible per unseen risk-free transcript ({count})")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
