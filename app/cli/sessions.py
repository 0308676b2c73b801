"""``auralis sessions add|list|show``."""

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.cli.output import print_json, print_table, to_jsonable
from app.cli.parsing import Subcommands, add_command, add_group
from core.store import audit
from core.store.notes import current_note
from core.store.sessions import add_session, get_session, list_sessions

MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024


class TranscriptFileError(ValueError):
    """A transcript file that cannot be imported; the message says why."""


def read_transcript_file(path: Path) -> str:
    """The text of a plain-text transcript file (UTF-8, with or without BOM).

    Refuses, with a message naming the file, a missing or unreadable file, an empty one,
    one over 20 MB, and one that is not text.
    """
    try:
        size = path.stat().st_size
        if size > MAX_TRANSCRIPT_BYTES:
            raise TranscriptFileError(
                f"{path} is {size / 1024 / 1024:.1f} MB; transcripts over "
                f"{MAX_TRANSCRIPT_BYTES // 1024 // 1024} MB are not imported."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptFileError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise TranscriptFileError(f"{path} is a folder, not a transcript file.") from None
    except OSError as exc:
        raise TranscriptFileError(f"{path} cannot be read ({exc.strerror}).") from None
    if b"\x00" in data:
        raise TranscriptFileError(f"{path} is not a text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranscriptFileError(
            f"{path} is not UTF-8 text (invalid byte at position {exc.start}); "
            "save it as UTF-8 and import it again."
        ) from None
    if not text.strip():
        raise TranscriptFileError(f"{path} is empty.")
    return text


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "sessions", "add, list and show therapy sessions")

    add = add_command(actions, "add", "add a session with its transcript to a patient")
    add.add_argument("--patient", type=int, required=True, metavar="ID", help="patient id")
    add.add_argument(
        "--transcript", type=Path, required=True, metavar="FILE", help="UTF-8 text file"
    )
    add.add_argument(
        "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="session date (today)"
    )
    add.set_defaults(handler=_add)

    listing = add_command(actions, "list", "list sessions, newest first")
    listing.add_argument("--patient", type=int, metavar="ID", help="only this patient's")
    listing.add_argument("--limit", type=int, metavar="N", help="at most N sessions")
    listing.set_defaults(handler=_list)

    show = add_command(actions, "show", "show a session with its transcript and current note")
    show.add_argument("id", type=int, help="session id")
    show.set_defaults(handler=_show)


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    text = read_transcript_file(args.transcript)
    session = add_session(ctx.db, args.patient, text, session_date=args.date)
    audit.record(ctx.db, "create", "session", session.id, detail=f"chars={len(text)}")
    if args.json:
        print_json(session)
    else:
        print(
            f"Added session {session.id} (number {session.session_number} of patient "
            f"{session.patient_id}, {len(text)} characters)."
        )
    return 0


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    sessions = list_sessions(ctx.db, args.patient, limit=args.limit)
    if args.json:
        print_json(sessions)
        return 0
    labels = {"none": "no note", "ai_draft": "AI draft", "edited": "edited"}
    print_table(
        ["ID", "PATIENT", "NO.", "DATE", "CHARS", "NOTE"],
        [
            [
                s.id,
                s.patient_id,
                s.session_number,
                s.session_date,
                s.transcript_chars,
                labels[s.note_status],
            ]
            for s in sessions
        ],
        empty="No sessions.",
    )
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    session = get_session(ctx.db, args.id)
    note = current_note(ctx.db, session.id)
    audit.record(ctx.db, "view", "session", session.id)
    result: dict[str, Any] = to_jsonable(session)
    result["note"] = None
    if note is not None:
        result["note"] = {
            **to_jsonable(note.version),
            "version_count": note.version_count,
            "last_edited_at": note.last_edited_at,
        }
    if args.json:
        print_json(result)
        return 0
    print(
        f"Session {session.id}: patient {session.patient_id}, number {session.session_number}, "
        f"{session.session_date} ({session.transcript_format})"
    )
    print()
    print(session.transcript.rstrip())
    print()
    if note is None:
        print("No note yet.")
    else:
        origin = (
            "AI draft"
            if note.is_ai_generated
            else ("edited from an AI draft" if note.edited_from_ai else "written by a clinician")
        )
        print(f"Note (version {note.version_count}, {note.version.template}, {origin}):")
        print(note.version.content.rstrip())
    return 0
