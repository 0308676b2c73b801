"""Turning messages into a model's prompt with the chat template stored in its GGUF.

Gemma's templates have no system role: the system text is merged into the first user
turn. A GGUF without a template gets a known format chosen by architecture. End-of-turn
markers of every common family are stop strings and are stripped from output, so
``<|end|>`` (Phi-3), ``<end_of_turn>`` (Gemma) or ``<|eot_id|>`` (Llama 3) never leak.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from core.llm.types import Message

END_MARKERS = (
    "<|end|>",
    "<end_of_turn>",
    "<|eot_id|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "</s>",
)

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
GEMMA = (
    "{{ bos_token }}{% for m in messages %}<start_of_turn>"
    "{{ 'model' if m['role'] == 'assistant' else 'user' }}\n{{ m['content'] }}<end_of_turn>\n"
    "{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
PHI3 = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
LLAMA3 = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}"
    "<|end_header_id|>\n\n{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
FALLBACK_BY_ARCHITECTURE = {"gemma": GEMMA, "gemma2": GEMMA, "gemma3": GEMMA, "phi3": PHI3}


def is_gemma(architecture: str | None, template: str | None) -> bool:
    return (architecture or "").startswith("gemma") or "<start_of_turn>" in (template or "")


def merge_system_into_first_user(messages: Sequence[Message]) -> list[Message]:
    """For templates without a system role: the system text opens the first user turn."""
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    rest = [m for m in messages if m.role != "system"]
    if not system:
        return rest
    for index, message in enumerate(rest):
        if message.role == "user":
            rest[index] = Message("user", f"{system}\n\n{message.content}")
            return rest
    return [Message("user", system), *rest]


def fallback_template(architecture: str | None, has_llama3_tokens: bool) -> str:
    """A known format for a GGUF without ``tokenizer.chat_template``."""
    if architecture in FALLBACK_BY_ARCHITECTURE:
        return FALLBACK_BY_ARCHITECTURE[architecture]
    return LLAMA3 if has_llama3_tokens else CHATML


@dataclass
class ChatPrompt:
    """Renders messages with one template; built once per loaded model."""

    template: str
    bos_token: str
    eos_token: str
    merge_system: bool

    def __post_init__(self) -> None:
        self._formatter = Jinja2ChatFormatter(self.template, self.eos_token, self.bos_token)

    def render(self, messages: Sequence[Message]) -> str:
        if self.merge_system:
            messages = merge_system_into_first_user(messages)
        return self._formatter(messages=[m.as_dict() for m in messages]).prompt  # type: ignore[misc]

    def stop_strings(self) -> list[str]:
        return list(dict.fromkeys([*END_MARKERS, self.eos_token]))


def strip_end_markers(text: str) -> str:
    """Cut the text at the first end-of-turn marker (none may reach the user)."""
    cut = min((index for m in END_MARKERS if (index := text.find(m)) >= 0), default=-1)
    return text if cut < 0 else text[:cut]
