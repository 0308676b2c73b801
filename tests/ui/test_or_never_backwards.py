"""Never backwards: a recorded case replayed in the window with a real model engine made
slow (the tiny random-weight GGUF under llama.cpp, its answers held at the engine
boundary until the case has moved on), and every state the display shows checked: the
phase never goes back, and no machine leaves the state its newest spoken command set
unless words spoken after that command (and heard by the model) name it."""

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conftest import REPO_ROOT
from pytestqt.qtbot import QtBot

from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.tasks import StructuredTask
from core.llm.types import CancelToken, EngineInfo, GenerationResult, Message, TokenSink
from core.orstate.driver import StateUpdate, machines_named
from tests.ui.window_fixture import WindowFactory

CASE = REPO_ROOT / "samples" / "or-lobectomy.jsonl"
LAG = 2  # an answer is held until this many newer segments are on screen (or the end)


class LateEngine:
    """A real engine whose structured answers arrive late: each is held (on the inference
    thread) until the display has shown ``LAG`` segments more than when it started, then
    the real model generates it."""

    def __init__(self, inner: LocalEngine) -> None:
        self.inner, self.name = inner, inner.name
        self.shown = threading.Condition()
        self.segment = 0  # the newest segment the display has shown
        self.released = False  # the replay is over: answer at once
        self.answers: list[tuple[int, int, bool]] = []  # (started at, answered at, degraded)

    def showed(self, segment: int) -> None:
        with self.shown:
            self.segment = max(self.segment, segment)
            self.shown.notify_all()

    def release(self) -> None:
        with self.shown:
            self.released = True
            self.shown.notify_all()

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        with self.shown:
            started = self.segment
            assert self.shown.wait_for(
                lambda: self.released or self.segment >= started + LAG, timeout=120
            )
        result = self.inner.structured(task, max_tokens=max_tokens, cancel=cancel)
        with self.shown:
            self.answers.append((started, self.segment, result.degraded))
        return result

    def info(self) -> EngineInfo:
        return self.inner.info()

    def complete(self, prompt: str, **kwargs: Any) -> GenerationResult:
        return self.inner.complete(prompt, **kwargs)

    def chat(self, messages: Sequence[Message], **kwargs: Any) -> GenerationResult:
        return self.inner.chat(messages, **kwargs)

    def cancel(self) -> None:
        self.inner.cancel()

    def close(self) -> None:
        self.inner.close()


def test_a_slow_model_never_takes_the_display_back_without_a_command(
    make_window: WindowFactory, qtbot: QtBot, tiny_model: Path
) -> None:
    window = make_window()
    engine = LateEngine(LocalEngine(LlamaConfig(tiny_model, n_ctx=4096, n_threads=2, seed=7)))
    window.worker.queue.set_engine(engine)
    room = window.operating_room
    room.set_engine_description("the tiny model, slowed", False)
    window.show_workspace("or")
    room.surgery.setCurrentIndex(room.surgery.findData("Lobectomy"))
    surgery = room.current_surgery()
    names = [phase.name for phase in surgery.phases]
    said: list[str] = [""]  # segment n's words at index n
    shown: list[tuple[StateUpdate, str, dict[str, str]]] = []

    def on_segment(_t: float, _speaker: str, text: str) -> None:
        said.append(text)

    def on_state(update: StateUpdate) -> None:  # after the display took it
        words = {mid: tile.state_word for mid, tile in room.grid.tiles.items()}
        shown.append((update, room.phase.text(), words))
        engine.showed(update.segment)

    room.controller.segment.connect(on_segment)
    room.controller.state.connect(on_state)
    lines = CASE.read_text(encoding="utf-8").splitlines()
    last_t = json.loads(lines[-1])["t"]
    room.speed.setValue(last_t / 4)  # the case in about four seconds
    room.start_replay(CASE)
    qtbot.waitUntil(lambda: not room.controller.replaying, timeout=60_000)
    engine.release()
    qtbot.waitUntil(lambda: room.controller.finished, timeout=120_000)
    room.stop_case()

    assert len(said) - 1 == len(lines)
    late = [a for a in engine.answers if a[1] > a[0] and not a[2]]
    assert late, "no usable model answer arrived after newer segments: nothing was tested"
    model_updates = [u for u, _, _ in shown if u.source == "rule+llm" or u.degraded]
    assert model_updates, "no model answer reached the display"

    furthest = -1
    last_command: dict[str, int] = {}
    before: dict[str, str] = shown[0][2]
    for update, phase_text, words in shown:
        where = names.index(phase_text)
        assert where >= furthest, f"the phase went back to {phase_text} (segment {update.segment})"
        furthest = where
        for machine, cause in update.causes.items():
            if cause.source in ("rule", "override"):
                last_command[machine] = max(last_command.get(machine, 0), cause.segment)
        for machine, word in words.items():
            if word == before.get(machine) or update.source != "rule+llm":
                continue
            heard_until = update.causes[machine].segment
            commanded = last_command.get(machine, 0)
            named_since = any(
                machine in machines_named(surgery, said[n])
                for n in range(commanded + 1, heard_until + 1)
            )
            assert named_since, (
                f"a model answer set {machine} to {word} although no words after its last"
                f" command (segment {commanded}) named it"
            )
        before = words
