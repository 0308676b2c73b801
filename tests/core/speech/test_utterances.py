"""Cutting sound into utterances by loudness over the room's noise floor, fed in blocks of
any size as a microphone delivers them."""

import numpy as np
import pytest

from core.speech.audio_file import SAMPLE_RATE
from core.speech.utterances import MAX_UTTERANCE_S, UtteranceCutter


def _tone(seconds: float, level: float = 0.2) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def _noise(seconds: float, level: float = 0.002, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE)) * level).astype(np.float32)


def _cut(sound: np.ndarray, block: int) -> list[tuple[float, float]]:
    cutter = UtteranceCutter()
    found = []
    for start in range(0, sound.size, block):
        found += list(cutter.feed(sound[start : start + block]))
    found += list(cutter.flush())
    return [(round(u.start, 2), round(u.end, 2)) for u in found]


@pytest.mark.parametrize("block", [160, 8000, 16000 * 7])
def test_bursts_of_sound_in_a_noisy_room_are_cut_where_they_are(block: int) -> None:
    sound = np.concatenate(
        [_noise(1.0), _tone(1.2), _noise(1.0, seed=1), _tone(0.8), _noise(1.0, seed=2),
         _tone(0.02), _noise(1.5, seed=3)]
    )  # fmt: skip
    cuts = _cut(sound, block)
    assert len(cuts) == 2  # the 20 ms click is no utterance
    (s1, e1), (s2, e2) = cuts
    assert s1 == pytest.approx(1.0 - 0.15, abs=0.04) and e1 == pytest.approx(2.2, abs=0.04)
    assert s2 == pytest.approx(3.2 - 0.15, abs=0.04) and e2 == pytest.approx(4.0, abs=0.1)


def test_endless_sound_is_cut_at_the_longest_utterance() -> None:
    cuts = _cut(_tone(MAX_UTTERANCE_S * 2 + 1), 16000)
    assert len(cuts) == 3
    assert all(end - start <= MAX_UTTERANCE_S + 0.05 for start, end in cuts)


def test_silence_and_room_noise_alone_are_no_utterance() -> None:
    assert _cut(np.zeros(SAMPLE_RATE * 3, dtype=np.float32), 4000) == []
    assert _cut(_noise(5.0), 4000) == []


def test_an_early_guess_comes_at_a_short_pause_and_the_final_has_the_same_sound() -> None:
    cutter = UtteranceCutter(early_s=0.2)
    sound = np.concatenate([_noise(0.5), _tone(1.0), _noise(0.25), _tone(0.6), _noise(1.0)])
    found = []
    for start in range(0, sound.size, 1600):
        found += list(cutter.feed(sound[start : start + 1600]))
    # a guess at the 0.25 s pause (speech went on), a guess at the end, then the final
    assert [u.final for u in found] == [False, False, True]
    first_guess, last_guess, final = found
    assert first_guess.cut_at < last_guess.cut_at < final.cut_at
    assert final.cut_at - last_guess.cut_at == pytest.approx(0.45 - 0.2, abs=0.031)
    assert np.array_equal(last_guess.samples, final.samples)
    assert first_guess.samples.size < final.samples.size
    assert [u.final for u in UtteranceCutter().feed(sound)] == [True]  # none without early_s
