"""Restores a backup the way ``auralis db restore`` does and SIGKILLs itself right after
the file was swapped, before the restore could write its own audit entry, for
``test_audit_kill9.py``:

    python tests/faults/audit_kill_restore.py BACKUP

Only the moment of death is arranged here (a wrapper that kills the process when the
real code reaches the audit entry); the restore is the app's ``restore_file``
(``AURALIS_HOME``, ``AURALIS_DB_KEY``).
"""

import os
import signal
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    from app.db_key import KeyOptions, choose_key
    from app.paths import AppPaths
    from app.usecases import database

    def die(*_args: Any, **_kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    paths = AppPaths.resolve()
    key = choose_key(paths.database, KeyOptions(), None).key
    database.record_restore = die  # type: ignore[assignment]
    database.restore_file(paths, key, Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
