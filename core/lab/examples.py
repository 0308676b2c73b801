"""Training examples built by the code that builds inference prompts.

The prompt is exactly what drafting sends for the transcript: the chat messages of
``note_chat_messages`` rendered with the model's own chat template, or, for a base model
without one, ``note_completion_prompt`` ending with the first heading. Both are
tokenized by the model's llama.cpp vocabulary (``PromptTokens``), so training sees the
token ids inference will. The target is the reference note under the template's
headings, in the form ``parse_note_text`` reads back, then the end-of-turn token. Loss
is taken on the target only.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import llama_cpp

from core.lab.sections import complete_sections
from core.llm import llama_log
from core.llm.prompt_tokens import PromptTokens
from core.llm.types import Message
from core.notes.note_text import note_chat_messages, note_completion_prompt
from core.notes.templates import Template


@dataclass(frozen=True)
class Example:
    prompt: list[int]
    target: list[int]  # ends with the end-of-turn token

    @property
    def length(self) -> int:
        return len(self.prompt) + len(self.target)


def note_target_text(template: Template, sections: Mapping[str, str]) -> str:
    """Every section under its heading ("Title:" on a line of its own), in order."""
    complete = complete_sections(template, dict(sections))
    return "\n\n".join(f"{spec.title}:\n{complete[spec.key]}" for spec in template.sections)


def example_texts(
    template: Template, transcript: str, sections: Mapping[str, str], tokens: PromptTokens
) -> tuple[str, str]:
    """The prompt drafting would send for ``transcript``, and the text to learn."""
    target = note_target_text(template, sections)
    if tokens.has_chat_template:
        return tokens.render(note_chat_messages(template, transcript)), target
    prompt = note_completion_prompt(template, transcript)
    first = f"{template.sections[0].title}:\n"
    return prompt, target.removeprefix(first)


class ExampleBuilder:
    """Tokenized examples for one model's vocabulary."""

    def __init__(self, vocab: llama_cpp.Llama, tokens: PromptTokens) -> None:
        self._vocab = vocab
        self.tokens = tokens
        self.end_token = self._end_of_turn() if tokens.has_chat_template else vocab.token_eos()

    def _end_of_turn(self) -> int:
        """The token the chat template closes an assistant turn with (``<|im_end|>``,
        ``<end_of_turn>``, ``<|end|>``), where it is an end-of-generation token."""
        mark = "\u2063sentinel\u2063"
        text = self.tokens.render([Message("user", "x"), Message("assistant", mark)])
        after = text.split(mark, 1)[-1] if mark in text else ""
        ids = self._vocab.tokenize(after.encode("utf-8"), add_bos=False, special=True)
        vocab = self._vocab._model.vocab
        if ids and llama_cpp.llama_vocab_is_eog(vocab, ids[0]):
            return int(ids[0])
        return int(self._vocab.token_eos())

    def build(self, template: Template, transcript: str, sections: Mapping[str, str]) -> Example:
        prompt, target = example_texts(template, transcript, sections, self.tokens)
        target_ids: list[int] = self._vocab.tokenize(
            target.encode("utf-8"), add_bos=False, special=False
        )
        return Example(self.tokens.prompt(prompt), [*target_ids, self.end_token])


def open_vocabulary(model_path: str, architecture: str | None) -> ExampleBuilder:
    """A GGUF's vocabulary and chat format only (no weights loaded: fast, small)."""
    llama_log.install()
    vocab = llama_cpp.Llama(model_path, vocab_only=True, verbose=False)
    return ExampleBuilder(vocab, PromptTokens(vocab, architecture))
