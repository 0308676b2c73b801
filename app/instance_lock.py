"""One user of a data folder at a time for what must not share it: the window (for as
long as it is open), and the command line's restore, encryption and passphrase change
(for as long as they swap or re-key the file). A second one is refused with a message
naming the process that holds the folder.

The lock is ``auralis.lock`` in the data folder: a file holding the holder's process id,
what it is and the host, with an exclusive ``flock`` on it for as long as the holder
lives. The file appears complete in one step (written under another name, then linked
into place), and a lock file whose ``flock`` can be taken belongs to a process that no
longer runs (a crash, a power cut): it is taken over. A live holder is never considered
stale by age, since a window may stay open for days. Within one process the lock is
re-entrant: the window that holds it may restore or re-key without refusing itself.

Plain Python (no Qt), so the use cases and the command line take the same lock as the
window. Where ``fcntl`` is missing (Windows), whether the holder's process still runs
decides instead.
"""

import contextlib
import os
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.store.errors import StoreError

if sys.platform != "win32":
    import fcntl

    def _flock(fd: int) -> bool:
        """Take the file's exclusive lock without waiting; False when another holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
else:  # pragma: no cover - Windows

    def _flock(fd: int) -> bool:
        return True


NATIVE_LOCKS: bool = sys.platform != "win32"  # else the holder's pid decides

LOCK_NAME = "auralis.lock"
WINDOW = "the Auralis window"
_ATTEMPTS = 5  # takeovers of a dead holder's lock raced by another starter

_held: dict[Path, "InstanceLock"] = {}  # the locks this process holds, by file
_held_guard = threading.Lock()


@dataclass(frozen=True)
class LockHolder:
    pid: int
    what: str  # "the Auralis window", "a restore of the database", ...
    host: str

    def describe(self) -> str:
        return f"{self.what} (process {self.pid} on {self.host})"


class DataFolderBusyError(StoreError):
    """Another process holds the data folder; nothing was changed."""


class InstanceLock:
    """A held lock; ``unlock`` (or the process's end) releases it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    def unlock(self) -> None:
        if self._fd < 0:
            return
        with _held_guard:
            if _held.get(self.path) is self:
                del _held[self.path]
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == os.fstat(self._fd).st_ino:
                self.path.unlink()  # before the flock goes: no one takes a removed file
        os.close(self._fd)
        self._fd = -1


def _contents(what: str) -> bytes:
    return f"{os.getpid()}\n{what}\n{socket.gethostname()}\n".encode()


def _prepared(path: Path, what: str) -> tuple[Path, int]:
    """A complete lock file under a name of its own, flocked: linked into place next."""
    staged = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(staged, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, _contents(what))
        os.fsync(fd)
        _flock(fd)  # a new file no one else has opened
    except OSError:
        os.close(fd)
        staged.unlink(missing_ok=True)
        raise
    return staged, fd


def _pid_runs(pid: int) -> bool:  # pragma: no cover - Windows only
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _take_over_if_dead(path: Path) -> bool:
    """Remove the lock file when its holder no longer runs; True when the caller may try
    again (removed, or gone already), False while a live process holds it."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        if not NATIVE_LOCKS:  # pragma: no cover - Windows
            holder = read_holder(path)
            if holder is not None and _pid_runs(holder.pid):
                return False
        elif not _flock(fd):
            return False
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                path.unlink()  # the dead holder's file; a new one is tried next
        return True
    finally:
        os.close(fd)


def acquire_instance_lock(data_dir: Path, what: str = WINDOW) -> InstanceLock | None:
    """The held lock (keep it until the work is done), or None when another process
    holds the data folder (``read_holder`` says which)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir.resolve() / LOCK_NAME
    for _ in range(_ATTEMPTS):
        staged, fd = _prepared(path, what)
        try:
            os.link(staged, path)
        except FileExistsError:
            os.close(fd)
            if not _take_over_if_dead(path):
                return None
            continue
        except OSError:
            os.close(fd)
            raise
        finally:
            staged.unlink(missing_ok=True)
        lock = InstanceLock(path, fd)
        with _held_guard:
            _held[path] = lock
        return lock
    return None


def read_holder(data_dir_or_file: Path) -> LockHolder | None:
    """Who holds the data folder's lock, as its file says (None: no lock, or unreadable)."""
    path = data_dir_or_file
    if path.name != LOCK_NAME:
        path = path / LOCK_NAME
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return LockHolder(int(lines[0]), lines[1], lines[2])
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def data_folder_held(data_dir: Path, what: str) -> Iterator[None]:
    """Hold the data folder while ``what`` (e.g. "a restore of the database") runs; at once when
    this process holds it already (the window restoring). Raises ``DataFolderBusyError``,
    naming the holder, when another process does: nothing was changed then."""
    path = data_dir.resolve() / LOCK_NAME
    with _held_guard:
        held_here = path in _held
    if held_here:
        yield
        return
    lock = acquire_instance_lock(data_dir, what)
    if lock is None:
        holder = read_holder(data_dir)
        who = holder.describe() if holder else "Another Auralis process"
        raise DataFolderBusyError(
            f"{who[0].upper()}{who[1:]} is using the data folder {data_dir}, so {what} "
            "cannot start. Nothing was changed. Close that window (or wait for that command "
            "to finish), then try again."
        )
    try:
        yield
    finally:
        lock.unlock()
