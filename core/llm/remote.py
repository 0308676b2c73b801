"""The remote engine: an OpenAI-compatible inference server on the hospital network.

Speaks ``/v1/chat/completions``, ``/v1/completions`` and ``/v1/models`` to llama.cpp's
``llama-server``, ``python -m llama_cpp.server``, vLLM and Ollama. This is the only code
in Auralis that opens sockets, and only to the configured host: redirects are refused
and proxy settings from the environment are ignored.

Threading contract: one thread (the job queue's consumer) calls everything except
``cancel()``, which any thread may call. Generations stream server-sent events; the
``CancelToken`` is checked between events, and a watchdog thread shuts the request's
socket down as soon as the token stops (cancelled, or past its timeout), so a request
blocked waiting for the server ends within ~50 ms too. Connections are not kept alive
between requests, so each request's socket is its own to shut down.

Errors: every failure raises ``RemoteError``, whose message names the server, says what
happened and what to do, and never holds prompt or output text; a cancel or a token
timeout raises ``GenerationCancelled``. ``structured`` answers with the fallback engine
only when the server's output was unusable: when the server cannot be reached or fails,
it raises ``RemoteError`` and the caller decides (switch engines, tell the user).
"""

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import httpx
from httpx_sse import EventSource, SSEError

from core.llm.chat_format import END_MARKERS, strip_end_markers
from core.llm.engine import Engine
from core.llm.http_stream import StoppableRequest, normalize_base_url
from core.llm.rules import RuleEngine
from core.llm.structured_policy import degraded_answer, two_attempts
from core.llm.tasks import StructuredTask
from core.llm.types import (
    CancelToken,
    EngineInfo,
    GenerationCancelled,
    GenerationResult,
    Message,
    RemoteError,
    Timings,
    TokenSink,
)
from core.logs import log_event

logger = logging.getLogger(__name__)

SchemaFormat = Literal["json_object", "json_schema"]
_KEY = ("rejected the API key", "Check the key in the settings.")
_BUSY = ("is busy or loading its model", "Try again shortly.")
_LOG = "See the server's log."
# What an HTTP status means to the user: (what happened, what to do).
_STATUS_MESSAGES = {
    401: _KEY,
    403: _KEY,
    404: ("has no {path}{model}", "Check the address (server root or /v1) and the model name."),
    429: _BUSY,
    503: _BUSY,
    "3xx": ("redirected the request", "Enter the server's final address."),
    "4xx": ("refused the request", _LOG),
    "5xx": ("failed with a server error", _LOG),
}


def _event_data(response: httpx.Response) -> Iterator[str]:
    """The data of each server-sent event (httpx-sse: lines end at CR, LF or CRLF only,
    never at a U+2028 a JSON string may hold raw); events without data (a comment, an
    id) are passed over. An event the stream leaves unfinished at its end is dropped, as
    the SSE specification says."""
    try:
        for event in EventSource(response).iter_sse():
            if event.data:
                yield event.data
    except SSEError:  # the content type was checked before: not expected
        raise httpx.RemoteProtocolError("not an event stream") from None


class RemoteEngine:
    name = "remote"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str | None = None,
        connect_timeout_s: float = 5.0,
        timeout_s: float = 60.0,
        temperature_structured: float = 0.1,
        temperature_prose: float = 0.7,
        top_p: float = 0.9,
        max_tokens: int = 512,
        seed: int | None = None,
        schema_format: SchemaFormat = "json_object",
        extra_body: Mapping[str, Any] | None = None,
        verify: bool | ssl.SSLContext = True,
        fallback: Engine | None = None,
    ) -> None:
        """Nothing is sent until the first call. ``model`` None: the first id the server
        lists. ``timeout_s`` bounds each wait for data (a ``CancelToken`` timeout bounds a
        whole generation). ``schema_format`` "json_object" for llama.cpp servers (which
        refuse or ignore the other), "json_schema" for vLLM and Ollama. ``extra_body``:
        server-specific fields (``top_k``, ``min_p``...) for every generation request."""
        self.base_url = normalize_base_url(base_url)
        self.connect_timeout_s, self.timeout_s = connect_timeout_s, timeout_s
        self.temperature_structured = temperature_structured
        self.temperature_prose, self.top_p = temperature_prose, top_p
        self.max_tokens, self.seed = max_tokens, seed
        self.schema_format: SchemaFormat = schema_format
        self._extra = dict(extra_body or {})
        self._model = model
        self._fallback: Engine = fallback or RuleEngine()
        self._current: StoppableRequest | None = None
        self._closed = False
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            trust_env=False,
            verify=verify,
        )

    # --- errors: what happened, what to do; never request or response text --------------

    def _error(self, what: str, todo: str) -> RemoteError:
        return RemoteError(f"The inference server at {self.base_url} {what}. {todo}")

    def _protocol_error(self, what: str) -> RemoteError:
        return self._error(
            f"{what} (protocol error)",
            "Check that the address is an OpenAI-compatible server (llama.cpp, vLLM, Ollama).",
        )

    def _transport_error(self, exc: httpx.HTTPError) -> RemoteError:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, OSError):
            cause = cause.__cause__ or cause.__context__
        if isinstance(exc, httpx.ConnectTimeout):
            reason = f"no connection within {self.connect_timeout_s:g} s"
        elif isinstance(exc, httpx.TimeoutException):
            return self._error(
                f"did not answer within {self.timeout_s:g} s",
                "It may be overloaded; try again, or raise the timeout in the settings.",
            )
        elif isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
            return self._protocol_error("broke off or garbled its answer")
        elif not isinstance(exc, httpx.ConnectError):
            return self._error(f"lost the connection ({type(exc).__name__})", "Try again.")
        elif isinstance(cause, socket.gaierror):
            reason = "its host name is unknown (DNS)"
        elif isinstance(cause, ConnectionRefusedError):
            reason = "connection refused"
        else:
            reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else "error"
        return RemoteError(
            f"Cannot reach the inference server at {self.base_url}: {reason}. Check that it "
            "is running and the address is right."
        )

    def _status_error(self, response: httpx.Response, path: str) -> RemoteError:
        code, label, about_context = response.status_code, "", False
        with contextlib.suppress(httpx.HTTPError, ValueError, AttributeError, TypeError):
            error = json.loads(response.read()).get("error")
            error = error if isinstance(error, dict) else {"message": error}  # Ollama: a string
            # Only a machine-readable code is quoted: error text can echo the request.
            label = str(error.get("code") or error.get("type") or "")
            label = label if label.replace("_", "").isalnum() and len(label) < 48 else ""
            about_context = "context" in f"{label} {error.get('message')}".lower()
        family = "5xx" if code >= 500 else "3xx" if 300 <= code < 400 else "4xx"
        what, todo = _STATUS_MESSAGES.get(code) or _STATUS_MESSAGES[family]
        if about_context:
            what, todo = "says the input is too long for its model", "Shorten the input."
        what = what.format(path=path, model=f" or the model '{self._model}'" if self._model else "")
        return self._error(f"{what} (HTTP {code}{', ' + label if label else ''})", todo)

    # --- server facts --------------------------------------------------------------------

    def _list_models(self, timeout: httpx.Timeout) -> list[str]:
        try:
            response = self._client.get("/v1/models", timeout=timeout)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from None
        if response.status_code != 200:
            raise self._status_error(response, "/v1/models")
        try:
            return [str(item["id"]) for item in response.json()["data"]]
        except (ValueError, KeyError, TypeError):
            raise self._protocol_error("sent a model list that is not valid JSON") from None

    def _request_model(self, timeout: httpx.Timeout | None = None) -> str | None:
        if self._model is None:
            models = self._list_models(timeout or self._client.timeout)
            self._model = models[0] if models else None
        return self._model

    def health(self) -> dict[str, Any]:
        """``{"ok", "models", "latency_ms", "message", "base_url"}`` from ``GET /v1/models``,
        each step bounded by the connect timeout. Never raises."""
        started = time.perf_counter()
        models: list[str] = []
        try:
            models, ok = self._list_models(httpx.Timeout(self.connect_timeout_s)), True
            missing = self._model is not None and self._model not in models
            message = f"The server does not list the model '{self._model}'." if missing else ""
        except RemoteError as exc:
            ok, message = False, str(exc)
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        log_event(logger, "llm.remote_health", ok=ok, models=len(models), latency_ms=latency_ms)
        return dict(
            ok=ok, models=models, latency_ms=latency_ms, message=message, base_url=self.base_url
        )

    def info(self) -> EngineInfo:
        """The model name is the configured one, else asked of the server (bounded by the
        connect timeout), else "unknown"."""
        with contextlib.suppress(RemoteError):
            self._request_model(httpx.Timeout(self.connect_timeout_s))
        return EngineInfo(
            engine=self.name,
            model_name=self._model or "unknown",
            base_url=self.base_url,
            details={"schema_format": self.schema_format, "timeout_s": self.timeout_s},
        )

    # --- generation ----------------------------------------------------------------------

    def cancel(self) -> None:
        current = self._current
        if current is not None:
            current.token.cancel()
            current.abort()

    def _generate(
        self,
        path: str,
        body: dict[str, Any],
        on_token: TokenSink | None,
        cancel: CancelToken | None,
    ) -> GenerationResult:
        """Stream one request; the result's text is raw (end markers not stripped)."""
        if self._closed:
            raise RemoteError("The remote engine has been closed; connect to the server again.")
        token = cancel or CancelToken()
        token.check()
        body = {**self._extra, **body, "stream": True, "stream_options": {"include_usage": True}}
        if self.seed is not None:
            body.setdefault("seed", self.seed)
        request = StoppableRequest(token)
        self._current = request
        watchdog = threading.Thread(target=request.watch, name="remote-watchdog", daemon=True)
        watchdog.start()
        pieces: list[str] = []
        status, started = 0, time.perf_counter()
        try:
            if (model := self._request_model()) is not None:
                body["model"] = model
            token.check()
            trace = {"trace": request.trace}
            with self._client.stream("POST", path, json=body, extensions=trace) as response:
                status = response.status_code
                if status != 200:
                    raise self._status_error(response, path)
                result = self._read(response, pieces, on_token, token, started)
        except (httpx.HTTPError, RemoteError) as exc:
            if token.is_stopped:  # the watchdog's shutdown reads as a broken connection
                raise GenerationCancelled(token.reason or "cancelled", "".join(pieces)) from None
            log_event(
                logger,
                "llm.remote_failed",
                level=logging.WARNING,
                endpoint=path,
                status=status,
                error=type(exc).__name__,
            )
            raise exc if isinstance(exc, RemoteError) else self._transport_error(exc) from None
        finally:
            request.done.set()
            watchdog.join()
            self._current = None
        timings = result.timings
        log_event(
            logger,
            "llm.remote_generated",
            endpoint=path,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            prompt_ms=round(timings.prompt_s * 1000, 1),
            generation_ms=round(timings.generation_s * 1000, 1),
        )
        return result

    def _read(
        self,
        response: httpx.Response,
        pieces: list[str],
        on_token: TokenSink | None,
        token: CancelToken,
        started: float,
    ) -> GenerationResult:
        kind = response.headers.get("content-type", "")
        if "text/event-stream" not in kind and "json" not in kind:
            raise self._protocol_error("did not answer with an event stream")
        streaming = "text/event-stream" in kind  # else it ignored stream=true: one object
        payloads = (
            _event_data(response)
            if streaming
            else iter([response.read().decode("utf-8", "replace")])
        )
        first: float | None = None
        usage: dict[str, Any] = {}
        count = reused = 0
        finish: str | None = None
        for payload in payloads:
            if payload.strip() == "[DONE]":  # without a finish_reason: interrupted
                break
            try:
                event = json.loads(payload)
                if isinstance(event, dict) and "error" in event:
                    raise self._error("reported an error while generating", _LOG)
                usage = event.get("usage") or usage
                reused = int((event.get("timings") or {}).get("cache_n", reused))  # llama.cpp
                for choice in event.get("choices") or []:
                    message = choice.get("delta") or choice.get("message") or {}
                    piece = choice["text"] if "text" in choice else message.get("content")
                    if piece is not None and not (piece == "" and choice.get("finish_reason")):
                        count += 1  # about one event per token, for servers that send no usage
                    if piece:
                        first = first or time.perf_counter()
                        pieces.append(str(piece))
                        if on_token is not None:
                            on_token(str(piece))
                    finish = choice.get("finish_reason") or finish
            except (ValueError, TypeError, AttributeError, KeyError):
                raise self._protocol_error("sent an event that is not a completion") from None
            if token.is_stopped:
                raise GenerationCancelled(token.reason or "cancelled", "".join(pieces))
        token.check("".join(pieces))  # a shut-down socket can also read as a clean end
        if finish is None:
            raise self._error(
                "ended its answer before finishing",
                "It failed (an input longer than its context?) or another request interrupted "
                "it (llama_cpp.server does, unless run with --interrupt_requests False). " + _LOG,
            )
        ended = time.perf_counter()
        first = first or ended
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens")
        return GenerationResult(
            engine=self.name,
            model_name=self._model or "unknown",
            text="".join(pieces),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or count),
            reused_prompt_tokens=int(cached or reused),
            timings=Timings(prompt_s=first - started, generation_s=ended - first),
            finish_reason="length" if finish == "length" else "stop",
        )

    @staticmethod
    def _finished(result: GenerationResult, started: float, **fields: Any) -> GenerationResult:
        total_s = time.perf_counter() - started
        return replace(result, timings=replace(result.timings, total_s=total_s), **fields)

    def _prose(
        self,
        path: str,
        body: dict[str, Any],
        max_tokens: int | None,
        temperature: float | None,
        on_token: TokenSink | None,
        cancel: CancelToken | None,
    ) -> GenerationResult:
        started = time.perf_counter()
        body["max_tokens"] = max_tokens or self.max_tokens
        body["temperature"] = self.temperature_prose if temperature is None else temperature
        body |= {"top_p": self.top_p, "stop": list(END_MARKERS)}
        result = self._generate(path, body, on_token, cancel)
        return self._finished(result, started, text=strip_end_markers(result.text))

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        body: dict[str, Any] = {"prompt": prompt}
        return self._prose("/v1/completions", body, max_tokens, temperature, on_token, cancel)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        body: dict[str, Any] = {"messages": [m.as_dict() for m in messages]}
        return self._prose("/v1/chat/completions", body, max_tokens, temperature, on_token, cancel)

    def structured(
        self,
        task: StructuredTask,
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Generate under the server's schema constraint, then repair, clamp and validate;
        on failure retry once (greedy, with twice the tokens if the output was cut off);
        then answer with the fallback engine, marked degraded. ``RemoteError`` when the
        server cannot be reached or fails: that is not the model's output failing."""
        started = time.perf_counter()
        schema = task.schema
        if self.schema_format == "json_schema":
            wrapped = {"name": "auralis", "schema": schema, "strict": True}
            response_format = {"type": "json_schema", "json_schema": wrapped}
        else:  # the form llama.cpp's servers turn into a grammar
            response_format = {"type": "json_object", "schema": schema}
        body: dict[str, Any] = {"messages": [m.as_dict() for m in task.messages]}
        body["response_format"] = response_format

        def generate(budget: int, temperature: float) -> GenerationResult:
            body.update(max_tokens=budget, temperature=temperature, top_p=self.top_p)
            return self._generate("/v1/chat/completions", body, on_token, cancel)

        success = two_attempts(
            schema,
            generate,
            budget=max_tokens or self.max_tokens,
            temperature=self.temperature_structured,
            engine=self.name,
        )
        if success is None:
            return degraded_answer(self._fallback, task, cancel=cancel, started=started, repairs=[])
        result, outcome, retried = success
        repairs = (*outcome.repairs, *retried)
        return self._finished(result, started, obj=outcome.obj, repairs=repairs)

    def close(self) -> None:
        """Close the HTTP client. Idempotent; the engine is unusable afterwards."""
        if not self._closed:
            self._closed = True
            self._client.close()
