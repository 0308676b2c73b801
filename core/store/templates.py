"""The user's note templates, stored as their validated JSON definition."""

import json
from typing import Any

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.errors import NotFoundError


def save_template(db: Database, name: str, definition: dict[str, Any]) -> None:
    """Insert the template, or replace the one with the same name (keeping its id)."""
    now = utc_now()
    with db.atomic():
        db.execute(
            """INSERT INTO note_templates (name, definition_json, created_at, updated_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET
                   definition_json = excluded.definition_json, updated_at = excluded.updated_at""",
            [name, json.dumps(definition, ensure_ascii=False), now, now],
        )


def get_template_definition(db: Database, name: str) -> dict[str, Any]:
    rows = list(db.query("SELECT definition_json FROM note_templates WHERE name = ?", [name]))
    if not rows:
        raise NotFoundError("template", name)
    value: dict[str, Any] = json.loads(rows[0]["definition_json"])
    return value


def list_template_definitions(db: Database) -> list[dict[str, Any]]:
    rows = db.query("SELECT definition_json FROM note_templates ORDER BY name")
    return [json.loads(row["definition_json"]) for row in rows]


def delete_template(db: Database, name: str) -> bool:
    with db.atomic():
        cursor = db.execute("DELETE FROM note_templates WHERE name = ?", [name])
    return cursor.rowcount > 0
