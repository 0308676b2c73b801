"""The local engine on real llama.cpp with the tiny random-weight model."""

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO_ROOT, SUPPORT_DIR
from gguf_builder import write_llama_gguf

from core.llm.chat_format import END_MARKERS, GEMMA
from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.tasks import SchemaTask
from core.llm.types import CancelToken, EngineError, GenerationCancelled, Message

MESSAGES = [
    Message("system", "You are the operating-room assistant. Answer in JSON."),
    Message("user", "Surgeon: fire up the suction and turn the lights on."),
]
OR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "phase": {"type": "string", "enum": ["Phase1", "Phase2", "Phase3"]},
        "M01": {"type": "string", "enum": ["ON", "OFF", "STANDBY", "UNCHANGED"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "reasoning": {"type": "string", "maxLength": 60},
    },
    "required": ["phase", "M01", "confidence", "reasoning"],
    "additionalProperties": False,
}
LIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key_points": {
            "type": "array",
            "items": {"type": "string", "maxLength": 20},
            "maxItems": 3,
        },
        "count": {"type": "integer", "minimum": 0, "maximum": 10},
    },
    "required": ["key_points", "count"],
}
NOTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        name: {"type": "string", "maxLength": 40} for name in ("complaint", "risk", "plan")
    },
    "required": ["complaint", "risk", "plan"],
    "additionalProperties": False,
}


def _engine(model: Path, **overrides: Any) -> LocalEngine:
    settings: dict[str, Any] = {"n_ctx": 2048, "n_threads": 2, "max_tokens": 512, "seed": 1}
    settings.update(overrides)
    return LocalEngine(LlamaConfig(model, **settings))


@pytest.fixture
def engine(tiny_model: Path) -> Iterator[LocalEngine]:
    loaded = _engine(tiny_model)
    yield loaded
    loaded.close()


def test_info_reads_the_gguf(engine: LocalEngine) -> None:
    info = engine.info()
    assert info.engine == "local"
    assert info.model_name == "auralis-tiny-test"
    assert info.architecture == "llama"
    assert info.quantization == "F32"
    assert info.context_length == 4096
    assert info.has_chat_template is True
    assert info.parameters and info.parameters > 100_000
    assert info.details["n_ctx"] == 2048


def test_chat_streams_tokens(engine: LocalEngine) -> None:
    pieces: list[str] = []
    result = engine.chat(MESSAGES, max_tokens=24, on_token=pieces.append)
    assert pieces
    assert "".join(pieces).startswith(result.text)
    assert 0 < result.completion_tokens <= 24
    assert result.prompt_tokens > 20
    assert result.timings.load_s > 0  # the first result carries the load time
    assert result.timings.total_s >= result.timings.prompt_s + result.timings.generation_s
    assert result.tokens_per_s > 0
    assert not any(marker in result.text for marker in END_MARKERS)
    assert engine.chat(MESSAGES, max_tokens=4).timings.load_s == 0


def test_complete_raw_text(engine: LocalEngine) -> None:
    result = engine.complete("The patient said", max_tokens=8, temperature=0.0)
    assert result.completion_tokens > 0
    assert engine.complete("The patient said", max_tokens=8, temperature=0.0).text == result.text


@pytest.mark.parametrize(
    "schema", [OR_SCHEMA, LIST_SCHEMA, NOTE_SCHEMA], ids=["or", "list", "note"]
)
def test_structured_is_valid_for_every_seed(tiny_model: Path, schema: dict[str, Any]) -> None:
    from_model = 0
    for seed in range(8):
        engine = _engine(tiny_model, seed=seed)
        try:
            result = engine.structured(SchemaTask(MESSAGES, schema))
        finally:
            engine.close()
        jsonschema.validate(result.obj, schema)
        from_model += not result.degraded
    assert from_model >= 6  # the grammar does its job; the safety net is for the rest


def test_out_of_range_numbers_are_clamped(tiny_model: Path) -> None:
    clamped = []
    for seed in range(8):
        engine = _engine(tiny_model, seed=seed)
        try:
            result = engine.structured(SchemaTask(MESSAGES, OR_SCHEMA))
        finally:
            engine.close()
        assert result.obj is not None and 0 <= result.obj["confidence"] <= 1
        clamped += [r for r in result.repairs if r == "confidence: clamped"]
    # llama.cpp's grammar ignores minimum/maximum; random weights overshoot, we clamp
    assert clamped


def test_a_schema_the_grammar_cannot_express_falls_back_cleanly(engine: LocalEngine) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"not": {"type": "string"}},
            "b": {"type": "integer", "minimum": 0, "maximum": 5},
        },
        "required": ["a", "b"],
    }
    result = engine.structured(SchemaTask(MESSAGES, schema), max_tokens=64)
    jsonschema.validate(result.obj, schema)
    assert "schema_not_expressible" in result.repairs


def test_a_budget_too_small_for_any_object_falls_back_to_rules(engine: LocalEngine) -> None:
    result = engine.structured(SchemaTask(MESSAGES, OR_SCHEMA), max_tokens=3)
    jsonschema.validate(result.obj, OR_SCHEMA)
    assert result.degraded and result.engine == "rules" and result.finish_reason == "fallback"
    assert "model_output_invalid" in result.repairs


def test_prefix_reuse(engine: LocalEngine) -> None:
    fixed = "Role: operating-room assistant. Surgery: PCNL. " * 20
    first = engine.chat([Message("system", fixed), Message("user", "suction on")], max_tokens=4)
    second = engine.chat([Message("system", fixed), Message("user", "lights off")], max_tokens=4)
    assert first.reused_prompt_tokens == 0
    assert second.reused_prompt_tokens > 0.8 * second.prompt_tokens


class StopAfterPolls(CancelToken):
    """A real CancelToken that stops once it has been asked ``polls`` times: while the
    prompt is evaluated only llama.cpp's abort callback asks, so this stops inside it."""

    def __init__(self, polls: int) -> None:
        super().__init__()
        self.polls = polls

    @property
    def reason(self) -> str | None:
        self.polls -= 1
        return "cancelled" if self.polls < 0 else None


def test_cancel_during_prompt_evaluation(tiny_model: Path) -> None:
    engine = _engine(tiny_model, n_batch=16)
    try:
        long_prompt = [Message("user", "word " * 300)]  # about 1,200 tokens
        tokens: list[str] = []
        with pytest.raises(GenerationCancelled) as caught:
            engine.chat(
                long_prompt, max_tokens=8, on_token=tokens.append, cancel=StopAfterPolls(50)
            )
        assert caught.value.reason == "cancelled"
        assert tokens == []  # stopped before the first token
        after = engine.chat(MESSAGES, max_tokens=6, temperature=0.0)
    finally:
        engine.close()
    fresh = _engine(tiny_model)
    try:
        assert fresh.chat(MESSAGES, max_tokens=6, temperature=0.0).text == after.text
    finally:
        fresh.close()


def test_cancel_during_generation(engine: LocalEngine) -> None:
    token = CancelToken()
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 5:
            token.cancel()

    with pytest.raises(GenerationCancelled) as caught:
        engine.chat(MESSAGES, max_tokens=1000, on_token=on_token, cancel=token)
    assert caught.value.reason == "cancelled"
    assert caught.value.partial_text == "".join(seen)
    assert engine.chat(MESSAGES, max_tokens=4).completion_tokens > 0


def test_cancel_from_the_engine(engine: LocalEngine) -> None:
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 3:
            engine.cancel()  # what another thread calls

    with pytest.raises(GenerationCancelled):
        engine.chat(MESSAGES, max_tokens=1000, on_token=on_token)


def test_timeout(engine: LocalEngine) -> None:
    with pytest.raises(GenerationCancelled) as caught:
        engine.chat(MESSAGES, max_tokens=1900, cancel=CancelToken(timeout_s=0.02))
    assert caught.value.reason == "timeout"
    assert "timed out" in str(caught.value)
    assert engine.chat(MESSAGES, max_tokens=4).completion_tokens > 0


def test_input_longer_than_the_context(tiny_model: Path) -> None:
    engine = _engine(tiny_model, n_ctx=512)
    try:
        with pytest.raises(EngineError, match="too long for the model"):
            engine.chat([Message("user", "word " * 2000)])
    finally:
        engine.close()


def test_closed_engine(tiny_model: Path) -> None:
    engine = _engine(tiny_model)
    engine.close()
    engine.close()
    with pytest.raises(EngineError, match="unloaded"):
        engine.chat(MESSAGES)


def test_gemma_template_gets_the_system_text_in_the_first_user_turn(tmp_path: Path) -> None:
    model = write_llama_gguf(tmp_path / "gemma-style.gguf", chat_template=GEMMA)
    engine = _engine(model)
    try:
        prompt = engine._chat.render(MESSAGES)
        assert "system" not in prompt
        assert "<start_of_turn>user\nYou are the operating-room assistant." in prompt
        assert engine.chat(MESSAGES, max_tokens=4).prompt_tokens > 0
    finally:
        engine.close()


def test_a_gguf_without_template_gets_a_known_format(tmp_path: Path) -> None:
    model = write_llama_gguf(tmp_path / "no-template.gguf", chat_template=None)
    engine = _engine(model)
    try:
        assert engine.info().has_chat_template is False
        assert engine._chat.render(MESSAGES).startswith("<|im_start|>system\n")
        assert engine.chat(MESSAGES, max_tokens=4).completion_tokens > 0
    finally:
        engine.close()


def test_interpreter_exit_is_clean(tiny_model: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from core.llm.config import LlamaConfig
        from core.llm.local import LocalEngine
        from core.llm.types import Message
        engine = LocalEngine(LlamaConfig(Path({str(tiny_model)!r}), n_ctx=512, n_threads=1))
        engine.chat([Message("user", "hello")], max_tokens=4)
        engine.close()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"PYTHONPATH": f"{SUPPORT_DIR}:{REPO_ROOT}", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stderr == ""


def test_a_grammar_llama_cpp_refuses_does_not_crash_the_process(engine: LocalEngine) -> None:
    # llama.cpp refuses grammars with too many repetitions (a long maxLength) and returns
    # NULL; handed to llama-cpp-python's sampler chain that would kill the process.
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLength": 5000}},
        "required": ["a"],
    }
    result = engine.structured(SchemaTask(MESSAGES, schema), max_tokens=64)
    jsonschema.validate(result.obj, schema)
    assert "schema_not_expressible" in result.repairs
