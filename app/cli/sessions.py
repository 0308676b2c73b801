"""``auralis sessions add|list|show|speakers|recording``; ``add --audio`` transcribes a
recording first; ``speakers`` swaps or renames a transcript's speaker labels in one
change; ``recording`` writes a kept recording out."""

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.cli.output import print_json, print_progress, print_table, to_jsonable
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.audio_import import (
    import_audio_session,
    load_recogniser,
    require_patient,
    transcript_from_audio,
)
from app.usecases.errors import StoreError
from app.usecases.notes import current_note
from app.usecases.recording import export_recording
from app.usecases.sessions import import_session, line_times_of, list_sessions, open_session
from app.usecases.speakers import relabel_speakers, speakers_of, swap
from core.notes.transcript import Transcript, time_stamp


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "sessions", "add, list and show therapy sessions")

    add = add_command(actions, "add", "add a session with its transcript to a patient")
    add.add_argument("--patient", type=int, required=True, metavar="ID", help="patient id")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--transcript",
        type=Path,
        metavar="FILE",
        help="plain text, WebVTT, SRT or JSON segments (UTF-8, UTF-16 or Windows-1252)",
    )
    source.add_argument(
        "--audio",
        type=Path,
        metavar="FILE",
        help="a recording (wav, mp3, m4a, ogg, flac), transcribed here by the speech model",
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

    speakers = add_command(
        actions, "speakers", "list a transcript's speakers, or swap or rename them in one change"
    )
    speakers.add_argument("id", type=int, help="session id")
    change = speakers.add_mutually_exclusive_group()
    change.add_argument("--swap", action="store_true", help="swap the two speakers' labels")
    change.add_argument(
        "--rename",
        action="append",
        metavar="OLD=NEW",
        help='rename a label, e.g. --rename "Clinician=Dr Lee" (repeat for more)',
    )
    speakers.set_defaults(handler=_speakers)

    recording = add_command(actions, "recording", "write a session's kept recording to a file")
    recording.add_argument("id", type=int, help="session id")
    recording.add_argument("--output", type=Path, required=True, metavar="PATH")
    recording.set_defaults(handler=_recording)


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.audio is not None:
        transcript = _transcribe(ctx, args.patient, args.audio)
        imported = import_audio_session(ctx.db, args.patient, transcript, session_date=args.date)
    else:
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


def _transcribe(ctx: CliContext, patient_id: int, audio: Path) -> Transcript:
    """The recording's transcript, with a progress line on stderr. The patient must
    exist before minutes are spent on the audio."""
    require_patient(ctx.db, patient_id)
    recogniser = load_recogniser(ctx.paths, threads=ctx.loaded.settings.inference.n_threads)
    terminal = sys.stderr.isatty()

    def show(done: float, total: float | None) -> None:
        line = f"transcribing {audio.name}: {done / 60:.1f} min"
        if total:
            line += f" of {total / 60:.1f} ({min(done / total, 1.0):.0%})"
        if terminal:
            print_progress(line, last=bool(total) and done >= (total or 0) - 0.5)
        else:
            print(line, file=sys.stderr, flush=True)

    return transcript_from_audio(recogniser, audio, on_progress=show)


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
    times = line_times_of(ctx.db, session.id)
    note = current_note(ctx.db, session.id)
    result: dict[str, Any] = to_jsonable(session)
    result["line_times"] = {str(n): list(t) for n, t in times.items()}
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
    for number, line in enumerate(session.transcript.rstrip().splitlines(), start=1):
        start = times.get(number, (None, None))[0]
        print(f"[{time_stamp(start)}] {line}" if start is not None else line)
    print()
    if note is None:
        print("No note yet.")
    else:
        origin = note.version.provenance  # rule draft, AI draft, edited from which, or own
        print(f"Note (version {note.version_count}, {note.version.template}, {origin}):")
        print(note.version.content.rstrip())
    return 0


def _speakers(ctx: CliContext, args: argparse.Namespace) -> int:
    session = open_session(ctx.db, args.id).session
    if args.swap:
        names = swap(session.transcript)
    elif args.rename:
        names = {}
        for pair in args.rename:
            old, equals, new = pair.partition("=")
            if not equals or not old.strip() or not new.strip():
                raise StoreError(f'--rename takes OLD=NEW, e.g. "Clinician=Dr Lee"; not {pair!r}.')
            names[old.strip()] = new.strip()
        unknown = set(names) - set(speakers_of(session.transcript))
        if unknown:
            raise StoreError(
                f"Session {args.id} has no speaker called {', '.join(sorted(unknown))}; "
                f"it has {', '.join(speakers_of(session.transcript)) or 'no labels'}."
            )
    else:
        names = {}
    if names:
        session = relabel_speakers(ctx.db, args.id, names)
        ctx.note("renamed: " + ", ".join(f"{old} -> {new}" for old, new in names.items()))
    for label in speakers_of(session.transcript):
        print(label)
    return 0


def _recording(ctx: CliContext, args: argparse.Namespace) -> int:
    written = export_recording(ctx.db, args.id, args.output)
    ctx.note(f"recording of session {args.id} written to {written}")
    return 0
