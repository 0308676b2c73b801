"""One window per data folder: a second start is refused with a message naming the first,
so only one Auralis window writes to a database and shows its contents.

The lock itself is ``app.instance_lock`` (plain Python, so the command line's restore,
encryption and passphrase change take the same lock and refuse while a window is open).
It is taken before the database is opened and held until the window closes. Other
commands of the command line are not locked: their writes are few and SQLite serialises
them, and exporting while the window is open is useful.
"""

from pathlib import Path

from app.instance_lock import (
    LOCK_NAME,
    WINDOW,
    InstanceLock,
    acquire_instance_lock,
    read_holder,
)

__all__ = ["LOCK_NAME", "InstanceLock", "acquire_instance_lock", "already_open_message"]


def already_open_message(data_dir: Path) -> str:
    holder = read_holder(data_dir)
    if holder is not None and holder.what != WINDOW:  # a restore or re-key from the CLI
        return (
            f"{holder.describe()} is using the data folder {data_dir}. Start Auralis "
            "again when it has finished."
        )
    who = f" (process {holder.pid} on {holder.host})" if holder else ""
    return (
        f"Auralis is already open for the data folder {data_dir}{who}. Switch to that "
        "window: one Auralis window per data folder keeps the records consistent. To work "
        "on other data at the same time, start it with --data-dir another-folder."
    )
