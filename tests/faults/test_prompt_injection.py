"""Prompt injection in a transcript ("ignore previous instructions", fake section
headers, fake ``{{RED:`` markers, JSON in the text, chat-template tokens), drafted with
the rules engine and the real tiny llama.cpp model: the note is schema-valid, has every
section of its template, reads back into the same sections, and keeps the disclosed risk."""

import json
from pathlib import Path

import corpus
import jsonschema
import pytest
from conftest import CliRunner

from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.rules import RuleEngine
from core.notes.templates import BUILTIN_TEMPLATES


@pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
def test_the_rules_engine_keeps_every_section(name: str) -> None:
    template = BUILTIN_TEMPLATES[name]
    transcripts = [corpus.injection_transcript(), *corpus.INJECTIONS]
    problems = [
        p for t in transcripts for p in corpus.injection_problems(RuleEngine(), template, t)
    ]
    assert problems == []


def test_the_tiny_model_keeps_every_section(tiny_model: Path) -> None:
    # One thread: on a busy two-core machine llama.cpp's spinning threads crawl.
    engine = LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=1, seed=3))
    try:
        template = BUILTIN_TEMPLATES["default"]
        transcript = corpus.injection_transcript()
        problems = corpus.injection_problems(engine, template, transcript, max_answer_tokens=128)
    finally:
        engine.close()
    assert problems == []


def test_notes_generate_with_an_injected_transcript(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "injected.txt"
    path.write_text(corpus.injection_transcript(), encoding="utf-8")
    result = run_cli("notes", "generate", "--transcript", str(path), "--engine", "rules",
                     "--template", "soap", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    note = json.loads(result.stdout)
    template = BUILTIN_TEMPLATES["soap"]
    jsonschema.validate(note["sections"], template.schema())
    assert list(note["sections"]) == list(template.keys)
    assert "hacked" not in note["sections"]
