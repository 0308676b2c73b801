"""Note templates: the built-in ones and the user's own (stored as validated JSON)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from app.usecases.transaction import audited
from core.notes.templates import BUILTIN_TEMPLATES, Template, TemplateError, template_from_dict
from core.store import templates as store
from core.store.errors import NotFoundError

__all__ = [
    "Template",
    "TemplateEntry",
    "TemplateList",
    "add_template",
    "get_template",
    "list_templates",
    "remove_template",
    "template_entry",
]

SUMMARY = "summary"  # the multi-session patient summary: built in, not a note template


@dataclass(frozen=True)
class TemplateEntry:
    name: str
    title: str
    builtin: bool
    sections: list[str]


@dataclass(frozen=True)
class TemplateList:
    entries: list[TemplateEntry]  # built-in first (the summary last of them), then the user's
    invalid: list[str] = field(default_factory=list)  # stored templates no longer valid

    def note_templates(self) -> list[TemplateEntry]:
        """The templates a note can be drafted with (not the patient summary)."""
        return [entry for entry in self.entries if entry.name != SUMMARY]


def template_entry(template: Template) -> TemplateEntry:
    sections = [spec.title for spec in template.sections]
    return TemplateEntry(template.name, template.title, template.builtin, sections)


SUMMARY_ENTRY = TemplateEntry(
    SUMMARY, "Patient summary across sessions", True, ["Summary", "Key points"]
)


def get_template(db: Database, name: str) -> Template:
    """A built-in template by name, else the user's template of that name."""
    key = name.strip().lower()
    if key in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[key]
    try:
        return template_from_dict(store.get_template_definition(db, key))
    except NotFoundError:
        names = ", ".join(BUILTIN_TEMPLATES)
        raise TemplateError(
            f"There is no template named {name!r}. Built in: {names}; "
            "`auralis templates list` shows yours."
        ) from None


def list_templates(db: Database) -> TemplateList:
    entries = [template_entry(t) for t in BUILTIN_TEMPLATES.values()] + [SUMMARY_ENTRY]
    invalid = []
    for definition in store.list_template_definitions(db):
        try:
            entries.append(template_entry(template_from_dict(definition)))
        except TemplateError:
            invalid.append(str(definition.get("name")))
    return TemplateList(entries, invalid)


def add_template(db: Database, path: Path) -> Template:
    """Add (or replace) a user template from a JSON file (``schemas/template.schema.json``)."""
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TemplateError(f"{path} cannot be read as JSON ({exc}).") from None
    template = template_from_dict(definition)
    if template.name in BUILTIN_TEMPLATES or template.name == SUMMARY:
        raise TemplateError(f"{template.name!r} is a built-in template; choose another name.")
    with audited(db, "The template") as tx:
        store.save_template(db, template.name, template.to_dict())
        tx.record("create", "template", detail=f"name={template.name}")
    return template


def remove_template(db: Database, name: str) -> None:
    """Remove a user template (notes drafted with it keep its name)."""
    with audited(db, "The removal") as tx:
        if not store.delete_template(db, name.strip().lower()):
            raise TemplateError(f"There is no user template named {name!r}.")
        tx.record("delete", "template", detail=f"name={name}")
