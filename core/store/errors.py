"""Errors the store raises. Messages name files and ids, never patient text."""

from pathlib import Path


class StoreError(Exception):
    """A store operation failed; the message says what happened and what to do."""


class NotFoundError(StoreError):
    """A row with the requested id does not exist."""

    def __init__(self, entity: str, entity_id: int | str) -> None:
        what = f"with id {entity_id}" if isinstance(entity_id, int) else f"named {entity_id!r}"
        super().__init__(f"No {entity} {what}.")
        self.entity = entity
        self.entity_id = entity_id


class NewerDatabaseError(StoreError):
    """The database was written by a newer Auralis; it is refused and left untouched."""

    def __init__(self, path: Path, unknown_migrations: list[str]) -> None:
        super().__init__(
            f"The database {path} was created by a newer version of Auralis "
            f"(it has schema changes this version does not know: {', '.join(unknown_migrations)}). "
            "It has not been changed. Update Auralis to open it."
        )
        self.path = path
        self.unknown_migrations = unknown_migrations


class CorruptDatabaseError(StoreError):
    """The database failed its integrity check or is not a database at all."""

    def __init__(self, path: Path, problems: list[str], newest_backup: Path | None) -> None:
        if newest_backup is not None:
            advice = (
                f"The newest good backup is {newest_backup}; restore it with "
                f"`auralis db restore {newest_backup}` (the damaged file is kept beside it)."
            )
        else:
            advice = "No good backup was found; keep a copy of the file and contact support."
        super().__init__(
            f"The database {path} failed its integrity check ({len(problems)} problem(s)). "
            f"It has not been changed. {advice}"
        )
        self.path = path
        self.problems = problems
        self.newest_backup = newest_backup


class WrongKeyError(StoreError):
    """The passphrase (or key) does not open the encrypted database; nothing was changed."""


class StoreWriteError(StoreError):
    """A write could not be completed (a full disk, an I/O error); the transaction was
    rolled back, so what was stored before is intact."""


class DatabaseUnavailableError(StoreError):
    """The database cannot be read right now (a full disk, permissions, a read-only
    folder, a lock, an I/O error), which says nothing about damage: it was not changed,
    and restoring a backup over it would only lose what was written since."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"The database {path} cannot be read right now ({reason}). This does not mean "
            "it is damaged, and nothing was changed. Free some disk space, or make the "
            "folder and the file readable and writable for you, then try again. Do not "
            "restore a backup over it: that would lose what was written since the backup."
        )
        self.path = path
        self.reason = reason
