"""Note templates: the built-in ones, the user's own from JSON (audited by name)."""

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.usecases.templates import add_template, get_template, list_templates, remove_template
from core.notes.templates import TemplateError
from core.store import audit
from core.store.templates import save_template


def _file(tmp_path: Path, definition: object) -> Path:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    return path


def test_a_users_template_is_added_listed_used_and_removed(
    fresh_db: Database, tmp_path: Path
) -> None:
    definition = {"name": "sleep-review", "title": "Sleep review", "sections": [{"title": "Sleep"}]}
    template = add_template(fresh_db, _file(tmp_path, definition))
    assert [s.title for s in template.sections] == ["Sleep", "Risk"]  # Risk is always there
    listed = list_templates(fresh_db)
    assert [e.name for e in listed.entries][:7] == [
        "default",
        "soap",
        "dap",
        "birp",
        "girp",
        "visit",
        "summary",
    ]
    assert listed.entries[-1].name == "sleep-review" and not listed.entries[-1].builtin
    assert "summary" not in [e.name for e in listed.note_templates()]
    assert get_template(fresh_db, "Sleep-Review") == template
    remove_template(fresh_db, "sleep-review")
    with pytest.raises(TemplateError, match="no template named"):
        get_template(fresh_db, "sleep-review")
    details = [e.detail for e in reversed(audit.list_entries(fresh_db))]
    assert details == ["name=sleep-review", "name=sleep-review"]


def test_bad_templates_are_refused_and_nothing_is_audited(
    fresh_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(TemplateError, match="built-in"):
        add_template(
            fresh_db, _file(tmp_path, {"name": "soap", "title": "x", "sections": [{"title": "A"}]})
        )
    with pytest.raises(TemplateError, match="cannot be read as JSON"):
        (tmp_path / "bad.json").write_text("{", encoding="utf-8")
        add_template(fresh_db, tmp_path / "bad.json")
    with pytest.raises(TemplateError, match="no user template"):
        remove_template(fresh_db, "nothing")
    assert audit.list_entries(fresh_db) == []


def test_a_stored_template_no_longer_valid_is_named(fresh_db: Database) -> None:
    save_template(fresh_db, "broken", {"name": "broken", "sections": []})
    listed = list_templates(fresh_db)
    assert listed.invalid == ["broken"] and "broken" not in [e.name for e in listed.entries]
