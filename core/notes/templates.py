"""Note templates: built-in (default, SOAP, DAP, BIRP, GIRP, patient summary) and the
user's own, and what each compiles to for an engine: a grammar-friendly JSON schema with
one string property per section (so every section is always present).

Every note template has a Risk section: one is appended when a template has none, because
the risk safety net must have a place that always exists.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema

from core.resources import load_schema

Length = Literal["concise", "standard", "detailed"]
Style = Literal["paragraph", "list"]

# Guidance shown to the model, in words; the cap enforced on the result is the section's
# ``max_words`` (WORD_CAP unless the template sets it).
WORD_GUIDANCE: dict[Length, str] = {
    "concise": "under 50 words",
    "standard": "30 to 70 words",
    "detailed": "up to 150 words",
}
WORD_CAP = 150
MAX_WORDS_LIMIT = 1000
NOT_DISCUSSED = "Not discussed"
RISK_TITLE = "Risk"
NOTE_SCHEMA_PREFIX = "auralis/note/"


class TemplateError(ValueError):
    """A template definition that cannot be used; the message says which part and why."""


def section_key(title: str) -> str:
    """``"Chief Complaint"`` -> ``"chief_complaint"``: the JSON property name."""
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return key or "section"


@dataclass(frozen=True)
class SectionSpec:
    title: str
    instruction: str = ""
    length: Length = "standard"
    style: Style = "paragraph"
    max_words: int = WORD_CAP  # the most words a drafted section keeps (whole sentences)

    @property
    def guidance(self) -> str:
        """How long the model is asked to write: the length's words, or the cap's."""
        if self.max_words != WORD_CAP:
            return f"up to {self.max_words} words"
        return WORD_GUIDANCE[self.length]

    @property
    def key(self) -> str:
        return section_key(self.title)

    @property
    def is_risk(self) -> bool:
        return self.key == "risk"


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    sections: tuple[SectionSpec, ...]
    description: str = ""
    builtin: bool = False
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        sections = self.sections
        if not any(s.is_risk for s in sections):
            risk = SectionSpec(
                RISK_TITLE,
                "Any risk to self or others disclosed, denied or historical; quote it.",
                "concise",
            )
            object.__setattr__(self, "sections", (*sections, risk))
        keys = tuple(s.key for s in self.sections)
        if len(set(keys)) != len(keys):
            raise TemplateError(f"Template {self.name!r} has two sections with the same name.")
        object.__setattr__(self, "keys", keys)

    @property
    def risk_key(self) -> str:
        return next(s.key for s in self.sections if s.is_risk)

    def schema(self) -> dict[str, Any]:
        """The JSON schema an engine answers with: every section a required string.

        No ``maxLength``: llama.cpp expands a bounded repetition into nested grammar rules
        and refuses long ones; each section's word cap is applied to the answer instead."""
        properties = {
            s.key: {
                "type": "string",
                "title": s.title,
                "description": s.instruction,
                "minLength": 1,
            }
            for s in self.sections
        }
        return {
            "$id": NOTE_SCHEMA_PREFIX + self.name,
            "title": self.title,
            "type": "object",
            "properties": properties,
            "required": list(self.keys),
            "additionalProperties": False,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "sections": [
                {
                    "title": s.title,
                    "instruction": s.instruction,
                    "length": s.length,
                    "style": s.style,
                    **({"max_words": s.max_words} if s.max_words != WORD_CAP else {}),
                }
                for s in self.sections
            ],
        }


def template_from_dict(data: Any, *, builtin: bool = False) -> Template:
    """Build a template from its JSON form, validated by ``schemas/template.schema.json``."""
    validator = jsonschema.Draft7Validator(load_schema("template.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise TemplateError(f"The template is not valid at {where}: {first.message}.")
    sections = tuple(
        SectionSpec(
            title=" ".join(s["title"].split()),
            instruction=s.get("instruction", ""),
            length=s.get("length", "standard"),
            style=s.get("style", "paragraph"),
            max_words=s.get("max_words", WORD_CAP),
        )
        for s in data["sections"]
    )
    return Template(
        name=data["name"],
        title=data.get("title") or data["name"],
        sections=sections,
        description=data.get("description", ""),
        builtin=builtin,
    )


def _section(
    title: str,
    instruction: str,
    length: Length = "standard",
    style: Style = "paragraph",
    max_words: int = WORD_CAP,
) -> SectionSpec:
    return SectionSpec(title, instruction, length, style, max_words)


_RISK = _section(
    RISK_TITLE,
    "Risk to self or others: suicidal thoughts, self-harm, violence, abuse, overdose. "
    "Quote what was said; record denials as denials.",
    "concise",
)
_PLAN = _section("Plan", "Next steps agreed: homework, next session, referrals.", "concise")

BUILTIN_TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "default",
            "Clinical note",
            (
                _section(
                    "Chief Complaint",
                    "The main concern the client brought, in their words.",
                    "concise",
                ),
                _section(
                    "Emotional State", "Mood, affect, sleep and energy as described or observed."
                ),
                _RISK,
                _section(
                    "Intervention",
                    "What the clinician did: techniques, psychoeducation, exercises.",
                ),
                _PLAN,
            ),
            "Chief complaint, emotional state, risk, intervention and plan.",
            builtin=True,
        ),
        Template(
            "soap",
            "SOAP note",
            (
                _section("Subjective", "What the client reported: concerns, symptoms, events."),
                _section(
                    "Objective", "What the clinician observed: appearance, affect, behaviour."
                ),
                _section("Assessment", "The clinician's assessment of progress and presentation."),
                _RISK,
                _PLAN,
            ),
            builtin=True,
        ),
        Template(
            "dap",
            "DAP note",
            (
                _section("Data", "What was said and observed in the session."),
                _section("Assessment", "Interpretation of the data; progress toward goals."),
                _RISK,
                _PLAN,
            ),
            builtin=True,
        ),
        Template(
            "birp",
            "BIRP note",
            (
                _section("Behavior", "The client's presentation and reported behaviour."),
                _section("Intervention", "What the clinician did."),
                _section("Response", "How the client responded to the intervention."),
                _RISK,
                _PLAN,
            ),
            builtin=True,
        ),
        Template(
            "girp",
            "GIRP note",
            (
                _section("Goals", "The treatment goals addressed in this session.", "concise"),
                _section("Intervention", "What the clinician did toward the goals."),
                _section("Response", "How the client responded."),
                _RISK,
                _PLAN,
            ),
            builtin=True,
        ),
        Template(
            "visit",
            "Visit note",
            (
                _section(
                    "Chief Complaint",
                    "The reason for the visit, in a few words.",
                    "concise",
                    max_words=25,
                ),
                _section(
                    "History of Present Illness",
                    "The patient's history of the problem as they told it: onset, course, "
                    "symptoms, treatments tried, relevant history.",
                    "detailed",
                    max_words=350,
                ),
                _section(
                    "Review of Systems",
                    "Symptoms asked about: what the patient reports and denies.",
                    "concise",
                    "list",
                    max_words=120,
                ),
                _section(
                    "Physical Examination",
                    "The examination findings the clinician stated.",
                    "standard",
                    max_words=200,
                ),
                _section(
                    "Results",
                    "Tests, imaging and laboratory results discussed.",
                    "concise",
                    max_words=120,
                ),
                _section(
                    "Assessment and Plan",
                    "Each problem with the clinician's assessment, tests ordered, treatment "
                    "and follow-up.",
                    "detailed",
                    max_words=350,
                ),
            ),
            "A general clinical visit: chief complaint, history, review of systems, "
            "examination, results, assessment and plan.",
            builtin=True,
        ),
    )
}

SUMMARY_SCHEMA: dict[str, Any] = {
    "$id": "auralis/patient-summary",
    "title": "Patient summary across sessions",
    "type": "object",
    "properties": {
        "summary": {"type": "string", "minLength": 1},
        "key_points": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 8},
    },
    "required": ["summary", "key_points"],
    "additionalProperties": False,
}
