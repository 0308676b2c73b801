"""Training examples are the very tokens drafting evaluates: the prompt that
``write_note`` sends through the local engine (checked in llama.cpp's own input buffer
after a real call), for a chat model, a Gemma model and a base model without a chat
template; and the note to learn reads back into the template's sections."""

from pathlib import Path

import llama_cpp
import pytest
from gguf_builder import write_gemma3_gguf, write_llama_gguf

from core.lab.examples import note_target_text, open_vocabulary
from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.notes.model_note import write_note
from core.notes.note_text import parse_note_text
from core.notes.templates import BUILTIN_TEMPLATES, NOT_DISCUSSED

VISIT = BUILTIN_TEMPLATES["visit"]
TRANSCRIPT = (
    "[doctor] What brings you in?\n[patient] My knee hurts\tsince Tuesday, caf\u00e9 \u263a"
)
SECTIONS = {"chief_complaint": "Knee pain.", "assessment_and_plan": "Rest and ice."}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("example-models")
    return {
        "chat": (write_llama_gguf(folder / "chat.gguf"), "llama"),
        "base": (write_llama_gguf(folder / "base.gguf", chat_template=None), "llama"),
        "gemma": (write_gemma3_gguf(folder / "gemma.gguf"), "gemma3"),
    }


@pytest.mark.parametrize("kind", ["chat", "base", "gemma"])
def test_the_training_prompt_is_the_prompt_drafting_evaluates(
    models: dict[str, tuple[Path, str]], kind: str
) -> None:
    path, architecture = models[kind]
    example = open_vocabulary(str(path), architecture).build(VISIT, TRANSCRIPT, SECTIONS)
    engine = LocalEngine(LlamaConfig(path, n_ctx=2048, n_threads=1))
    try:
        write_note(engine, VISIT, [TRANSCRIPT], max_tokens=1)
        evaluated = engine._llm._input_ids.tolist()
    finally:
        engine.close()
    # one token was generated: llama.cpp evaluated the prompt, token for token this one
    assert evaluated == example.prompt


@pytest.mark.parametrize("kind", ["chat", "base", "gemma"])
def test_the_note_to_learn_reads_back_into_the_sections(
    models: dict[str, tuple[Path, str]], kind: str
) -> None:
    path, architecture = models[kind]
    builder = open_vocabulary(str(path), architecture)
    example = builder.build(VISIT, TRANSCRIPT, SECTIONS)
    vocab = llama_cpp.Llama(str(path), vocab_only=True, verbose=False)
    assert llama_cpp.llama_vocab_is_eog(vocab._model.vocab, example.target[-1])
    text = vocab.detokenize(example.target[:-1]).decode("utf-8")
    starts_in = VISIT.sections[0].key if kind == "base" else None
    sections = parse_note_text(VISIT, text, starts_in=starts_in)
    assert sections["chief_complaint"] == "Knee pain."
    assert sections["assessment_and_plan"] == "Rest and ice."
    assert sections["results"] == NOT_DISCUSSED


def test_a_chat_model_learns_to_close_its_turn_with_the_template_end_marker(
    models: dict[str, tuple[Path, str]],
) -> None:
    path, architecture = models["gemma"]
    builder = open_vocabulary(str(path), architecture)
    end = builder.build(VISIT, TRANSCRIPT, SECTIONS).target[-1]
    vocab = llama_cpp.Llama(str(path), vocab_only=True, verbose=False)
    assert vocab.detokenize([end], special=True) == b"<end_of_turn>"


def test_the_target_lists_every_section_under_its_heading() -> None:
    text = note_target_text(VISIT, SECTIONS)
    assert text.startswith("Chief Complaint:\nKnee pain.\n\nHistory of Present Illness:\n")
    assert text.endswith(f"Risk:\n{NOT_DISCUSSED}")
