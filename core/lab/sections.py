"""A reference note's text under a template's sections.

Notes written elsewhere use their own headings ("PHYSICAL EXAM", "SOCIAL HISTORY") or,
in section-level sets such as MTS-Dialog, a code per row ("GENHX", "FAM/SOCHX"). Each
heading or code is matched to a section of the template by the section's title or key,
or by a built-in alias (for the ``visit`` template: the headings of ACI-Bench's notes and
MTS-Dialog's codes). History of any kind (medical, social, family, medications,
allergies) belongs to the history of present illness; vitals to the examination;
impressions, diagnoses and instructions to the assessment and plan.
"""

import re

from core.notes.templates import NOT_DISCUSSED, Template

_VISIT_ALIASES = {
    "chief_complaint": ("cc", "reason for visit", "chief complaints"),
    "history_of_present_illness": (
        "hpi",
        "genhx",
        "history",
        "medical history",
        "past history",
        "past medical history",
        "pastmedicalhx",
        "social history",
        "family history",
        "fam/sochx",
        "family and social history",
        "surgical history",
        "past surgical history",
        "pastsurgical",
        "medications",
        "current medications",
        "allergies",
        "allergy",
        "immunizations",
        "gynhx",
        "other_history",
        "other history",
    ),
    "review_of_systems": ("ros",),
    "physical_examination": ("physical exam", "exam", "examination", "vitals", "vitals reviewed"),
    "results": ("labs", "imaging", "lab results", "studies"),
    "assessment_and_plan": (
        "assessment",
        "plan",
        "assessment / plan",
        "assessment/plan",
        "impression",
        "impression and plan",
        "diagnosis",
        "instructions",
        "patient instructions",
        "disposition",
        "procedure",
        "procedures",
        "edcourse",
        "ed course",
    ),
}
ALIASES_BY_TEMPLATE = {"visit": _VISIT_ALIASES}

# A heading: a line of its own, in capitals or ending with a colon, at most six words.
_HEADING_LINE = re.compile(
    r"^[ \t]*(?:#+[ \t]*)?\**([A-Za-z][A-Za-z /&_-]{0,60}?)\**[ \t]*:?[ \t]*$"
)


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("_", " ").strip().lower())


def section_names(template: Template) -> dict[str, str]:
    """Every accepted name (normalised) of a template's sections -> the section's key."""
    names: dict[str, str] = {}
    for spec in template.sections:
        names[_norm(spec.title)] = spec.key
        names[_norm(spec.key)] = spec.key
    for key, aliases in ALIASES_BY_TEMPLATE.get(template.name, {}).items():
        if key in template.keys:
            for alias in aliases:
                names.setdefault(_norm(alias), key)
    return names


def section_for(template: Template, name: str) -> str | None:
    """The key of the section a heading or section code names, or None."""
    return section_names(template).get(_norm(name))


def split_note(template: Template, note: str) -> dict[str, str]:
    """The note's text by section key; only sections it has text for are present. Text
    under a heading the template does not know stays with the section before it; text
    before the first known heading is dropped (there is nowhere it belongs)."""
    names = section_names(template)
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in note.splitlines():
        match = _HEADING_LINE.match(line)
        if match and (key := names.get(_norm(match.group(1)))) is not None:
            current = key
            found.setdefault(key, [])
            continue
        if current is not None:
            found[current].append(line)
    joined = {key: "\n".join(lines).strip() for key, lines in found.items()}
    return {key: text for key, text in joined.items() if text}


def complete_sections(template: Template, sections: dict[str, str]) -> dict[str, str]:
    """Every section of the template, in order; those without text say so."""
    return {key: sections.get(key) or NOT_DISCUSSED for key in template.keys}
