"""The in-process engine: a GGUF model run by llama.cpp (llama-cpp-python).

Threading contract: one thread (the job queue's consumer) calls everything except
``cancel()``, which any thread may call. The ``Llama`` object stays loaded between
calls, so llama.cpp reuses the KV cache of the longest prompt prefix shared with the
previous call: callers put the fixed part of their prompts first.

Cancellation: a ``CancelToken`` is checked between tokens, and llama.cpp's abort
callback polls it while the prompt is evaluated (only then: it runs for every graph
node, and between tokens a Python check is cheaper). A cancelled or timed-out call
raises ``GenerationCancelled``; the engine is usable again at once.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import llama_cpp
from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

from core.llm import llama_log
from core.llm.adapter_file import AdapterReport, check_adapter_file
from core.llm.chat_format import EndMarkerFilter, strip_end_markers
from core.llm.config import LlamaConfig
from core.llm.engine import Engine
from core.llm.memory_check import memory_problem, memory_rooms
from core.llm.model_file import ChecksumCache, ModelReport, check_model_file
from core.llm.prompt_tokens import PromptTokens
from core.llm.rules import RuleEngine
from core.llm.structured_policy import degraded_answer, two_attempts
from core.llm.tasks import StructuredTask
from core.llm.types import (
    CancelToken,
    EngineError,
    EngineInfo,
    GenerationCancelled,
    GenerationResult,
    Message,
    ModelFileError,
    Timings,
    TokenSink,
)
from core.logs import log_event

logger = logging.getLogger(__name__)

LoadProgress = Callable[[str, float | None], None]


@dataclass
class _Generated:
    text: str
    prompt_tokens: int
    completion_tokens: int
    reused: int
    finish_reason: str
    prompt_s: float
    generation_s: float


MIN_CONTEXT = 512


class LocalEngine:
    name = "local"

    def __init__(
        self,
        config: LlamaConfig,
        *,
        fallback: Engine | None = None,
        checksums: ChecksumCache | None = None,
        progress: LoadProgress | None = None,
    ) -> None:
        """Check the model file, then load it. Raises ``ModelFileError`` with a message
        for the user when either fails; the process is never at risk."""
        self.config = config
        self.report: ModelReport = check_model_file(
            config.model_path,
            n_ctx=config.n_ctx,
            checksums=checksums,
            progress=(lambda fraction: progress("verifying", fraction)) if progress else None,
        )
        header = self.report.header
        self.adapter = (
            check_adapter_file(config.adapter_path, header, expected_sha256=config.adapter_sha256)
            if config.adapter_path
            else None
        )
        trained = header.arch_value("context_length")
        if isinstance(trained, int) and 0 < trained < config.n_ctx:
            # A context beyond what the model was trained on only degrades its text.
            config = replace(config, n_ctx=max(trained, MIN_CONTEXT))
            self.config = config
        # llama.cpp aborts the process when memory runs out at the wrong moment: refuse
        # first when the model, its context and the threads do not fit.
        too_big = memory_problem(header, config, self.report.size, memory_rooms())
        if too_big is not None:
            log_event(logger, "llm.load_refused_memory", level=logging.WARNING, n_ctx=config.n_ctx)
            raise ModelFileError("out_of_memory", too_big)
        if progress is not None:
            progress("loading", None)
        llama_log.install()
        llama_log.clear()
        started = time.perf_counter()
        try:
            self._llm = llama_cpp.Llama(
                str(config.model_path),
                n_ctx=config.n_ctx,
                n_threads=config.n_threads,
                n_threads_batch=config.n_threads,
                n_gpu_layers=config.n_gpu_layers,
                n_batch=config.n_batch,
                n_ubatch=min(config.n_batch, 512),
                use_mmap=config.use_mmap,
                use_mlock=config.use_mlock,
                flash_attn=config.flash_attn
                if config.flash_attn is not None
                else config.n_gpu_layers != 0,
                # Gemma 3's sliding-window cache must be full-size for prefix reuse.
                swa_full=True if (header.architecture or "").startswith("gemma3") else None,
                lora_path=str(config.adapter_path) if config.adapter_path else None,
                verbose=False,
            )
        except MemoryError:
            raise ModelFileError(
                "out_of_memory",
                f"Not enough memory to load {config.model_path.name} with a context of "
                f"{config.n_ctx} tokens. Lower the context size (inference.n_ctx), choose a "
                "smaller model, or free memory; nothing was loaded.",
            ) from None
        except (ValueError, RuntimeError, OSError) as exc:
            reason = llama_log.last_error() or type(exc).__name__
            if "alloc" in reason or "Cannot allocate memory" in reason:
                raise ModelFileError(
                    "out_of_memory",
                    f"Not enough memory to load {config.model_path.name} with a context of "
                    f"{config.n_ctx} tokens ({reason}). Lower the context size "
                    "(inference.n_ctx), choose a smaller model, or free memory; nothing was "
                    "loaded.",
                ) from None
            raise ModelFileError(
                "load_failed",
                f"llama.cpp could not load {config.model_path.name} ({reason}). The file is "
                "incomplete, damaged or not a model this version supports.",
            ) from None
        self.load_s = time.perf_counter() - started
        self._pending_load_s = self.load_s
        self._fallback: Engine = fallback or RuleEngine()
        self._current: CancelToken | None = None
        self._abort_callback = llama_cpp.ggml_abort_callback(self._should_abort)
        self._grammars: dict[str, tuple[LlamaGrammar, bool]] = {}
        self._chat = PromptTokens(self._llm, header.architecture)
        self._closed = False
        log_event(
            logger,
            "llm.loaded",
            engine=self.name,
            architecture=header.architecture,
            parameters=header.parameter_count,
            n_ctx=config.n_ctx,
            n_threads=config.n_threads,
            load_ms=round(self.load_s * 1000, 1),
        )

    # --- model facts ---------------------------------------------------------------------

    def info(self) -> EngineInfo:
        header = self.report.header
        name = header.metadata.get("general.name")
        context = header.arch_value("context_length")
        return EngineInfo(
            engine=self.name,
            model_name=name if isinstance(name, str) and name else self.config.model_path.stem,
            model_path=str(self.config.model_path),
            architecture=header.architecture,
            parameters=header.parameter_count,
            quantization=header.quantization,
            context_length=context if isinstance(context, int) else None,
            has_chat_template="tokenizer.chat_template" in header.metadata,
            details={
                "file_size": self.report.size,
                "checksum": self.report.checksum,
                "n_ctx": self.config.n_ctx,
                "n_threads": self.config.n_threads,
                "n_gpu_layers": self.config.n_gpu_layers,
                "load_s": round(self.load_s, 3),
                **self._adapter_details(),
            },
        )

    def _adapter_details(self) -> dict[str, Any]:
        adapter: AdapterReport | None = self.adapter
        if adapter is None:
            return {}
        return {
            "adapter": adapter.name,
            "adapter_file": adapter.path.name,
            "adapter_sha256": adapter.sha256,
        }

    # --- cancellation --------------------------------------------------------------------

    def _should_abort(self, _data: Any) -> bool:
        current = self._current
        return current is not None and current.is_stopped

    def _set_abort(self, on: bool) -> None:
        callback = self._abort_callback if on else llama_cpp.ggml_abort_callback(0)
        llama_cpp.llama_set_abort_callback(self._llm._ctx.ctx, callback, None)

    def cancel(self) -> None:
        current = self._current
        if current is not None:
            current.cancel()

    # --- generation ----------------------------------------------------------------------

    def _generate(
        self,
        prompt: str,
        *,
        max_tokens: int,
        temperature: float,
        grammar: LlamaGrammar | None,
        on_token: TokenSink | None,
        cancel: CancelToken | None,
        watch_markers: bool,
    ) -> _Generated:
        if self._closed:
            raise EngineError("The model has been unloaded; load it again.")
        token = cancel or CancelToken()
        tokens = self._chat.prompt(prompt)
        room = self.config.n_ctx - len(tokens)
        if room < 16:
            raise EngineError(
                f"The input is too long for the model: {len(tokens)} tokens, and the context "
                f"holds {self.config.n_ctx}. Shorten it or raise the context size."
            )
        reused = min(
            llama_cpp.Llama.longest_token_prefix(self._llm._input_ids.tolist(), tokens),
            len(tokens) - 1,
        )
        pieces: list[str] = []
        markers = EndMarkerFilter() if watch_markers else None
        finish = "stop"
        evaluating_prompt = True
        self._current = token
        token.check()
        self._set_abort(True)
        llama_cpp.llama_perf_context_reset(self._llm._ctx.ctx)
        started = time.perf_counter()
        stream = cast(
            Iterator[dict[str, Any]],
            self._llm.create_completion(
                tokens,
                max_tokens=min(max_tokens, room),
                temperature=temperature,
                top_p=self.config.top_p,
                top_k=self.config.top_k,
                repeat_penalty=self.config.repeat_penalty,
                grammar=grammar,
                stream=True,
                seed=self.config.seed,
            ),
        )
        try:
            for chunk in stream:
                if evaluating_prompt:  # the first chunk: the prompt is done
                    evaluating_prompt = False
                    self._set_abort(False)
                choice = chunk["choices"][0]
                piece = choice["text"]
                if markers is not None:
                    piece = markers.feed(piece)
                if piece:
                    pieces.append(piece)
                    if on_token is not None:
                        on_token(piece)
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
                if markers is not None and markers.stopped:
                    break
                if token.is_stopped:
                    token.check("".join(pieces))
            rest = markers.flush() if markers is not None else ""
            if rest:
                pieces.append(rest)
                if on_token is not None:
                    on_token(rest)
        except RuntimeError:
            # llama_decode returns an error when the abort callback stopped it.
            if token.is_stopped:
                raise GenerationCancelled(token.reason or "cancelled", "".join(pieces)) from None
            raise EngineError("llama.cpp failed while generating; see the log.") from None
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
            self._set_abort(False)
            self._current = None
        ended = time.perf_counter()
        # Streamed chunks can lag the tokens (held-back bytes), so the time to the first
        # chunk is no measure of the prompt: llama.cpp's own counters are.
        prompt_s = llama_cpp.llama_perf_context(self._llm._ctx.ctx).t_p_eval_ms / 1000
        prompt_s = min(prompt_s, ended - started)
        # Chunks are not tokens (bytes of a multi-byte character are held back), so
        # count what llama.cpp evaluated after the prompt, plus the last token sampled
        # when generation was cut off (it is never evaluated; an end token is not text).
        cut_off = finish == "length" or (markers is not None and markers.stopped)
        count = max(self._llm.n_tokens - len(tokens) + int(cut_off), 1 if pieces else 0)
        return _Generated(
            text="".join(pieces),
            prompt_tokens=len(tokens),
            completion_tokens=count,
            reused=max(reused, 0),
            finish_reason=finish,
            prompt_s=prompt_s,
            generation_s=ended - started - prompt_s,
        )

    def _result(self, generated: _Generated, total_s: float, **fields: Any) -> GenerationResult:
        load_s, self._pending_load_s = self._pending_load_s, 0.0
        return GenerationResult(
            engine=self.name,
            model_name=self.info().model_name,
            prompt_tokens=generated.prompt_tokens,
            completion_tokens=generated.completion_tokens,
            reused_prompt_tokens=generated.reused,
            timings=Timings(
                load_s=load_s,
                prompt_s=generated.prompt_s,
                generation_s=generated.generation_s,
                total_s=total_s,
            ),
            finish_reason="length" if generated.finish_reason == "length" else "stop",
            **fields,
        )

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        started = time.perf_counter()
        generated = self._generate(
            prompt,
            max_tokens=max_tokens or self.config.max_tokens,
            temperature=self.config.temperature_prose if temperature is None else temperature,
            grammar=None,
            on_token=on_token,
            cancel=cancel,
            watch_markers=True,
        )
        text = strip_end_markers(generated.text)
        return self._result(generated, time.perf_counter() - started, text=text)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        return self.complete(
            self._chat.render(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            on_token=on_token,
            cancel=cancel,
        )

    def _grammar(self, schema: dict[str, Any]) -> tuple[LlamaGrammar, bool]:
        """The grammar for ``schema`` (cached), and whether it expresses the schema; a
        schema llama.cpp cannot turn into a grammar gets the generic JSON grammar."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            try:
                grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
                usable = self._llama_accepts(grammar)
            except Exception:  # the converter raises assorted errors for what it cannot do
                usable = False
            if not usable:
                log_event(logger, "llm.schema_not_expressible", level=logging.WARNING)
                grammar = LlamaGrammar.from_string(JSON_GBNF, verbose=False)
            self._grammars[key] = (grammar, usable)
        return self._grammars[key]

    def _llama_accepts(self, grammar: LlamaGrammar) -> bool:
        """Whether llama.cpp can build a sampler from the grammar. It refuses some (too
        many repetitions, e.g. a long ``maxLength``) and returns NULL, which
        llama-cpp-python would add to its sampler chain and crash the process with."""
        sampler = llama_cpp.llama_sampler_init_grammar(
            self._llm._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not sampler:
            return False
        llama_cpp.llama_sampler_free(sampler)
        return True

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Generate under the schema's grammar, then repair, clamp and validate; on
        failure retry once (greedy, with twice the tokens if the output was cut off);
        then answer with the fallback engine, marked degraded."""
        started = time.perf_counter()
        schema = task.schema
        prompt = self._chat.render(task.messages)
        grammar, exact = self._grammar(schema)
        repairs = [] if exact else ["schema_not_expressible"]

        def generate(budget: int, temperature: float) -> _Generated:
            return self._generate(
                prompt,
                max_tokens=budget,
                temperature=temperature,
                grammar=grammar,
                on_token=on_token,
                cancel=cancel,
                watch_markers=False,
            )

        success = two_attempts(
            schema,
            generate,
            budget=max_tokens or self.config.max_tokens,
            temperature=self.config.temperature_structured,
            engine=self.name,
        )
        if success is None:
            return degraded_answer(
                self._fallback, task, cancel=cancel, started=started, repairs=repairs
            )
        generated, outcome, retried = success
        return self._result(
            generated,
            time.perf_counter() - started,
            obj=outcome.obj,
            text=generated.text,
            repairs=(*repairs, *outcome.repairs, *retried),
        )

    def close(self) -> None:
        """Free the model now (llama-cpp-python's ``__del__`` at interpreter exit can
        print a TypeError otherwise). Idempotent."""
        if not self._closed:
            self._closed = True
            self._llm.close()
