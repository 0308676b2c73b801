"""``auralis sessions add|list|show``."""

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.cli.output import print_json, print_table, to_jsonable
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.notes import current_note
from app.usecases.sessions import import_session, list_sessions, open_session


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "sessions", "add, list and show therapy sessions")

    add = add_command(actions, "add", "add a session with its transcript to a patient")
    add.add_argument("--patient", type=int, required=True, metavar="ID", help="patient id")
    add.add_argument(
        "--transcript",
        type=Path,
        required=True,
        metavar="FILE",
        help="plain text, WebVTT, SRT or JSON segments (UTF-8, UTF-16 or Windows-1252)",
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
    imported = import_session(ctx.db, args.patient, args.transcript, session_date=args.date)
    session = imported.session
    if args.json:
        print_json(session)
    else:
        print(
            f"Added session {session.id} (number {session.session_number} of patient "
            f"{session.patient_id}, {imported.segments} {imported.source_format} "
            f"segments, {len(session.transcript)} characters)."
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
    session = open_session(ctx.db, args.id).session
    note = current_note(ctx.db, session.id)
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
        origin = note.version.provenance  # rule draft, AI draft, edited from which, or own
        print(f"Note (version {note.version_count}, {note.version.template}, {origin}):")
        print(note.version.content.rstrip())
    return 0
