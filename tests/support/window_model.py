"""A deliberately slow stand-in for the operating-room model, for tests of answers that
arrive late. A real model's answers cannot be steered; this one gives each answer only
when the test lets it (``allow``), with what its transcript window implies by the rules,
and STANDBY for every machine the window does not mention, as a poor model does. It is an
engine (``core.llm.engine.Engine``) for the real job queue and the window's worker."""

import threading
from collections.abc import Sequence
from typing import Any

from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, EngineInfo, GenerationResult, Message, TokenSink
from core.orstate.model_state import StateUpdateTask
from core.orstate.phases import PhaseTracker
from core.orstate.rules import UtteranceRules


class WindowModel:
    """A slow model that knows only its window (see the module docstring)."""

    name = "local"

    def __init__(self) -> None:
        self.gate = threading.Semaphore(0)
        self.calls = threading.Condition()
        self.started = 0
        self.answered: list[dict[str, Any]] = []

    def allow(self, answers: int = 1) -> None:
        """Let the next ``answers`` answers through."""
        self.gate.release(answers)

    def wait_started(self, calls: int) -> None:
        with self.calls:
            assert self.calls.wait_for(lambda: self.started >= calls, timeout=30)

    def info(self) -> EngineInfo:
        return EngineInfo(engine=self.name, model_name="window model")

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        assert isinstance(task, StateUpdateTask)
        with self.calls:
            self.started += 1
            self.calls.notify_all()
        assert self.gate.acquire(timeout=30), "the test never let the model answer"
        rules, phases = UtteranceRules(task.surgery), PhaseTracker(task.surgery)
        states = dict.fromkeys(task.surgery.machines, "STANDBY")
        for line in task.context.splitlines()[1:-1]:
            text = line.split(": ", 1)[1]
            toggles = rules.parse(text).toggles
            for toggle in toggles:
                states[toggle.machine_id] = toggle.action
            phases.observe(text, toggles)
        answer = {
            "phase": phases.current,
            "next_phase": phases.next_phase or phases.current,
            "machines": states,
            "reasoning": "what the window says",
            "suggestions": [],
        }
        self.answered.append(answer)
        return GenerationResult(engine=self.name, model_name="window model", obj=answer)

    def complete(self, prompt: str, **_: Any) -> GenerationResult:
        raise NotImplementedError

    def chat(self, messages: Sequence[Message], **_: Any) -> GenerationResult:
        raise NotImplementedError

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        self.allow(100)
