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


class EndMarkerFilter:
    """Streams generated text while catching end-of-turn markers written as plain text.

    ``feed`` returns what may be shown now; text that could be the start of a marker
    (from a trailing ``<``) is held until the next piece settles it. Once a whole marker
    appears, everything from it on is dropped and ``stopped`` turns true. Cheaper than
    llama-cpp-python's stop strings, which re-scan every string on every token. (Markers
    that are special tokens end generation by themselves as end-of-generation tokens.)
    """

    def __init__(self, markers: Sequence[str] = END_MARKERS) -> None:
        if any(not m.startswith("<") or "<" in m[1:] for m in markers):
            raise ValueError("markers must start with their only '<'")
        self._markers = tuple(markers)
        self._pending = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        if self.stopped:
            return ""
        self._pending += piece
        cut = min((i for m in self._markers if (i := self._pending.find(m)) >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            shown, self._pending = self._pending[:cut], ""
            return shown
        hold = self._pending.rfind("<")
        if hold < 0 or not any(m.startswith(self._pending[hold:]) for m in self._markers):
            hold = len(self._pending)
        shown, self._pending = self._pending[:hold], self._pending[hold:]
        return shown

    def flush(self) -> str:
        """What is still held when generation ends (a marker's start, never a marker)."""
        held, self._pending = self._pending, ""
        return "" if self.stopped else held


def strip_end_markers(text: str) -> str:
    """Cut the text at the first end-of-turn marker (none may reach the user)."""
    cut = min((index for m in END_MARKERS if (index := text.find(m)) >= 0), default=-1)
    return text if cut < 0 else text[:cut]
