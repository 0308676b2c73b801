"""``auralis patients add|list|search``."""

import argparse

from app.cli.context import CliContext
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.patients import Patient, add_patient, find_patients


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "patients", "add, list and search patients")

    add = add_command(actions, "add", "add a patient")
    add.add_argument("name", help="display name, as clinicians should see it")
    add.add_argument("--ref", help="external reference, e.g. the hospital's record number")
    add.set_defaults(handler=_add)

    listing = add_command(actions, "list", "list patients by name")
    listing.add_argument("--all", action="store_true", help="include archived patients")
    listing.set_defaults(handler=_list)

    search = add_command(
        actions,
        "search",
        "find patients by name, reference, or words in their transcripts and notes",
    )
    search.add_argument("query", help="words to look for (all must match; prefixes count)")
    search.add_argument("--all", action="store_true", help="include archived patients")
    search.set_defaults(handler=_search)


def _print_patients(patients: list[Patient], as_json: bool) -> None:
    if as_json:
        print_json(patients)
        return
    print_table(
        ["ID", "NAME", "REF", "CREATED", "ARCHIVED"],
        [
            [
                p.id,
                p.display_name,
                p.external_ref or "",
                p.created_at[:10],
                "yes" if p.archived else "",
            ]
            for p in patients
        ],
        empty="No patients.",
    )


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    patient = add_patient(ctx.db, args.name, args.ref)
    if args.json:
        print_json(patient)
    else:
        print(f"Added patient {patient.id}.")
    return 0


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    _print_patients(find_patients(ctx.db, include_archived=args.all), args.json)
    return 0


def _search(ctx: CliContext, args: argparse.Namespace) -> int:
    _print_patients(find_patients(ctx.db, args.query, include_archived=args.all), args.json)
    return 0
