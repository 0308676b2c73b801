"""A small Auralis writer for the kill -9 tests: opens the store the way the app does and
saves note versions and operating-room segments in a loop, acknowledging each one.

    python tests/faults/writer.py setup
    python tests/faults/writer.py write --session S --case C --tag TAG [--count N]
    python tests/faults/writer.py save --session S --file FILE

The environment is the app's: ``AURALIS_HOME`` and ``AURALIS_DB_KEY``. ``setup`` creates a
patient, a session and two operating-room cases and prints their ids as one JSON line.
``write`` prints ``ready`` once the store is open, then alternates an autosave of the
session's note (``save_edit``: the change and its audit entry, what the window's autosave
and ``notes edit`` call) and an appended segment (``add_segment``, what
``or ... --record`` calls), and prints
``note <i> <version id>`` or ``seg <i> <row id>`` on standard output, flushed, only
after the call (and so its commit) has returned: a printed line is an acknowledged write.

``save`` makes one autosave of the file's text, as the window's editor does, and prints
``saved <version id>``, or ``refused <error class>`` when the store refuses it with a
``StoreError`` (what the window catches and reports); any other exception is a crash.

The texts are made up (no patient's) and deterministic, so the parent process can
recompute what every acknowledged row must hold.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

FILLER = (
    "slept badly woke early walked the dog talked about work plan for the week breathing "
    "exercise reviewed homework mood low then better appetite fine coffee too late "
).split()


def note_text(tag: str, index: int, size: int = 400) -> str:
    """The autosaved draft number ``index`` of the writer run ``tag``: unique, ~``size``
    characters, the same in every process."""
    seed = int.from_bytes(hashlib.sha256(f"{tag}/{index}".encode()).digest()[:8], "big")
    words, total = [f"Autosaved draft {tag}/{index}."], 0
    while total < size:
        word = FILLER[seed % len(FILLER)]
        seed = (seed * 6364136223846793005 + 1442695040888963407) % 2**64
        words.append(word)
        total += len(word) + 1
    return " ".join(words) + "\n"


def segment_text(tag: str, index: int) -> str:
    return f"segment {tag}/{index}: suction on, irrigation running"


def segment_time(index: int) -> float:
    return round(index * 0.5, 1)


def _setup() -> int:
    from app.context import open_context
    from core.store.orcases import create_case
    from core.store.patients import create_patient
    from core.store.sessions import add_session

    ctx = open_context()
    try:
        patient = create_patient(ctx.db, "Fault Test")
        session = add_session(ctx.db, patient.id, "Client: a made-up transcript for tests.")
        case = create_case(ctx.db, "PCNL", label="writer")
        cli_case = create_case(ctx.db, "PCNL", label="cli")
    finally:
        ctx.close()
    ids = {"patient": patient.id, "session": session.id, "case": case.id, "cli_case": cli_case.id}
    print(json.dumps(ids), flush=True)
    return 0


def _write(args: argparse.Namespace) -> int:
    from app.context import open_context
    from app.usecases.notes import save_edit
    from core.store.orcases import add_segment

    ctx = open_context()
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for index in range(args.count):
        if index % 2 == 0:
            version = save_edit(ctx.db, args.session, note_text(args.tag, index, args.size))
            assert version is not None  # every text is new
            out.write(f"note {index} {version.id}\n")
        else:
            row = add_segment(
                ctx.db,
                args.case,
                segment_time(index),
                segment_text(args.tag, index),
                speaker="surgeon",
            )
            out.write(f"seg {index} {row}\n")
        out.flush()
    ctx.close()
    out.write("done\n")
    out.flush()
    return 0


def _save(args: argparse.Namespace) -> int:
    from app.context import open_context
    from app.usecases.notes import save_edit
    from core.store.errors import StoreError

    text = args.file.read_text(encoding="utf-8")
    ctx = open_context()
    try:
        version = save_edit(ctx.db, args.session, text)
    except StoreError as exc:
        print(f"refused {type(exc).__name__}", flush=True)
        return 1
    finally:
        ctx.close()
    print(f"saved {version.id if version else None}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    write = commands.add_parser("write")
    write.add_argument("--session", type=int, required=True)
    write.add_argument("--case", type=int, required=True)
    write.add_argument("--tag", required=True)
    write.add_argument("--count", type=int, default=100_000)
    write.add_argument("--size", type=int, default=400, help="characters per note version")
    save = commands.add_parser("save")
    save.add_argument("--session", type=int, required=True)
    save.add_argument("--file", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "setup":
        return _setup()
    return _write(args) if args.command == "write" else _save(args)


if __name__ == "__main__":
    sys.exit(main())
