"""``auralis templates list|show|add|remove``: built-in and the user's own note templates."""

import argparse
from pathlib import Path

from app.cli.context import CliContext
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.templates import (
    add_template,
    get_template,
    list_templates,
    remove_template,
    template_entry,
)


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "templates", "list, show, add and remove note templates")
    add_command(actions, "list", "list built-in and user templates").set_defaults(handler=_list)
    show = add_command(actions, "show", "show a template's sections and instructions")
    show.add_argument("name")
    show.set_defaults(handler=_show)
    add = add_command(actions, "add", "add (or replace) a user template from a JSON file")
    add.add_argument("file", type=Path, help="see schemas/template.schema.json")
    add.set_defaults(handler=_add)
    remove = add_command(actions, "remove", "remove a user template (notes made with it stay)")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    templates = list_templates(ctx.db)
    for name in templates.invalid:
        ctx.warn(f"the stored template {name!r} is no longer valid")
    if args.json:
        print_json(templates.entries)
        return 0
    print_table(
        ["NAME", "KIND", "SECTIONS"],
        [
            [e.name, "built-in" if e.builtin else "yours", ", ".join(e.sections)]
            for e in templates.entries
        ],
        empty="No templates.",
    )
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    template = get_template(ctx.db, args.name)
    if args.json:
        print_json({**template.to_dict(), "builtin": template.builtin, "schema": template.schema()})
        return 0
    print(f"{template.title} ({template.name}, {'built-in' if template.builtin else 'yours'})")
    for spec in template.sections:
        print(f"- {spec.title} [{spec.length}, {spec.style}]: {spec.instruction}")
    return 0


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    template = add_template(ctx.db, args.file)
    if args.json:
        print_json(template_entry(template))
    else:
        sections = ", ".join(s.title for s in template.sections)
        print(f"Template {template.name!r} saved with sections: {sections}.")
    return 0


def _remove(ctx: CliContext, args: argparse.Namespace) -> int:
    remove_template(ctx.db, args.name)
    if args.json:
        print_json({"removed": args.name})
    else:
        print(f"Template {args.name!r} removed.")
    return 0
