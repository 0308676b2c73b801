"""Real speech for the speech tests, made at test time: sentences spoken by espeak-ng
(Debian's package) into WAV files, joined with pauses, mixed with noise, and encoded as
the formats clinicians bring (FLAC, Ogg Opus, MP3, M4A/AAC) with FFmpeg's encoders
through ``av``. Also: the speech model fixture's skip-or-fail rule."""

import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

RATE = 22_050  # espeak-ng's own rate
# Read when the suite starts: each test's environment is cleared of AURALIS_ variables.
REQUIRED = os.environ.get("AURALIS_REQUIRE_SPEECH") == "1"


def require_speech() -> Path:
    """The installed speech model's folder; skip without it or without espeak-ng, saying
    so. CI sets AURALIS_REQUIRE_SPEECH=1 so that a missing part fails instead."""
    root = Path(__file__).resolve().parent.parent.parent
    folder = root / "models" / "speech" / "whisper-tiny.en"
    missing = [
        what
        for what, present in (
            ("the speech model (make speech-model)", (folder / "model.bin").is_file()),
            ("espeak-ng (apt-get install espeak-ng)", shutil.which("espeak-ng") is not None),
        )
        if not present
    ]
    if missing:
        if REQUIRED:
            pytest.fail(f"speech is required here but {' and '.join(missing)} is missing")
        pytest.skip(f"{' and '.join(missing)} is missing")
    return folder


# A clinician asking, a client answering: the two-voice dialogue of the speaker tests.
CLINICIAN_VOICE, CLIENT_VOICE = "en-us", "en-us+f3"
SLEEP_DIALOGUE = [
    ("Clinician", "How have you been sleeping since we last met?"),
    ("Client", "Not very well. I wake up at four every morning and cannot get back to sleep."),
    ("Clinician", "What goes through your mind when you wake up that early?"),
    ("Client", "Mostly work. I keep going over the meetings I have the next day."),
    ("Clinician", "Have you tried writing those worries down before bed?"),
    ("Client", "Once or twice, and it helped a little, but I stopped doing it."),
]


def use_speech_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The installed speech model and voice encoder as this test's program models
    (``AURALIS_MODELS_DIR``), linked, not copied; skips (or fails) as ``require_speech``.
    Returns the speech model's folder."""
    folder = require_speech()
    models = tmp_path / "program-models" / "speech"
    models.mkdir(parents=True)
    for part in (folder, folder.parent / "voice-encoder.npz"):
        if part.exists():
            (models / part.name).symlink_to(part)
    monkeypatch.setenv("AURALIS_MODELS_DIR", str(models.parent))
    return folder


def speak(text: str, *, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """``text`` spoken by espeak-ng, as float32 samples at 22,050 Hz."""
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
    )
    return _wav_samples(done.stdout)


def _wav_samples(data: bytes) -> np.ndarray:
    # espeak-ng's stdout WAV has unknown lengths in its header: read the PCM after it
    start = data.index(b"data") + 8
    pcm = np.frombuffer(data[start : start + (len(data) - start) // 2 * 2], dtype="<i2")
    return pcm.astype(np.float32) / 32768.0


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def with_noise(samples: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise mixed in at ``snr_db`` below the speech's power."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(samples[np.abs(samples) > 1e-3] ** 2))
    noise = rng.standard_normal(samples.size).astype(np.float32)
    noise *= np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(samples + noise, -1.0, 1.0)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _frame(samples: np.ndarray):  # type: ignore[no-untyped-def]
    """``samples`` (22,050 Hz) as one 16-bit mono frame for FFmpeg."""
    import av

    frame = av.AudioFrame.from_ndarray(
        (np.clip(samples, -1, 1) * 32767).astype("<i2").reshape(1, -1), format="s16", layout="mono"
    )
    frame.sample_rate = RATE
    return frame


def at_16k(samples: np.ndarray) -> np.ndarray:
    """``samples`` (22,050 Hz) resampled to the recogniser's 16 kHz by FFmpeg's resampler."""
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=16_000)
    out = resampler.resample(_frame(samples)) + resampler.resample(None)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in out])


CODECS = {".flac": "flac", ".ogg": "libopus", ".mp3": "libmp3lame", ".m4a": "aac"}


def encode(samples: np.ndarray, path: Path) -> Path:
    """``samples`` written as ``path``'s format (by its suffix) with FFmpeg's encoder."""
    import av

    codec = CODECS[path.suffix]
    rate = 48_000 if codec == "libopus" else RATE
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        size = stream.codec_context.frame_size or None  # AAC and Opus take fixed frames
        resampler = av.AudioResampler(
            format=stream.format.name, layout="mono", rate=rate, frame_size=size
        )
        frame = _frame(samples)
        for converted in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(converted):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
