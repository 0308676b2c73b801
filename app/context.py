"""What the window gets at start: paths, settings (with the problems found in them) and the
open store. Made and used on the GUI thread; the store connection never leaves it.

A long database operation (re-keying, restoring in place) runs on another thread with a
connection of its own; meanwhile the window's connection is closed (``suspend_store``)
and opened again afterwards (``resume_store``), with the key then in effect.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.db_key import AskForKey, DatabaseKey, KeyChoice, KeyOptions, choose_key
from app.logging_setup import setup_logging
from app.paths import AppPaths
from app.risk_net import open_risk_net
from app.settings import LoadedSettings, load_settings
from app.startup import open_database
from core.notes.risk_net import RiskNet
from core.store import open_store
from core.store.errors import StoreError

BUSY = (
    "The database is busy with a backup, restore or passphrase change; try again when it "
    "has finished."
)


class StoreBusyError(StoreError):
    """The store is suspended while a long database operation runs."""


@dataclass
class AppContext:
    paths: AppPaths
    loaded: LoadedSettings
    _db: Database | None = field(repr=False)
    key_choice: KeyChoice
    log_file: Path | None = None
    problems: list[str] = field(default_factory=list)  # to show once the window is up
    risk_net: RiskNet = field(default_factory=RiskNet)  # the lexicon alone, unless set

    @property
    def db(self) -> Database:
        """The open store (``StoreBusyError`` while it is suspended)."""
        if self._db is None:
            raise StoreBusyError(BUSY)
        return self._db

    @property
    def store_suspended(self) -> bool:
        return self._db is None

    @property
    def key(self) -> DatabaseKey | None:
        """The open database's key (None: unencrypted); backups use it too."""
        return self.key_choice.key

    def suspend_store(self) -> None:
        """Close the connection so another thread's may change the file alone."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def resume_store(self) -> None:
        """Open the connection again, with ``key_choice`` as it is now."""
        if self._db is None:
            self._db = open_store(self.paths.database, key=self.key)

    def close(self) -> None:
        self.suspend_store()


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
    risk = open_risk_net(paths, loaded.settings)
    problems += risk.problems
    return AppContext(paths, loaded, db, choice, log_file, problems, risk.net)
