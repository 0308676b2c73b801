"""What every CLI command gets: paths, settings and, on demand, the open database."""

import sys
from dataclasses import dataclass, field

from sqlite_utils import Database

from app.paths import AppPaths
from app.settings import LoadedSettings
from app.startup import open_database


@dataclass
class CliContext:
    paths: AppPaths
    loaded: LoadedSettings
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """The store, checked, opened and migrated on first use (backed up when due)."""
        if self._db is None:
            self._db = open_database(self.paths, self.loaded.settings)
        return self._db

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
