"""The swap of a restore, made safe against a crash between its file operations.

A restore writes the backup's copy beside the database (``<db>.restoring``, complete and
on disk), then a journal (``<db>.restore-journal``, naming the time stamp of the files
kept aside). From then on the swap only moves forward, and every step can be done again:
the current database is hard-linked to ``<db>.replaced-<stamp>`` (a ``-wal`` with commits
moved to ``<db>.replaced-<stamp>-wal``, so the kept file opens with every commit it had;
the ``-shm`` index removed), then the
copy is renamed over the database in one step, then the journal goes. Whatever opens the
database first finishes a swap that a crash interrupted (``finish_interrupted_restore``),
so no one ever opens the old file without its WAL, or a missing file as a new empty
database. Before the journal exists nothing has changed (a leftover copy is ignored).
"""

import contextlib
import os
import re
from pathlib import Path

from core.files import fsync_folder
from core.store.errors import StoreError

JOURNAL_SUFFIX = ".restore-journal"
STAGING_SUFFIX = ".restoring"
_STAMP = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9]{6}")  # backup._stamp(): no path in it


def staging_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + STAGING_SUFFIX)


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + JOURNAL_SUFFIX)


def replaced_path(db_path: Path, stamp: str) -> Path:
    return db_path.with_name(f"{db_path.name}.replaced-{stamp}")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def begin_swap(db_path: Path, stamp: str) -> None:
    """Record that the complete copy at ``staging_path`` is to replace the database: from
    here on the swap is finished, by ``swap`` or by the next opener."""
    journal = journal_path(db_path)
    partial = journal.with_name(journal.name + ".partial")
    fsync_file(staging_path(db_path))
    partial.write_text(stamp, encoding="ascii")
    fsync_file(partial)
    os.replace(partial, journal)
    fsync_folder(db_path.parent)


def swap(db_path: Path, stamp: str) -> Path | None:
    """Do (or finish) the swap begun by ``begin_swap``; return where the replaced
    database is kept (None when there was none). Every step may be done again."""
    staging = staging_path(db_path)
    aside = replaced_path(db_path, stamp)
    if staging.exists():
        if db_path.exists() and not aside.exists():
            os.link(db_path, aside)  # the old name stays until the copy replaces it
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:  # commits the kept file still needs
            os.replace(wal, aside.with_name(aside.name + "-wal"))
        for companion in (wal, db_path.with_name(db_path.name + "-shm")):
            companion.unlink(missing_ok=True)  # empty, or an index rebuilt on opening
        os.replace(staging, db_path)
        fsync_folder(db_path.parent)
    with contextlib.suppress(FileNotFoundError):
        journal_path(db_path).unlink()
    fsync_folder(db_path.parent)
    return aside if aside.exists() else None


def finish_interrupted_restore(db_path: Path) -> Path | None:
    """Finish a restore that a crash interrupted after it began the swap; return where
    the replaced database is kept, or None when there was nothing to finish."""
    try:
        stamp = journal_path(db_path).read_text(encoding="ascii", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return swap(db_path, stamp if _STAMP.fullmatch(stamp) else "interrupted")


def finish_restore(db_path: Path) -> None:
    """``finish_interrupted_restore`` for an opener: ``StoreError`` (saying nothing is
    lost) when the folder does not allow it now."""
    try:
        finish_interrupted_restore(db_path)
    except OSError as exc:
        raise StoreError(
            f"A restore of {db_path} was interrupted and cannot be finished now "
            f"({exc.strerror}). Nothing is lost: the database and the copy being restored "
            "are both in that folder. Make the folder writable (or free some space), then "
            "start Auralis again."
        ) from exc
