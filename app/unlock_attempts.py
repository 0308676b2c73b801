"""Wrong passphrases, counted across the window and the command line.

The first :data:`FREE_ATTEMPTS` wrong passphrases cost nothing; after that each attempt
must wait, 30 seconds after the fifth failure and twice as long after each further one
(at most 15 minutes). The count lives in a small file beside the database (numbers and
a time only) and is cleared by the next right passphrase.

This slows down someone guessing at the keyboard; it cannot stop an attacker who copies
the file (the passphrase's key derivation is what protects a stolen copy).
"""

import contextlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from core.files import write_text_atomically
from core.logs import log_event
from core.store.errors import StoreError

logger = logging.getLogger(__name__)

FREE_ATTEMPTS = 5
FIRST_DELAY_S = 30.0
MAX_DELAY_S = 15 * 60.0
FILENAME = "unlock-attempts.json"


class TooManyAttemptsError(StoreError):
    def __init__(self, wait_s: float) -> None:
        super().__init__(
            f"Too many wrong passphrases. Wait {wait_s:.0f} seconds before trying again."
        )
        self.wait_s = wait_s


@dataclass
class UnlockAttempts:
    file: Path

    def _read(self) -> tuple[int, float]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return int(data["failures"]), float(data["last_failure"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    @property
    def failures(self) -> int:
        return self._read()[0]

    def wait_seconds(self, now: float | None = None) -> float:
        """How long to wait before the next attempt (0 when it may be made now)."""
        failures, last = self._read()
        if failures < FREE_ATTEMPTS:
            return 0.0
        delay = min(FIRST_DELAY_S * 2.0 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)
        return max(0.0, last + delay - (time.time() if now is None else now))

    def check(self) -> None:
        """Raise ``TooManyAttemptsError`` while an attempt must wait."""
        wait = self.wait_seconds()
        if wait > 0:
            raise TooManyAttemptsError(wait)

    def failed(self) -> int:
        """Count one wrong passphrase; return the count."""
        failures = self._read()[0] + 1
        self._write(failures)
        log_event(logger, "unlock.failed", level=logging.WARNING, failures=failures)
        return failures

    def succeeded(self) -> int:
        """Clear the count; return how many wrong passphrases came before this one."""
        failures = self._read()[0]
        if failures:
            with contextlib.suppress(OSError):
                self.file.unlink(missing_ok=True)
        return failures

    def _write(self, failures: int) -> None:
        try:
            write_text_atomically(
                self.file, json.dumps({"failures": failures, "last_failure": time.time()})
            )
        except OSError:
            # A read-only data folder must not turn a wrong passphrase into a crash; the
            # delay then does not apply, which the log records.
            log_event(logger, "unlock.count_unwritable", level=logging.WARNING)
