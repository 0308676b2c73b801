"""Process hardening at start, the same for the window and the command line: called by
both entry points (``app.cli.main`` and ``ui.launch.run``) before anything is read from
the database.

What it does, and why:

- **No core files.** ``RLIMIT_CORE`` is set to 0 (soft and hard, so nothing in the
  process can raise it again): a crash does not write the process's memory (patient
  text, the passphrase, the key derived from it) to disk.
- **Not dumpable** (Linux): ``prctl(PR_SET_DUMPABLE, 0)`` also stops a crash handler
  from collecting the memory, and the user's other processes from reading it through
  ptrace or ``/proc/<pid>/mem`` (a debugger run as root still can).
- **umask 077**: files and folders Auralis creates are readable by its user only; the
  existing data, settings, log and cache folders (and the files in them) that others
  could read are tightened, and what could not be is returned (and logged) so that the
  front end can say so.

What it cannot do: Python gives no way to wipe a ``str`` (the passphrase as typed, the
notes on screen) from memory, and the memory can still be written to swap or a
hibernation file (an encrypted swap is the operating system's part). On Windows and
macOS only what applies there is done; nothing fails because something is missing.
"""

import contextlib
import ctypes
import logging
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.paths import AppPaths
from core.logs import log_event

logger = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4
PRIVATE_UMASK = 0o077


@dataclass(frozen=True)
class Hardening:
    core_files_off: bool
    not_dumpable: bool  # False where the platform has no such switch
    still_readable: list[Path] = field(default_factory=list)  # by others, and not tightened

    def warning(self) -> str | None:
        """One line for the user when a folder others can read could not be tightened."""
        if not self.still_readable:
            return None
        return (
            f"{len(self.still_readable)} file(s) or folder(s) of Auralis can be read by other "
            f"users of this computer and could not be changed, e.g. {self.still_readable[0]}. "
            "Nothing was lost; make them readable by you only (chmod go-rwx)."
        )


def harden(paths: AppPaths) -> Hardening:
    """Harden this process and the folders of ``paths`` (see the module's docstring)."""
    core_off = _no_core_files()
    not_dumpable = _not_dumpable()
    os.umask(PRIVATE_UMASK)
    loose = tighten(_own_folders(paths))
    hardening = Hardening(core_off, not_dumpable, loose)
    log_event(
        logger,
        "process.hardened",
        core_files_off=core_off,
        not_dumpable=not_dumpable,
        still_readable=len(loose),
    )
    return hardening


def _own_folders(paths: AppPaths) -> list[Path]:
    return [paths.data_dir, paths.backup_dir, paths.config_dir, paths.log_dir, paths.cache_dir]


def _no_core_files() -> bool:
    try:
        import resource
    except ImportError:  # Windows: no core files (crash dumps are off unless configured)
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        return False
    return True


def _not_dumpable() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def tighten(folders: Iterable[Path]) -> list[Path]:
    """Take group and other permissions off each existing folder and the files and
    folders inside it (links are not followed); return the ones that could not be."""
    if os.name != "posix":
        return []
    loose: list[Path] = []
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        with contextlib.suppress(OSError):
            for path in [folder, *folder.iterdir()]:
                if not _make_private(path):
                    loose.append(path)
    if loose:
        log_event(logger, "process.readable_by_others", count=len(loose))
    return loose


def _make_private(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return True  # gone meanwhile
    if stat.S_ISLNK(mode) or not mode & 0o077:
        return True
    try:
        os.chmod(path, stat.S_IMODE(mode) & 0o700)
    except OSError:
        return False
    return True
