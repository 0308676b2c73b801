"""One window per data folder: a second start is refused with a message naming the first,
so only one Auralis window writes to a database and shows its contents.

A lock file (``auralis.lock`` in the data folder, holding the process id and host) is
taken before the database is opened. A lock left by a process that no longer runs (a
crash, a power cut) is taken over; a live one is never considered stale by age, since a
window may stay open for days. The command line is not locked: its writes are few and
SQLite serialises them, and exporting while the window is open is useful.
"""

from pathlib import Path

from PySide6.QtCore import QLockFile

LOCK_NAME = "auralis.lock"


def acquire_instance_lock(data_dir: Path) -> QLockFile | None:
    """The held lock (keep it alive until exit), or None when another Auralis holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(data_dir / LOCK_NAME))
    lock.setStaleLockTime(0)  # never stale by age; a dead holder's lock is still taken over
    return lock if lock.tryLock(200) else None


def already_open_message(data_dir: Path) -> str:
    info = QLockFile(str(data_dir / LOCK_NAME)).getLockInfo()
    holder = f" (process {info[0]} on {info[1]})" if isinstance(info, tuple) and info[0] else ""
    return (
        f"Auralis is already open for the data folder {data_dir}{holder}. Switch to that "
        "window: one Auralis window per data folder keeps the records consistent. To work "
        "on other data at the same time, start it with --data-dir another-folder."
    )
