"""Saves one autosave of a session's note and SIGKILLs itself at a chosen moment inside
that save, for ``test_audit_kill9.py``:

    python tests/faults/audit_kill_writer.py --session S --at MOMENT --tag TAG

``MOMENT`` is where the process dies, by a real ``kill -9`` of itself:

* ``after_change``: the new note version is written, its audit entry not yet;
* ``after_entry``: the audit entry is written too, the trail's anchor not yet;
* ``after_anchor``: the anchor beside the database is written, the COMMIT not yet;
* ``after_commit``: committed, the anchor not yet confirmed;
* ``never``: no kill (prints ``saved <version id>``).

``--split`` makes the save what it would be without one transaction (the change
committed before its entry is recorded), to show the test's checks catch that.

Only the moment of death is arranged here (a wrapper that kills the process when the
real code reaches that point); the save itself is the app's ``save_edit``, on the store
opened as the app opens it (``AURALIS_HOME``, ``AURALIS_DB_KEY``).
"""

import argparse
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

MOMENTS = ("after_change", "after_entry", "after_anchor", "after_commit", "never")


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _killing_before(real: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _die()
        return real(*args, **kwargs)

    return wrapper


def _killing_after(real: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        _die()
        return result

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--session", type=int, required=True)
    parser.add_argument("--at", choices=MOMENTS, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--split", action="store_true", help="commit the change on its own")
    args = parser.parse_args(argv)

    import writer

    from app.context import open_context
    from app.usecases.notes import save_edit
    from core.store import audit, audit_anchor

    ctx = open_context()  # before arming: opening may record events of its own
    if args.at == "after_change":
        audit.record = _killing_before(audit.record)  # type: ignore[method-assign]
    elif args.at == "after_entry":
        audit.record = _killing_after(audit.record)  # type: ignore[method-assign]
    elif args.at == "after_anchor":
        audit_anchor.advance = _killing_after(audit_anchor.advance)  # type: ignore[method-assign]
    elif args.at == "after_commit":
        audit_anchor.confirm = _killing_before(audit_anchor.confirm)  # type: ignore[method-assign]
    if args.split:  # outermost: commits, then reaches the armed record
        record = audit.record

        def commit_then_record(db: Any, *rest: Any, **kwargs: Any) -> int:
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            return record(db, *rest, **kwargs)

        audit.record = commit_then_record  # type: ignore[assignment]
    try:
        version = save_edit(ctx.db, args.session, writer.note_text(args.tag, 0))
    finally:
        ctx.close()
    print(f"saved {version.id if version else None}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
