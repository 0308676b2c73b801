"""The voice encoder run in numpy computes what the same weights compute in PyTorch's own
LSTM (the encoder's authors' model), on the weights set-up converted without torch."""

import numpy as np
from lab_logits import require_lab
from speech_audio import require_speech

from core.speech.voices import VOICE_ENCODER_FILE, VoiceEncoder, mel_frames


def test_the_numpy_encoder_matches_torch_on_the_installed_weights() -> None:
    weights_file = require_speech().parent / VOICE_ENCODER_FILE
    require_lab()
    import torch

    weights = dict(np.load(weights_file))
    lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
    linear = torch.nn.Linear(256, 256)
    lstm.load_state_dict({k[5:]: torch.tensor(v) for k, v in weights.items() if k[:5] == "lstm."})
    linear.load_state_dict(
        {
            "weight": torch.tensor(weights["linear.weight"]),
            "bias": torch.tensor(weights["linear.bias"]),
        }
    )
    rng = np.random.default_rng(0)
    mels = mel_frames(rng.standard_normal(16_000 * 2).astype(np.float32) * 0.1)[:160]
    batch = np.stack([mels, mels[::-1].copy(), np.abs(rng.standard_normal((160, 40)))]).astype(
        np.float32
    )
    with torch.no_grad():
        _, (hidden, _) = lstm(torch.tensor(batch))
        expected = torch.relu(linear(hidden[-1]))
        expected = (expected / expected.norm(dim=1, keepdim=True)).numpy()
    mine = VoiceEncoder(weights_file)._forward(batch)
    assert np.abs(mine - expected).max() < 1e-4


def test_mel_frames_have_ten_millisecond_steps_and_forty_bands() -> None:
    frames = mel_frames(np.zeros(16_000, dtype=np.float32))
    assert frames.shape == (101, 40) and not frames.any()
    tone = np.sin(2 * np.pi * 440 * np.arange(16_000) / 16_000).astype(np.float32)
    loudest = mel_frames(tone).mean(axis=0).argmax()
    assert 3 <= loudest <= 8  # 440 Hz falls in the low bands of a 0-8 kHz mel scale
