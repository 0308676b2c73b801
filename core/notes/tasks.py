"""The structured tasks of clinical notes (see ``core.llm.tasks``): a note's sections for a
template, the merge of a long transcript's partial notes, and a summary of sessions. Each
carries its prompt, its schema and its rule answer: the note the rules draft without a
model, which every engine gives when its model's output cannot be used."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.llm.types import Message
from core.notes.prompts import merge_messages, note_messages, summary_messages
from core.notes.rules_note import merge_partial_notes, rule_note_sections, rule_summary
from core.notes.templates import SUMMARY_SCHEMA, Template


@dataclass(frozen=True)
class NoteSectionsTask:
    """The sections of ``template`` from a transcript (or one part of a long one)."""

    template: Template
    transcript: str
    kind: str = "note"

    @property
    def messages(self) -> Sequence[Message]:
        return note_messages(self.template, self.transcript)

    @property
    def schema(self) -> dict[str, Any]:
        return self.template.schema()

    def rule_answer(self) -> dict[str, Any]:
        return rule_note_sections(self.transcript, self.template.sections)


@dataclass(frozen=True)
class MergedNoteTask:
    """One note of ``template`` from the partial notes of a long transcript's parts."""

    template: Template
    partial_notes: Sequence[Mapping[str, Any]]
    kind: str = "note_merge"

    @property
    def messages(self) -> Sequence[Message]:
        return merge_messages(self.template, [dict(note) for note in self.partial_notes])

    @property
    def schema(self) -> dict[str, Any]:
        return self.template.schema()

    def rule_answer(self) -> dict[str, Any]:
        return merge_partial_notes(self.partial_notes, self.template.keys)


@dataclass(frozen=True)
class SessionsSummaryTask:
    """A summary and key points of sessions' transcripts (each under its own header), or
    of the summaries of a long history's parts."""

    text: str
    kind: str = "summary"

    @property
    def messages(self) -> Sequence[Message]:
        return summary_messages(self.text)

    @property
    def schema(self) -> dict[str, Any]:
        return SUMMARY_SCHEMA

    def rule_answer(self) -> dict[str, Any]:
        return rule_summary(self.text)
