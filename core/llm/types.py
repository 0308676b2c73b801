"""Values shared by every engine: messages, results, cancellation, errors.

Exception messages here never contain prompt or output text: they may be shown to the
user and logged, and prompts carry patient text.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]
TokenSink = Callable[[str], None]
FinishReason = Literal["stop", "length", "fallback"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Timings:
    """Seconds spent: loading the model (first call only), evaluating the prompt (until
    the first token), generating, and in total."""

    load_s: float = 0.0
    prompt_s: float = 0.0
    generation_s: float = 0.0
    total_s: float = 0.0


@dataclass(frozen=True)
class GenerationResult:
    """What an engine returns: text (chat/complete) or a validated object (structured)."""

    engine: str  # "local", "remote" or "rules"
    model_name: str
    text: str = ""
    obj: dict[str, Any] | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reused_prompt_tokens: int = 0  # prompt tokens whose KV cache was reused
    timings: Timings = field(default_factory=Timings)
    finish_reason: FinishReason = "stop"
    degraded: bool = False  # the model failed and the rule engine answered, or rules only
    repairs: tuple[str, ...] = ()  # what the safety net did, e.g. "clamped", "retried"

    @property
    def tokens_per_s(self) -> float:
        """Generation speed in tokens per second (0 when nothing was generated)."""
        if self.completion_tokens == 0 or self.timings.generation_s <= 0:
            return 0.0
        return self.completion_tokens / self.timings.generation_s


@dataclass(frozen=True)
class EngineInfo:
    engine: str  # "local", "remote" or "rules"
    model_name: str
    model_path: str | None = None
    architecture: str | None = None
    parameters: int | None = None
    quantization: str | None = None
    context_length: int | None = None
    has_chat_template: bool | None = None
    base_url: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class EngineError(Exception):
    """An engine could not do what was asked; the message says what and what to do."""


class ModelFileError(EngineError):
    """A model file failed its checks before loading. ``kind`` names the failure."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class RemoteError(EngineError):
    """The remote inference server refused, timed out or answered with an error."""


class GenerationCancelled(EngineError):
    """The generation was stopped: ``reason`` is "cancelled" or "timeout"."""

    def __init__(self, reason: str, partial_text: str = "") -> None:
        super().__init__(
            "The generation timed out." if reason == "timeout" else "The generation was cancelled."
        )
        self.reason = reason
        self.partial_text = partial_text


class CancelToken:
    """A stop request shared between the thread that generates and any other thread.

    ``cancel()`` may be called from anywhere; the generating thread calls ``check()``
    between tokens (and llama.cpp's abort callback polls ``is_stopped``). A token with
    ``timeout_s`` stops by itself once that many seconds have passed since it was made.
    """

    def __init__(self, timeout_s: float | None = None) -> None:
        self._event = threading.Event()
        self._deadline = None if timeout_s is None else time.monotonic() + timeout_s

    def cancel(self) -> None:
        self._event.set()

    @property
    def reason(self) -> str | None:
        """ "cancelled", "timeout" or None while the work may go on."""
        if self._event.is_set():
            return "cancelled"
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return "timeout"
        return None

    @property
    def is_stopped(self) -> bool:
        return self.reason is not None

    def check(self, partial_text: str = "") -> None:
        """Raise ``GenerationCancelled`` if the work must stop."""
        reason = self.reason
        if reason is not None:
            raise GenerationCancelled(reason, partial_text)
