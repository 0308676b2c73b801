"""``auralis notes generate|show|history|diff|edit|restore|export|summarize``."""

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.cli import notes_eval
from app.cli.context import CliContext
from app.cli.engine_args import (
    add_engine_options,
    choose_engine,
    inference_settings,
    job_value,
    run_job,
)
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.exporters import DEFAULT_FORMAT, EXPORTERS
from app.usecases.drafting import NoteDrafting, start_note, start_summary
from app.usecases.errors import StoreError
from app.usecases.exports import EXPORT_NOT_ENCRYPTED, export_note
from app.usecases.notes import (
    NoteDraft,
    note_diff,
    note_history,
    prepare_transcript_note,
    restore_note_version,
    save_edit,
    show_note,
    version_id,
)
from core.notes.render import word_count


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "notes", "draft, review, edit and export clinical notes")

    generate = add_command(actions, "generate", "draft a note from a transcript")
    source = generate.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--transcript",
        type=Path,
        metavar="FILE",
        help="txt, vtt, srt or json transcript (nothing is stored)",
    )
    source.add_argument(
        "--session",
        type=int,
        metavar="ID",
        help="a stored session: the note is saved as its new version",
    )
    generate.add_argument("--template", default="default", help="template name (default)")
    generate.add_argument(
        "--regenerate",
        action="store_true",
        help="replace the session's note (the old one stays in the history)",
    )
    add_engine_options(generate)
    generate.set_defaults(handler=_generate)

    show = add_command(actions, "show", "show a session's current note and its review status")
    show.add_argument("session", type=int, help="session id")
    show.set_defaults(handler=_show)

    history = add_command(actions, "history", "list every version of a session's note")
    history.add_argument("session", type=int, help="session id")
    history.set_defaults(handler=_history)

    diff = add_command(actions, "diff", "show what changed between two versions")
    diff.add_argument("session", type=int, help="session id")
    diff.add_argument("old", type=int, help="version number (from `notes history`)")
    diff.add_argument("new", type=int, help="version number")
    diff.set_defaults(handler=_diff)

    edit = add_command(actions, "edit", "save edited note text as a new version")
    edit.add_argument("session", type=int, help="session id")
    edit.add_argument("--file", type=Path, required=True, metavar="FILE", help="the edited text")
    edit.set_defaults(handler=_edit)

    restore = add_command(actions, "restore", "make an older version current (as a new version)")
    restore.add_argument("session", type=int, help="session id")
    restore.add_argument("version", type=int, help="version number")
    restore.set_defaults(handler=_restore)

    out = add_command(actions, "export", "write a note as PDF, Word (DOCX), Markdown or plain text")
    out.add_argument("session", type=int, help="session id")
    out.add_argument("--format", choices=list(EXPORTERS), default=DEFAULT_FORMAT)
    out.add_argument("--output", type=Path, required=True, metavar="PATH", help="file to write")
    out.add_argument("--version", type=int, metavar="N", help="version number (current)")
    out.add_argument(
        "--confirm-removed-risk",
        metavar="REASON",
        help="export although the note no longer holds disclosures the risk safety net "
        "found in the transcript; the reason is kept with the version (encrypted)",
    )
    out.set_defaults(handler=_export)

    summarize = add_command(actions, "summarize", "summarise all of a patient's sessions")
    summarize.add_argument("--patient", type=int, required=True, metavar="ID")
    add_engine_options(summarize)
    summarize.set_defaults(handler=_summarize)

    notes_eval.register(actions)


def _draft_json(draft: NoteDraft) -> dict[str, Any]:
    return {
        "template": draft.template,
        "sections": draft.sections,
        "text": draft.text,
        "risk_flags": [asdict(flag) for flag in draft.risk_flags],
        "engine": draft.engine,
        "model_name": draft.model_name,
        "degraded": draft.degraded,
        "word_count": draft.word_count,
        "inference_time": round(draft.inference_time_s, 3),
        "parts": draft.parts,
    }


def _generate(ctx: CliContext, args: argparse.Namespace) -> int:
    inference = inference_settings(ctx, args)
    if args.session is not None:
        drafting = start_note(
            ctx.db,
            args.session,
            args.template,
            inference,
            regenerate=args.regenerate,
            risk_net=ctx.risk_net,
        )
    else:  # a transcript file: nothing is stored (a built-in template opens no database)
        request = prepare_transcript_note(args.transcript, args.template, lambda: ctx.db)
        drafting = NoteDrafting(request, inference, risk_net=ctx.risk_net)
    choice = choose_engine(ctx, args)
    draft: NoteDraft = job_value(*run_job(choice.engine, drafting.job()), "Drafting")
    if args.session is not None:
        drafting.save(ctx.db, draft)
    if args.json:
        print_json(_draft_json(draft))
        return 0
    sys.stdout.write(draft.text)
    ctx.note(
        f"{choice.description}: {draft.word_count} words, {len(draft.risk_flags)} risk "
        f"flag(s), {draft.inference_time_s:.1f} s"
        + (", saved as a new version" if args.session is not None else "")
    )
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    note = show_note(ctx.db, args.session)
    version = note.version
    if args.json:
        print_json(
            {
                "session_id": args.session,
                "version": note.version_count,
                "template": version.template,
                "is_ai_generated": note.is_ai_generated,
                "edited_from_ai": note.edited_from_ai,
                "generated_at": note.generated_at,
                "last_edited_at": note.last_edited_at,
                "engine": version.engine,
                "model_name": version.model_name,
                "text": version.content,
                "sections": version.sections,
            }
        )
        return 0
    print(
        f"Session {args.session}, version {note.version_count}: {version.provenance}, "
        f"template {version.template}"
    )
    if note.generated_at:
        engine = " ".join(p for p in (version.engine, version.model_name) if p)
        print(f"Generated: {note.generated_at}" + (f" by {engine}" if engine else ""))
    if note.last_edited_at:
        print(f"Last edited: {note.last_edited_at}")
    print()
    sys.stdout.write(version.content)
    return 0


def _history(ctx: CliContext, args: argparse.Namespace) -> int:
    versions = note_history(ctx.db, args.session)
    rows = [
        {
            "number": n,
            "version_id": v.id,
            "created_at": v.created_at,
            "template": v.template,
            "is_ai_generated": v.is_ai_generated,
            "edited_from_ai": v.edited_from_ai,
            "engine": v.engine,
            "words": word_count(v.content),
        }
        for n, v in enumerate(versions, start=1)
    ]
    if args.json:
        print_json(rows)
        return 0
    print_table(
        ["NO.", "CREATED", "WRITTEN", "TEMPLATE", "WORDS"],
        [
            [n, v.created_at[:19], v.provenance, v.template, word_count(v.content)]
            for n, v in enumerate(versions, start=1)
        ],
        empty=f"Session {args.session} has no note yet.",
    )
    return 0


def _diff(ctx: CliContext, args: argparse.Namespace) -> int:
    text = note_diff(
        ctx.db,
        version_id(ctx.db, args.session, args.old),
        version_id(ctx.db, args.session, args.new),
    )
    if args.json:
        print_json({"diff": text})
    else:
        sys.stdout.write(text or "The two versions are the same.\n")
    return 0


def _edit(ctx: CliContext, args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{args.file} cannot be read as UTF-8 text ({exc}).") from None
    version = save_edit(ctx.db, args.session, text)
    if args.json:
        print_json({"saved": version is not None, "version_id": version.id if version else None})
    else:
        print(
            "Saved as a new version."
            if version
            else "No change: the text equals the current version."
        )
    return 0


def _restore(ctx: CliContext, args: argparse.Namespace) -> int:
    version = restore_note_version(ctx.db, version_id(ctx.db, args.session, args.version))
    count = len(note_history(ctx.db, args.session))
    if args.json:
        print_json({"version_id": version.id, "number": count})
    else:
        print(f"Version {args.version} restored as version {count}.")
    return 0


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    exporter = EXPORTERS[args.format]
    path = export_note(
        ctx.db,
        args.session,
        exporter,
        args.output,
        number=args.version,
        risk_net=ctx.risk_net,
        removed_risk_reason=args.confirm_removed_risk,
    )
    if args.json:
        print_json({"path": str(path), "format": exporter.name, "bytes": path.stat().st_size})
    else:
        print(f"Exported to {path}.")
    ctx.warn(EXPORT_NOT_ENCRYPTED)
    return 0


def _summarize(ctx: CliContext, args: argparse.Namespace) -> int:
    drafting = start_summary(ctx.db, args.patient, inference_settings(ctx, args))
    choice = choose_engine(ctx, args)
    summary = drafting.finish(
        ctx.db, job_value(*run_job(choice.engine, drafting.job()), "Summarising")
    )
    data = asdict(summary)
    data["inference_time"] = round(data.pop("inference_time_s"), 3)
    if args.json:
        print_json(data)
        return 0
    print(
        f"Summary of {summary.session_count} session(s) ({summary.total_text_length} characters):"
    )
    print(summary.summary)
    for point in summary.key_points:
        print(f"- {point}")
    return 0
