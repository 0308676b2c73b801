import re

import jsonschema
import pytest

from core.notes.templates import (
    BUILTIN_TEMPLATES,
    NOTE_SCHEMA_PREFIX,
    SUMMARY_SCHEMA,
    Template,
    TemplateError,
    template_from_dict,
)


@pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
def test_builtin_templates_compile_to_grammar_friendly_schemas(name: str) -> None:
    template = BUILTIN_TEMPLATES[name]
    schema = template.schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$id"] == NOTE_SCHEMA_PREFIX + name
    assert schema["required"] == list(template.keys)
    assert schema["additionalProperties"] is False
    assert all(p["type"] == "string" for p in schema["properties"].values())
    assert "patternProperties" not in schema
    assert template.risk_key == "risk"


def test_the_default_note_has_its_five_sections() -> None:
    titles = [s.title for s in BUILTIN_TEMPLATES["default"].sections]
    assert titles == ["Chief Complaint", "Emotional State", "Risk", "Intervention", "Plan"]
    assert [s.key for s in BUILTIN_TEMPLATES["soap"].sections][:4] == [
        "subjective",
        "objective",
        "assessment",
        "risk",
    ]


def test_a_user_template_gets_a_risk_section_and_round_trips() -> None:
    template = template_from_dict(
        {
            "name": "trauma-intake",
            "title": "Trauma intake",
            "sections": [
                {"title": "Presenting  problem", "instruction": "Why now.", "length": "concise"},
                {"title": "Triggers", "style": "list"},
            ],
        }
    )
    assert [s.title for s in template.sections] == ["Presenting problem", "Triggers", "Risk"]
    assert template.sections[1].style == "list" and template.sections[1].length == "standard"
    again = template_from_dict(template.to_dict())
    assert again == template


@pytest.mark.parametrize(
    ("definition", "where"),
    [
        ({"name": "x"}, "(top level)"),
        ({"name": "Bad Name", "sections": [{"title": "A"}]}, "name"),
        ({"name": "x", "sections": []}, "sections"),
        ({"name": "x", "sections": [{"title": "A", "length": "huge"}]}, "sections/0/length"),
        ({"name": "x", "sections": [{"title": "A"}], "colour": "red"}, "(top level)"),
        ("not an object", "(top level)"),
    ],
)
def test_invalid_templates_say_where(definition: object, where: str) -> None:
    with pytest.raises(TemplateError, match="not valid at " + re.escape(where)):
        template_from_dict(definition)


def test_duplicate_section_names_are_refused() -> None:
    with pytest.raises(TemplateError, match="two sections with the same name"):
        template_from_dict({"name": "x", "sections": [{"title": "Plan"}, {"title": "plan"}]})


def test_summary_schema_is_valid() -> None:
    jsonschema.Draft7Validator.check_schema(SUMMARY_SCHEMA)
    assert isinstance(BUILTIN_TEMPLATES["girp"], Template)


def test_a_sections_word_cap_is_a_template_setting() -> None:
    definition = {"name": "long-hpi", "sections": [{"title": "History", "max_words": 400}]}
    template = template_from_dict(definition)
    assert template.sections[0].max_words == 400
    assert template.sections[0].guidance == "up to 400 words"
    assert template.sections[1].max_words == 150  # the Risk section keeps the default
    assert template_from_dict(template.to_dict()) == template
    with pytest.raises(TemplateError, match="sections/0/max_words"):
        template_from_dict({"name": "x", "sections": [{"title": "A", "max_words": 5}]})


def test_the_visit_note_has_the_sections_clinicians_write() -> None:
    visit = BUILTIN_TEMPLATES["visit"]
    assert [s.title for s in visit.sections] == [
        "Chief Complaint",
        "History of Present Illness",
        "Review of Systems",
        "Physical Examination",
        "Results",
        "Assessment and Plan",
        "Risk",
    ]
    assert {s.key: s.max_words for s in visit.sections}["history_of_present_illness"] == 350
