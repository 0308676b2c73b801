"""``auralis audit list|verify|export``: read the audit trail, check its hash chain, and
write it to CSV for an auditor. Entries carry ids and counts only, never patient text."""

import argparse
from pathlib import Path

from app.cli.context import CliContext
from app.cli.output import print_json
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.audit_trail import export_audit, list_audit, verify_audit


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "audit", "read, verify and export the audit trail")

    listing = add_command(actions, "list", "show the newest audit entries, newest first")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.set_defaults(handler=_list)

    verify = add_command(
        actions,
        "verify",
        "check the hash chain, its append-only triggers and its anchor outside the database",
    )
    verify.set_defaults(handler=_verify)

    export = add_command(actions, "export", "write the whole trail, oldest first, to a CSV file")
    export.add_argument("--output", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=_export)


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    entries = list_audit(ctx.db, limit=args.limit)
    if args.json:
        print_json(entries)
        return 0
    for entry in entries:
        what = entry.entity + (f" {entry.entity_id}" if entry.entity_id is not None else "")
        detail = f"  ({entry.detail})" if entry.detail else ""
        print(f"{entry.id:>6}  {entry.at}  {entry.actor:<12} {entry.action:<18} {what}{detail}")
    return 0


def _verify(ctx: CliContext, args: argparse.Namespace) -> int:
    report = verify_audit(ctx.db)
    if args.json:
        print_json(
            {
                "entries": report.entries,
                "intact": report.intact,
                "first_broken": report.first_broken,
                "reason": report.reason or None,
                "head": report.head,
                "problems": report.problems,
                "notes": report.notes,
            }
        )
    elif report.intact:
        print(f"ok: the audit trail's {report.entries} entries form an unbroken chain.")
        for note in report.notes:
            print(f"Note: {note}")
        print(f"Head hash: {report.head}")
        print("Write the head hash down (a ticket, paper): a later verify that prints another")
        print("history before this point would show the trail was rewritten.")
    else:
        print("BROKEN: the audit trail was changed outside Auralis.")
        for problem in report.problems:
            print(f"- {problem}")
        for note in report.notes:
            print(f"Note: {note}")
    return 0 if report.intact else 1


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    count = export_audit(ctx.db, args.output)
    if args.json:
        print_json({"output": args.output, "entries": count})
    else:
        print(f"Wrote {count} audit entries to {args.output}.")
    return 0
