"""Complete a PyInstaller build of Auralis: ``python packaging/finish_bundle.py dist/auralis
[--model FILE.gguf [--adapter ADAPTER.gguf]]``.

Beside the executable (never inside its archive) it puts ``models/`` with ``README.md`` and
a ``manifest.json`` listing the bundled model's sha256, size and facts, the risk net's
second screen (``models/screen/``) and the speech model with its voice encoder
(``models/speech/``) when ``make`` installed them, ``samples/`` and
``INSTALL.md``. With ``--adapter``, the model's manifest entry also names a LoRA adapter
(from ``auralis lab export``) shipped beside it, with its sha256; the app loads it on the
model. A model or adapter that fails the app's own checks (not GGUF, truncated, an adapter
for another architecture...) is refused here rather than shipped.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

from app.risk_net import SCREEN_DIR
from core.llm.adapter_file import check_adapter_file
from core.llm.model_file import MANIFEST_NAME, ChecksumCache, check_model_file
from core.llm.types import ModelFileError
from core.notes.risk_screen import SCREEN_MODEL_NAME
from core.speech.model_dir import DEFAULT_SPEECH_MODEL, SPEECH_DIR

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_SCHEMA_VERSION = 1
CHECK_CONTEXT = 512  # only the file is checked here, not the memory of this machine


def manifest_entry_for(model: Path) -> dict[str, object]:
    report = check_model_file(model, n_ctx=CHECK_CONTEXT, available_memory=sys.maxsize)
    header = report.header
    return {
        "file": model.name,
        # The check hashed the file already when a manifest beside it lists it.
        "sha256": report.sha256 or ChecksumCache(None).sha256(model),
        "size": report.size,
        "metadata": {
            "name": str(header.metadata.get("general.name") or model.stem),
            "architecture": header.architecture,
            "parameters": header.parameter_count,
            "quantization": header.quantization,
            "context_length": header.arch_value("context_length"),
        },
    }


def adapter_entry_for(adapter: Path, model: Path) -> dict[str, object]:
    report = check_model_file(model, n_ctx=CHECK_CONTEXT, available_memory=sys.maxsize)
    checked = check_adapter_file(adapter, report.header)
    return {"file": adapter.name, "sha256": checked.sha256, "name": checked.name}


def finish(bundle: Path, model: Path | None, adapter: Path | None = None) -> None:
    if not (bundle / "_internal").is_dir():
        raise SystemExit(f"finish_bundle: {bundle} is not a PyInstaller one-folder build")
    models = bundle / "models"
    models.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "models" / "README.md", models / "README.md")
    entries = []
    if model is not None:
        try:
            entry = manifest_entry_for(model)
        except ModelFileError as exc:
            raise SystemExit(f"finish_bundle: {exc}") from None
        if adapter is not None:
            try:
                entry["adapter"] = adapter_entry_for(adapter, model)
            except ModelFileError as exc:
                raise SystemExit(f"finish_bundle: {exc}") from None
            shutil.copy2(adapter, models / adapter.name)
        shutil.copy2(model, models / model.name)
        licence = model.with_name(model.name + ".LICENSE.txt")  # packaging/default_model.py
        if licence.is_file():
            shutil.copy2(licence, models / licence.name)
        entries.append(entry)
    screen = ROOT / "models" / SCREEN_DIR / SCREEN_MODEL_NAME
    if screen.is_file():  # the risk net's second screen (packaging/screen_model.py)
        (models / SCREEN_DIR).mkdir(exist_ok=True)
        shutil.copy2(screen, models / SCREEN_DIR / screen.name)
    speech = ROOT / "models" / SPEECH_DIR
    if (speech / DEFAULT_SPEECH_MODEL / "model.bin").is_file():  # packaging/speech_model.py
        shutil.copytree(speech, models / SPEECH_DIR, dirs_exist_ok=True)
    manifest = {"schema_version": MANIFEST_SCHEMA_VERSION, "models": entries}
    (models / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "samples", bundle / "samples", dirs_exist_ok=True)
    shutil.copy2(ROOT / "packaging" / "INSTALL.md", bundle / "INSTALL.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--model", type=Path, help="a GGUF file to ship in models/")
    parser.add_argument(
        "--adapter", type=Path, help="a GGUF LoRA adapter (auralis lab export) for the model"
    )
    args = parser.parse_args()
    if args.adapter is not None and args.model is None:
        raise SystemExit("finish_bundle: --adapter needs the --model it was trained on")
    finish(args.bundle, args.model, args.adapter)
    shipped = f"with {args.model.name}" if args.model else "without a model (rule engine)"
    if args.adapter is not None:
        shipped += f" and the adapter {args.adapter.name}"
    print(f"finish_bundle: {args.bundle} is complete, {shipped}")


if __name__ == "__main__":
    main()
