"""A model's note: written as headed text (a long transcript part by part), then checked
section by section against the transcript, the instructions and the rule draft.

``write_note`` runs on the engine's thread and raises what the engine raises
(``GenerationCancelled``, ``EngineError``); ``check_answer`` is pure.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.llm.engine import Engine
from core.llm.types import CancelToken, GenerationCancelled, TokenSink
from core.logs import log_event
from core.notes.answer_checks import SectionProblem, check_sections, says_nothing
from core.notes.loop_guard import LoopGuard
from core.notes.note_text import note_chat_messages, note_completion_prompt, parse_note_text
from core.notes.risk_flags import RiskFlag
from core.notes.templates import NOT_DISCUSSED, Template

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelAnswer:
    """The sections a model wrote (by key, "" for one never written) and the
    instructions it was given, without the transcript (for the echo check)."""

    sections: dict[str, str]
    instructions: str
    wrote_text: bool = True  # False: the model wrote nothing at all


@dataclass(frozen=True)
class CheckedNote:
    """The sections to keep (the model's where usable, else the rules'), the problems
    found, and why the whole answer was set aside (None when some of it is kept)."""

    sections: dict[str, str]
    problems: list[SectionProblem]
    fallback: str | None


def model_free_keys(template: Template) -> tuple[str, ...]:
    """The sections a model writes in place of the rules (the Risk section is the safety
    net's whatever the model writes)."""
    return tuple(spec.key for spec in template.sections if not spec.is_risk)


def _part_answer(
    engine: Engine,
    template: Template,
    part: str,
    *,
    max_tokens: int,
    on_token: TokenSink | None,
    cancel: CancelToken | None,
) -> ModelAnswer:
    """One part's note. An instruct model is asked in chat messages; a base model (no
    chat template) continues a plain prompt that ends with the first heading. A model
    caught writing in circles is stopped, and what it wrote is judged as it stands."""
    base = engine.info().has_chat_template is False
    messages = note_chat_messages(template, part)
    prompt = note_completion_prompt(template, part)
    guard = LoopGuard(cancel)
    sink = guard.watch(on_token)
    try:
        if base:
            text = engine.complete(
                prompt, max_tokens=max_tokens, temperature=0.0, on_token=sink, cancel=guard
            ).text
        else:
            text = engine.chat(
                messages, max_tokens=max_tokens, temperature=0.0, on_token=sink, cancel=guard
            ).text
    except GenerationCancelled as stopped:
        if not guard.looping or stopped.reason != "loop":
            raise
        text = stopped.partial_text
    instructions = prompt if base else "\n".join(m.content for m in messages)
    starts_in = template.sections[0].key if base else None
    return ModelAnswer(
        parse_note_text(template, text, starts_in=starts_in),
        instructions.replace(part, " "),  # the transcript is not an instruction
        bool(text.strip()),
    )


def write_note(
    engine: Engine,
    template: Template,
    parts: Sequence[str],
    *,
    max_tokens: int,
    on_token: TokenSink | None = None,
    cancel: CancelToken | None = None,
) -> ModelAnswer:
    """The model's note over every part: each section's texts joined in order."""
    joined: dict[str, list[str]] = {spec.key: [] for spec in template.sections}
    instructions, wrote = "", False
    for part in parts:
        answer = _part_answer(
            engine, template, part, max_tokens=max_tokens, on_token=on_token, cancel=cancel
        )
        instructions, wrote = answer.instructions, wrote or answer.wrote_text
        for key, text in answer.sections.items():
            if not says_nothing(text):
                joined[key].append(text)
    return ModelAnswer({k: "\n".join(v) for k, v in joined.items()}, instructions, wrote)


def check_answer(
    template: Template,
    answer: ModelAnswer,
    rules: Mapping[str, str],
    *,
    transcript: str,
    flags: Sequence[RiskFlag],
) -> CheckedNote:
    """Keep each of the model's sections that passes the checks, else the rule section.
    A "Not discussed" where the rules have nothing either is no problem."""
    problems = check_sections(
        template,
        answer.sections,
        transcript=transcript,
        instructions=answer.instructions,
        flags=flags,
        rule_sections=rules,
    )
    problems = [p for p in problems if not (p.code == "empty" and rules[p.key] == NOT_DISCUSSED)]
    unusable = {p.key for p in problems}
    chosen = {k: (rules[k] if k in unusable else answer.sections[k]) for k in template.keys}
    fallback = None
    if all(k in unusable for k in model_free_keys(template)):
        empty = (
            "it did not write the note under its headings"
            if answer.wrote_text
            else ("it wrote nothing")
        )
        reasons = sorted({p.reason for p in problems if p.code != "empty"}) or [empty]
        fallback = f"the language model's text could not be used ({'; '.join(reasons)})"
    log_event(
        logger,
        "notes.sections_checked",
        sections=len(template.sections),
        replaced=len(unusable),
        codes=",".join(sorted({p.code for p in problems})),
    )
    return CheckedNote(chosen, problems, fallback)
