"""``auralis templates list|show|add|remove``: built-in and the user's own note templates."""

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from core.notes.service import get_template
from core.notes.templates import BUILTIN_TEMPLATES, Template, TemplateError, template_from_dict
from core.store import audit
from core.store.templates import delete_template, list_template_definitions, save_template

SUMMARY_ENTRY: dict[str, Any] = {
    "name": "summary",
    "title": "Patient summary across sessions",
    "builtin": True,
    "sections": ["Summary", "Key points"],
}


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


def _entry(template: Template) -> dict[str, Any]:
    return {
        "name": template.name,
        "title": template.title,
        "builtin": template.builtin,
        "sections": [s.title for s in template.sections],
    }


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    entries = [_entry(t) for t in BUILTIN_TEMPLATES.values()] + [SUMMARY_ENTRY]
    for definition in list_template_definitions(ctx.db):
        try:
            entries.append(_entry(template_from_dict(definition)))
        except TemplateError:
            ctx.warn(f"the stored template {definition.get('name')!r} is no longer valid")
    if args.json:
        print_json(entries)
        return 0
    print_table(
        ["NAME", "KIND", "SECTIONS"],
        [
            [e["name"], "built-in" if e["builtin"] else "yours", ", ".join(e["sections"])]
            for e in entries
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
    try:
        definition = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TemplateError(f"{args.file} cannot be read as JSON ({exc}).") from None
    template = template_from_dict(definition)
    if template.name in BUILTIN_TEMPLATES or template.name == "summary":
        raise TemplateError(f"{template.name!r} is a built-in template; choose another name.")
    save_template(ctx.db, template.name, template.to_dict())
    audit.record(ctx.db, "create", "template", detail=f"name={template.name}")
    if args.json:
        print_json(_entry(template))
    else:
        sections = ", ".join(s.title for s in template.sections)
        print(f"Template {template.name!r} saved with sections: {sections}.")
    return 0


def _remove(ctx: CliContext, args: argparse.Namespace) -> int:
    if not delete_template(ctx.db, args.name.strip().lower()):
        raise TemplateError(f"There is no user template named {args.name!r}.")
    audit.record(ctx.db, "delete", "template", detail=f"name={args.name}")
    if args.json:
        print_json({"removed": args.name})
    else:
        print(f"Template {args.name!r} removed.")
    return 0
