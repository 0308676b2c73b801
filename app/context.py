"""What the window gets at start: paths, settings (with the problems found in them) and the
open store. Made and used on the GUI thread; the store connection never leaves it."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db_key import AskForKey, KeyChoice, KeyOptions, choose_key
from app.logging_setup import setup_logging
from app.paths import AppPaths
from app.settings import LoadedSettings, load_settings
from app.startup import open_database
from core.store.connection import DatabaseKey


@dataclass
class AppContext:
    paths: AppPaths
    loaded: LoadedSettings
    db: Database
    key_choice: KeyChoice
    log_file: Path | None = None
    problems: list[str] = field(default_factory=list)  # to show once the window is up

    @property
    def key(self) -> DatabaseKey | None:
        """The open database's key (None: unencrypted); backups use it too."""
        return self.key_choice.key

    def close(self) -> None:
        self.db.close()


def open_context(
    home: Path | None = None,
    key_options: KeyOptions | None = None,
    ask: AskForKey | None = None,
) -> AppContext:
    """Resolve the folders, read the settings, start logging and open the store with the
    key from the options, the environment or ``ask``. Raises ``StoreError`` (phrased for
    the user; ``WrongKeyError`` for a wrong passphrase) when the store cannot be opened."""
    paths = AppPaths.resolve(home)
    loaded = load_settings(paths.settings_file)
    problems = list(loaded.problems)
    log_file = None
    try:
        log_file = setup_logging(paths.log_dir, loaded.settings.log_level)
    except OSError as exc:
        problems.append(f"Logs cannot be written to {paths.log_dir} ({exc.strerror}).")
        logging.getLogger(__name__).warning("logging.unavailable")
    choice = choose_key(paths.database, key_options or KeyOptions(), ask)
    db = open_database(paths, loaded.settings, choice.key)
    return AppContext(paths, loaded, db, choice, log_file, problems)
