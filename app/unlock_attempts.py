"""Wrong passphrases, counted across the window and the command line.

The first :data:`FREE_ATTEMPTS` wrong passphrases cost nothing; after that each attempt
must wait, 30 seconds after the fifth failure and twice as long after each further one
(at most 15 minutes). The count is cleared (set to zero, never deleted) by the next
right passphrase.

Where the count lives, and what that protects: a small record (numbers and a time only)
beside the database, and the same record in the settings folder. One attempt at a time
holds a lock on the count (:meth:`UnlockAttempts.attempt`), from the check through the
try to the count, so parallel processes cannot all pass the check before any of them
fails. A record that cannot be read, or that is missing while its twin holds failures,
counts as the longest wait; a time in it is never taken as later than now (a
time in the future neither stretches nor ends the wait) nor earlier than the file was
last written (editing it restarts the wait); the count stops growing at
:data:`MAX_COUNTED`. Deleting both records (in two folders) still resets the count:
someone who can do that can also copy the database and guess offline, where no count
applies. This slows down someone guessing at the keyboard; what protects a stolen copy
is the passphrase's key derivation (PBKDF2, 256,000 rounds).
"""

import contextlib
import json
import logging
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from core.files import write_text_atomically
from core.logs import log_event
from core.store.errors import StoreError

logger = logging.getLogger(__name__)

FREE_ATTEMPTS = 5
FIRST_DELAY_S = 30.0
MAX_DELAY_S = 15 * 60.0
FILENAME = "unlock-attempts.json"
LOCK_SUFFIX = ".lock"
LOCK_TRIES = 30  # Windows: 10 seconds each; an attempt takes well under one
RECORD_VERSION = 2
# The count is kept up to here (far past the longest wait) and never beyond.
MAX_COUNTED = 1_000_000
# The fewest failures that cost the longest wait: a missing or spoiled record counts so.
AT_LONGEST_WAIT = FREE_ATTEMPTS + math.ceil(math.log2(MAX_DELAY_S / FIRST_DELAY_S))


class TooManyAttemptsError(StoreError):
    def __init__(self, wait_s: float) -> None:
        super().__init__(
            f"Too many wrong passphrases. Wait {wait_s:.0f} seconds before trying again."
        )
        self.wait_s = wait_s


def delay_after(failures: int) -> float:
    """The wait after ``failures`` wrong passphrases, counted from the last one."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    doublings = min(failures - FREE_ATTEMPTS, AT_LONGEST_WAIT)  # no overflow at any count
    return min(FIRST_DELAY_S * 2.0**doublings, MAX_DELAY_S)


@dataclass(frozen=True)
class _Record:
    failures: int
    last_failure: float  # clamped: never after now, never before the file was written
    twinned: bool  # written by this version, with its twin in the other folder


_SPOILED = object()  # a record that is there but cannot be read


def _read_record(file: Path, now: float) -> "_Record | object | None":
    try:
        written = file.stat().st_mtime
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return _SPOILED
    if not isinstance(data, dict):
        return _SPOILED
    failures, last = data.get("failures"), data.get("last_failure")
    if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
        return _SPOILED
    if isinstance(last, bool) or not isinstance(last, int | float):
        return _SPOILED
    last = float(last)
    if not math.isfinite(last) or last > now:
        last = now
    last = min(max(last, written), now)
    return _Record(min(failures, MAX_COUNTED), last, data.get("version") == RECORD_VERSION)


@dataclass
class UnlockAttempts:
    """The count kept in ``file`` and, when given, its twin ``mirror`` (another folder).
    Safe to use from several processes at once; one instance is used by one thread."""

    file: Path
    mirror: Path | None = None
    _held: int = field(default=0, repr=False)

    # --- reading ---------------------------------------------------------------------

    def _read(self, now: float | None = None) -> tuple[int, float]:
        """The count and the time of the last failure. A record that was tampered with
        (missing beside its twin, or unreadable) counts as the longest wait, from the
        moment that was first seen (written back, so that the wait runs out)."""
        now = time.time() if now is None else now
        failures, last, tampered = self._look(now)
        if tampered:  # or caught between the two writes of another process: look again
            with self._locked():
                failures, last, tampered = self._look(now)
                if tampered:
                    log_event(logger, "unlock.count_tampered", level=logging.WARNING)
                    failures, last = max(failures, AT_LONGEST_WAIT), time.time()
                    self._write(failures, last)
        return failures, min(last, now)

    def _look(self, now: float) -> tuple[int, float, bool]:
        records = [_read_record(self.file, now)]
        if self.mirror is not None:
            records.append(_read_record(self.mirror, now))
        found = [each for each in records if isinstance(each, _Record)]
        # A record gone while its twin holds failures: counted as the longest wait (with
        # no failures a lone record is a data folder moved without its settings).
        tampered = any(each is _SPOILED for each in records) or (
            len(found) < len(records) and any(each.twinned and each.failures for each in found)
        )
        failures = max((each.failures for each in found), default=0)
        last = max((each.last_failure for each in found), default=0.0)
        return failures, last, tampered

    @property
    def failures(self) -> int:
        return self._read()[0]

    def wait_seconds(self, now: float | None = None) -> float:
        """How long to wait before the next attempt (0 when it may be made now); never
        more than :data:`MAX_DELAY_S`."""
        now = time.time() if now is None else now
        failures, last = self._read(now)
        return max(0.0, min(last + delay_after(failures) - now, MAX_DELAY_S))

    def check(self) -> None:
        """Raise ``TooManyAttemptsError`` while an attempt must wait."""
        wait = self.wait_seconds()
        if wait > 0:
            raise TooManyAttemptsError(wait)

    # --- one attempt -------------------------------------------------------------------

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Hold the count for one attempt: raise ``TooManyAttemptsError`` while it must
        wait; else the caller tries the passphrase and calls ``failed()`` or
        ``succeeded()`` inside the block. Other processes' attempts wait meanwhile."""
        with self._locked():
            self.check()
            yield

    def failed(self) -> int:
        """Count one wrong passphrase; return the count."""
        with self._locked():
            failures = min(self._read()[0] + 1, MAX_COUNTED)
            self._write(failures, time.time())
        log_event(logger, "unlock.failed", level=logging.WARNING, failures=failures)
        return failures

    def succeeded(self) -> int:
        """Clear the count; return how many wrong passphrases came before this one."""
        with self._locked():
            failures = self._read()[0]
            if failures:  # kept at zero, not deleted: a missing twin still tells
                self._write(0, 0.0)
        return failures

    # --- writing and locking -------------------------------------------------------------

    def _write(self, failures: int, last_failure: float) -> None:
        # The twin first. A record says it has a twin only when both could be written:
        # a read-only folder must not make every later read look like tampering.
        files = [file for file in (self.mirror, self.file) if file is not None]
        twinned = len(files) > 1
        written = [each for each in files if _write_record(each, failures, last_failure, twinned)]
        if len(written) < len(files):
            # A read-only folder must not turn a wrong passphrase into a crash; the
            # delay then may not apply, which the log records.
            log_event(logger, "unlock.count_unwritable", level=logging.WARNING)
            for each in written:
                _write_record(each, failures, last_failure, False)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on the count across processes (re-entrant in this one)."""
        if self._held:
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
            return
        lock_file = self.file.with_name(self.file.name + LOCK_SUFFIX)
        try:
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            handle: IO[bytes] | None = lock_file.open("a+b")
        except OSError:  # a read-only folder: the count is not written there either
            handle = None
        if handle is not None:
            _lock(handle)
        self._held = 1
        try:
            yield
        finally:
            self._held = 0
            if handle is not None:
                with contextlib.suppress(OSError):
                    _unlock(handle)
                handle.close()


def _write_record(file: Path, failures: int, last_failure: float, twinned: bool) -> bool:
    record = {"failures": failures, "last_failure": last_failure}
    if twinned:
        record["version"] = RECORD_VERSION
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(file, json.dumps(record))
    except OSError:
        return False
    return True


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        for _ in range(LOCK_TRIES):  # LK_LOCK gives up after 10 seconds each time
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue
        raise StoreError(
            "Another Auralis process is still checking a passphrase. Nothing was changed; "
            "try again in a minute."
        )
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
