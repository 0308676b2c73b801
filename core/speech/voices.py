"""Telling two voices apart: a speaker embedding per recognised stretch of speech, and
the stretches clustered into two speakers.

The embedding is Resemblyzer's GE2E voice encoder (Apache-2.0; a 3-layer LSTM over 40
mel bands, 256 numbers per voice), run here in numpy from weights that set-up takes out
of the encoder's PyPI wheel (``packaging/speech_model.py``: ``voice-encoder.npz``), so
neither torch nor a hub is needed. Each stretch is cut into 1.6 s partials (1.3 per
second); their embeddings are averaged and normalised, as the encoder's authors do.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.speech.audio_file import SAMPLE_RATE

VOICE_ENCODER_FILE = "voice-encoder.npz"
N_FFT, HOP, N_MELS = 400, 160, 40  # 25 ms windows, 10 ms steps
PARTIAL = 160  # frames: 1.6 s
STEP = 77  # frames between partials (1.3 per second, the encoder's own rate)
MIN_SECONDS = 0.5  # shorter stretches get no embedding (their speaker is guessed)
# Two clusters this close (cosine of their centres) are one speaker. Measured on six-line
# espeak-ng dialogues: one voice split in two 0.84-0.93, two voices 0.71-0.82.
SAME_VOICE = 0.83


def _mel_filters() -> np.ndarray:
    """Slaney-style mel filterbank (what librosa's default computes), 40 x 201."""

    def hz_to_mel(hz: np.ndarray) -> np.ndarray:
        linear = hz / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(hz >= 1000.0, log, linear)

    def mel_to_hz(mel: np.ndarray) -> np.ndarray:
        linear = mel * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
        return np.where(mel >= 15.0, log, linear)

    bins = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    edges = mel_to_hz(
        np.linspace(hz_to_mel(np.array(0.0)), hz_to_mel(np.array(8000.0)), N_MELS + 2)
    )
    widths = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    filters = np.maximum(0, np.minimum(lower, upper))
    filters *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return filters.astype(np.float32)


_FILTERS = _mel_filters()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power mel spectrogram, frames x 40 (centred frames, zero padding)."""
    padded = np.pad(samples.astype(np.float32), N_FFT // 2)
    count = 1 + (padded.size - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    spectrum = np.abs(np.fft.rfft(padded[index] * _WINDOW, axis=1)) ** 2
    mels: np.ndarray = (spectrum @ _FILTERS.T).astype(np.float32)
    return mels


def _normalised_volume(samples: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    if rms <= 0:
        return samples
    change = target_dbfs - 20 * np.log10(rms)
    return samples * (10 ** (change / 20)) if change > 0 else samples


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    """The GE2E encoder's forward pass in numpy."""

    def __init__(self, weights: Path) -> None:
        with np.load(weights) as data:
            self._layers = [
                (
                    data[f"lstm.weight_ih_l{i}"].T.copy(),
                    data[f"lstm.weight_hh_l{i}"].T.copy(),
                    data[f"lstm.bias_ih_l{i}"] + data[f"lstm.bias_hh_l{i}"],
                )
                for i in range(3)
            ]
            self._linear = (data["linear.weight"].T.copy(), data["linear.bias"].copy())

    def _forward(self, mels: np.ndarray) -> np.ndarray:
        """partials x frames x 40 -> partials x 256, normalised."""
        x = mels
        for w_ih, w_hh, bias in self._layers:
            hidden = np.zeros((x.shape[0], w_hh.shape[0]), dtype=np.float32)
            cell = np.zeros_like(hidden)
            inputs = x @ w_ih + bias  # all time steps at once
            outputs = np.empty((x.shape[0], x.shape[1], w_hh.shape[0]), dtype=np.float32)
            for t in range(x.shape[1]):
                gates = inputs[:, t] + hidden @ w_hh
                i, f, g, o = np.split(gates, 4, axis=1)
                cell = _sigmoid(f) * cell + _sigmoid(i) * np.tanh(g)
                hidden = _sigmoid(o) * np.tanh(cell)
                outputs[:, t] = hidden
            x = outputs
        raw = np.maximum(hidden @ self._linear[0] + self._linear[1], 0.0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        embedded: np.ndarray = raw / np.maximum(norms, 1e-9)
        return embedded

    def embed(self, samples: np.ndarray) -> np.ndarray | None:
        """One voice embedding for a stretch of 16 kHz speech (None when too short)."""
        if samples.size < MIN_SECONDS * SAMPLE_RATE:
            return None
        frames = mel_frames(_normalised_volume(samples))
        if frames.shape[0] < PARTIAL:
            frames = np.pad(frames, ((0, PARTIAL - frames.shape[0]), (0, 0)))
        starts = list(range(0, frames.shape[0] - PARTIAL + 1, STEP))
        partials = np.stack([frames[s : s + PARTIAL] for s in starts])
        mean = self._forward(partials).mean(axis=0)
        result: np.ndarray = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return result


@dataclass(frozen=True)
class Speakers:
    """Which of two speakers each stretch is (0 or 1, in order of first appearance), and
    how sure the split is (the cosine between the two voices' centres: lower is surer)."""

    labels: list[int]
    centre_similarity: float
    two: bool  # False: everything sounded like one voice


def two_speakers(embeddings: list[np.ndarray | None], seed: int = 0) -> Speakers:
    """Cluster the stretches into at most two voices (spherical k-means, several starts);
    a stretch without an embedding takes its neighbour's speaker."""
    known = [i for i, e in enumerate(embeddings) if e is not None]
    if len(known) < 2:
        return Speakers([0] * len(embeddings), 1.0, False)
    vectors = np.stack([embeddings[i] for i in known])  # type: ignore[misc]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    rng = np.random.default_rng(seed)
    for _ in range(8):
        centres = vectors[rng.choice(len(known), 2, replace=False)]
        for _ in range(30):
            assign = np.argmax(vectors @ centres.T, axis=1)
            if len(set(assign.tolist())) < 2:
                break
            new = np.stack([vectors[assign == k].mean(axis=0) for k in range(2)])
            new /= np.linalg.norm(new, axis=1, keepdims=True)
            if np.allclose(new, centres):
                break
            centres = new
        score = float(np.sum(np.max(vectors @ centres.T, axis=1)))
        if best is None or score > best[0]:
            best = (score, assign, centres)
    assert best is not None
    _, assign, centres = best
    similarity = float(centres[0] @ centres[1])
    if len(set(assign.tolist())) < 2 or similarity > SAME_VOICE:
        return Speakers([0] * len(embeddings), similarity, False)
    first = int(assign[0])
    by_stretch = dict(zip(known, [int(a != first) for a in assign], strict=True))
    labels, last = [], 0
    for i in range(len(embeddings)):
        last = by_stretch.get(i, last)
        labels.append(last)
    return Speakers(labels, similarity, True)


CLINICIAN, CLIENT = "Clinician", "Client"


def speaker_names(speakers: Speakers, texts: list[str]) -> list[str | None]:
    """ "Clinician" or "Client" per stretch (None for all when only one voice was heard).
    The clinician is the voice that asks more questions; on a tie, the first to speak."""
    if not speakers.two:
        return [None] * len(texts)
    questions = [0, 0]
    for label, text in zip(speakers.labels, texts, strict=True):
        questions[label] += text.rstrip().endswith("?")
    clinician = 1 if questions[1] > questions[0] else 0
    return [CLINICIAN if label == clinician else CLIENT for label in speakers.labels]
