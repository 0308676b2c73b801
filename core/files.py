"""Writing a file so that a crash or a full disk never leaves half of it in place, and
never into something that is not a plain file (a named pipe, a device, a socket)."""

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class UnsafeTargetError(OSError):
    """The path names something a file is not written over: a named pipe, a device, a
    socket, a folder, or (where refused) a symbolic link. ``strerror`` says which, in
    words that can follow "could not be written: "."""


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _refuse(path: Path, what: str, code: int) -> UnsafeTargetError:
    return UnsafeTargetError(
        code,
        f"it is {what}, not a regular file; nothing was written to it or over it. "
        "Choose another file name",
        str(path),
    )


def check_target(path: Path, *, refuse_symlink: bool) -> None:
    """Raise ``UnsafeTargetError`` when ``path`` is a named pipe, a device, a socket or a
    folder, or a symbolic link (when ``refuse_symlink``); a missing path or a regular
    file is fine. The path itself is looked at (``lstat``), never opened."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        if refuse_symlink:
            raise _refuse(path, "a symbolic link (it is not followed or replaced)", errno.ELOOP)
        return  # the link itself is replaced by the new file, as ``os.replace`` does
    for is_kind, what in _SPECIAL_KINDS:
        if is_kind(mode):
            code = errno.EISDIR if what == "a folder" else errno.EINVAL
            raise _refuse(path, what, code)


def _fsync_own_file(partial: Path, made: os.stat_result) -> None:
    """Flush the temporary file, opened without following a link, after checking it is
    still the regular file made for this write (not something put in its place)."""
    fd = os.open(partial, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (made.st_dev, made.st_ino):
            raise UnsafeTargetError(
                errno.EEXIST, f"the temporary file {partial} was replaced while it was written"
            )
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (where the file system lets a folder be opened)."""
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(
    path: Path, write: Callable[[Path], object], *, refuse_symlink: bool = False
) -> Path:
    """Let ``write`` fill a new temporary file beside ``path``, flush it to disk, then
    rename it over ``path``: readers see the old file or the complete new one, never a
    part. On any failure the temporary file is removed and the error raised again.

    A named pipe, device, socket or folder at ``path`` is refused (``UnsafeTargetError``)
    before anything is written: it is never opened, written into or replaced. A symbolic
    link at ``path`` is replaced by the new file, or refused when ``refuse_symlink`` (what
    exports ask for). The temporary file is made with ``O_EXCL | O_NOFOLLOW`` (mkstemp)."""
    check_target(path, refuse_symlink=refuse_symlink)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    partial = Path(name)
    try:
        try:
            made = os.fstat(fd)
        finally:
            os.close(fd)
        write(partial)
        _fsync_own_file(partial, made)
        check_target(path, refuse_symlink=refuse_symlink)  # again: it may have appeared since
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
    return path


def write_text_atomically(path: Path, text: str, *, refuse_symlink: bool = False) -> Path:
    return write_atomically(
        path,
        lambda target: target.write_text(text, encoding="utf-8"),
        refuse_symlink=refuse_symlink,
    )
