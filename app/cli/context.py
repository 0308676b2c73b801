"""What every CLI command gets: paths, settings and, on demand, the open database."""

import sys
from dataclasses import dataclass, field

from sqlite_utils import Database

from app.cli.key_prompt import ask_on_terminal, terminal_can_ask
from app.db_key import DatabaseKey, KeyChoice, KeyOptions, choose_key
from app.paths import AppPaths
from app.risk_net import open_risk_net
from app.settings import LoadedSettings
from app.startup import open_database
from core.notes.risk_net import RiskNet


@dataclass
class CliContext:
    paths: AppPaths
    loaded: LoadedSettings
    key_options: KeyOptions = field(default_factory=KeyOptions)
    _db: Database | None = field(default=None, repr=False)
    _key: KeyChoice | None = field(default=None, repr=False)
    _risk_net: RiskNet | None = field(default=None, repr=False)

    @property
    def risk_net(self) -> RiskNet:
        """The risk safety net as installed (its problems said once, on stderr)."""
        if self._risk_net is None:
            setup = open_risk_net(self.paths, self.loaded.settings)
            for problem in setup.problems:
                self.warn(problem)
            self._risk_net = setup.net
        return self._risk_net

    @property
    def key_choice(self) -> KeyChoice:
        """The database's key, from the options, the environment or the terminal."""
        if self._key is None:
            ask = ask_on_terminal if terminal_can_ask() else None
            self._key = choose_key(self.paths.database, self.key_options, ask)
        return self._key

    def use_key(self, choice: KeyChoice) -> None:
        """From now on, the database opens with this key (after encrypt or re-key)."""
        self._key = choice

    @property
    def key(self) -> DatabaseKey | None:
        return self.key_choice.key

    @property
    def db(self) -> Database:
        """The store, checked, opened and migrated on first use (backed up when due)."""
        if self._db is None:
            choice = self.key_choice
            self._db = open_database(self.paths, self.loaded.settings, choice.key)
            if choice.source == "unencrypted file":
                self.note(
                    f"the database {self.paths.database} is not encrypted; "
                    "`auralis db encrypt` encrypts it."
                )
        return self._db

    def open(self) -> Database:
        """Open the store now (see ``db``)."""
        return self.db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @staticmethod
    def warn(message: str) -> None:
        print(f"auralis: warning: {message}", file=sys.stderr)

    @staticmethod
    def note(message: str) -> None:
        """Information for the person at the terminal, kept off standard output."""
        print(f"auralis: {message}", file=sys.stderr)
