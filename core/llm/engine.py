"""The one interface all engines implement.

Threading contract: an engine is used by one thread at a time (the job queue's consumer
thread owns it; llama.cpp's ``Llama`` is not thread-safe). The only method another
thread may call is ``cancel()``, which stops the generation in progress, if any.
"""

from collections.abc import Sequence
from typing import Protocol

from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, EngineInfo, GenerationResult, Message, TokenSink


class Engine(Protocol):
    name: str  # "local", "remote" or "rules"

    def info(self) -> EngineInfo:
        """What the engine runs: model name, architecture, size, context, server."""
        ...

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Continue raw ``prompt`` text, streaming each piece to ``on_token``."""
        ...

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Answer a conversation (prose temperature by default), streaming tokens."""
        ...

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """An object that validates against ``task.schema``: always; when the model's
        output cannot be used, the task's rule answer, marked degraded."""
        ...

    def cancel(self) -> None:
        """Stop the generation in progress (callable from any thread)."""
        ...

    def close(self) -> None:
        """Release the model; the engine is unusable afterwards."""
        ...
