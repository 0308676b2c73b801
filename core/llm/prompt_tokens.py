"""A model's prompt as tokens, exactly as inference builds it: the chat template from the
GGUF (or a known format by architecture), and the prompt tokenized by llama.cpp with
special tokens parsed and one BOS.

The local engine and the model lab share this, so a fine-tuned model is trained on the
very token ids it later sees when drafting.
"""

from collections.abc import Sequence

import llama_cpp

from core.llm.chat_format import ChatPrompt, fallback_template, is_gemma
from core.llm.types import Message


class PromptTokens:
    """The chat format and tokenizer of one loaded model (or of its vocabulary only)."""

    def __init__(self, llm: llama_cpp.Llama, architecture: str | None) -> None:
        self._llm = llm
        template = llm.metadata.get("tokenizer.chat_template")
        self.has_chat_template = bool(template)
        if not template:
            probe = llm.tokenize(b"<|eot_id|>", add_bos=False, special=True)
            template = fallback_template(architecture, len(probe) == 1)
        self.chat = ChatPrompt(
            template=template,
            bos_token=self.token_text(llm.token_bos()),
            eos_token=self.token_text(llm.token_eos()),
            merge_system=is_gemma(architecture, template),
        )

    def token_text(self, token: int) -> str:
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    def render(self, messages: Sequence[Message]) -> str:
        return self.chat.render(messages)

    def prompt(self, prompt: str) -> list[int]:
        """The tokens of a whole prompt: special tokens parsed, and a BOS unless the
        prompt (its chat template) already starts with one."""
        bos = self.chat.bos_token
        add_bos = not (bos and prompt.startswith(bos))
        tokens: list[int] = self._llm.tokenize(
            prompt.encode("utf-8"), add_bos=add_bos, special=True
        )
        return tokens
