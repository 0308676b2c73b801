"""Where Auralis keeps its files.

By default the platform's user folders (platformdirs). ``AURALIS_HOME`` (or the CLI's
``--data-dir``) puts everything under one folder instead — portable installs and tests
use it: ``data/``, ``config/``, ``logs/``, ``models/`` and ``cache/`` inside it.

Models are looked for in ``models/`` beside the program first (where set-up and the
bundle install them); ``AURALIS_MODELS_DIR`` names another folder for that place (a
shared folder of approved models, or an empty one for tests).
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from core.store import DB_FILENAME

APP_NAME = "Auralis"
HOME_ENV = "AURALIS_HOME"
MODELS_ENV = "AURALIS_MODELS_DIR"


def bundled_root() -> Path:
    """The folder holding the program's own files: the source tree, or the folder of the
    frozen executable (PyInstaller), where the bundled ``models/`` sits."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    models_dir: Path
    cache_dir: Path
    # ``models/`` beside the program (source tree or bundle), or $AURALIS_MODELS_DIR
    bundled_models_dir: Path = field(default_factory=lambda: bundled_root() / "models")

    @classmethod
    def resolve(cls, home: Path | None = None, env: Mapping[str, str] = os.environ) -> "AppPaths":
        """Paths under ``home`` if given, else under ``$AURALIS_HOME``, else the user dirs."""
        if home is None and env.get(HOME_ENV):
            home = Path(env[HOME_ENV])
        program = bundled_root() / "models"
        if env.get(MODELS_ENV):
            program = Path(env[MODELS_ENV]).expanduser().resolve()
        if home is not None:
            home = home.expanduser().resolve()
            return cls(
                data_dir=home / "data",
                config_dir=home / "config",
                log_dir=home / "logs",
                models_dir=home / "models",
                cache_dir=home / "cache",
                bundled_models_dir=program,
            )
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            models_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "models",
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            bundled_models_dir=program,
        )

    @property
    def database(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    def model_search_dirs(self) -> list[Path]:
        """Where a GGUF is looked for when no model path is configured, in order."""
        return [self.bundled_models_dir, self.models_dir]
