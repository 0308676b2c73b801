"""The remote engine against real servers on 127.0.0.1, no HTTP mocks: a real
``python -m llama_cpp.server`` running the tiny GGUF for the main path, and a stub HTTP
server (``server_fixture.StubServer``) for the failures a real server will not produce on
demand. Every network wait is bounded; no error message may contain prompt text."""

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
from server_fixture import SERVER_API_KEY, StubHandler, StubServer, free_port

from core.llm.http_stream import normalize_base_url
from core.llm.remote import RemoteEngine
from core.llm.tasks import SchemaTask
from core.llm.types import CancelToken, GenerationCancelled, Message, RemoteError

API_KEY = SERVER_API_KEY
SECRET = "the patient mentioned a plan to jump"
MESSAGES = [Message("system", "You rate mood."), Message("user", f"Today: {SECRET}.")]
SCHEMA: dict[str, Any] = {
    "title": "remote-test-mood",
    "type": "object",
    "properties": {
        "mood": {"enum": ["calm", "anxious", "low"]},
        "score": {"type": "integer", "minimum": 0, "maximum": 10},
        "note": {"type": "string", "maxLength": 24},
    },
    "required": ["mood", "score", "note"],
    "additionalProperties": False,
}
# llama.cpp GBNF with no end: lowercase letters until max_tokens, one token per event.
ENDLESS = {"grammar": "root ::= [a-z ] root"}


MakeEngine = Callable[..., RemoteEngine]


@pytest.fixture
def make_engine() -> Iterator[MakeEngine]:
    engines: list[RemoteEngine] = []

    def make(url: str, **options: Any) -> RemoteEngine:
        engines.append(RemoteEngine(url, **options))
        return engines[-1]

    yield make
    for engine in engines:
        engine.close()


@pytest.fixture
def engine(llama_server_url: str, make_engine: MakeEngine) -> RemoteEngine:
    return make_engine(llama_server_url, api_key=API_KEY, timeout_s=30)


def cancel_after_first_token(engine: RemoteEngine, delay_s: float) -> tuple[Any, dict[str, float]]:
    """An ``on_token`` that lets another thread call ``engine.cancel()`` ``delay_s`` after
    the first token, and where that thread records when it did."""
    first = threading.Event()
    stamp: dict[str, float] = {}

    def canceller() -> None:
        if first.wait(10):
            time.sleep(delay_s)
            stamp["cancelled_at"] = time.perf_counter()
            engine.cancel()

    threading.Thread(target=canceller, daemon=True).start()
    return lambda _piece: first.set(), stamp


def assert_clean(exc: BaseException, url: str) -> None:
    assert url in str(exc)
    assert SECRET not in str(exc) and "plan to jump" not in str(exc)


# --- the real llama_cpp.server ----------------------------------------------------------


def test_health_lists_the_served_model(engine: RemoteEngine) -> None:
    health = engine.health()
    assert health["ok"] is True, health["message"]
    assert len(health["models"]) == 1 and health["models"][0].endswith("tiny.gguf")
    assert health["latency_ms"] >= 0 and health["message"] == ""


def test_info_names_the_model_and_the_server(engine: RemoteEngine, llama_server_url: str) -> None:
    info = engine.info()
    assert (info.engine, info.base_url) == ("remote", llama_server_url)
    assert info.model_name.endswith("tiny.gguf")


def test_chat_streams_every_token(llama_server_url: str, make_engine: MakeEngine) -> None:
    engine = make_engine(llama_server_url, api_key=API_KEY, extra_body=ENDLESS)
    tokens: list[str] = []
    result = engine.chat(MESSAGES, max_tokens=40, on_token=tokens.append)
    assert (result.engine, result.finish_reason) == ("remote", "length")
    assert result.completion_tokens == 40 and len(tokens) == 40
    assert "".join(tokens) == result.text and result.text.strip()
    assert result.model_name.endswith("tiny.gguf")
    timings = result.timings
    assert timings.prompt_s > 0 and timings.generation_s > 0
    assert timings.total_s >= timings.prompt_s + timings.generation_s


def test_chat_without_extras(engine: RemoteEngine) -> None:
    tokens: list[str] = []
    result = engine.chat(MESSAGES, max_tokens=32, on_token=tokens.append)
    assert result.finish_reason in ("stop", "length") and not result.degraded
    assert "".join(tokens) == result.text
    assert result.completion_tokens >= (1 if result.text else 0)


def test_complete_continues_raw_text(engine: RemoteEngine) -> None:
    tokens: list[str] = []
    result = engine.complete("The patient said", max_tokens=16, on_token=tokens.append)
    assert result.engine == "remote" and result.finish_reason in ("stop", "length")
    assert "".join(tokens) == result.text
    assert result.completion_tokens >= (1 if result.text else 0)


def test_structured_is_valid_on_every_seed(llama_server_url: str, make_engine: MakeEngine) -> None:
    results = []
    for seed in range(4):
        engine = make_engine(llama_server_url, api_key=API_KEY, seed=seed)
        result = engine.structured(SchemaTask(MESSAGES, SCHEMA), max_tokens=512)
        jsonschema.validate(result.obj, SCHEMA)
        if result.degraded:
            assert result.finish_reason == "fallback"
            assert "model_output_invalid" in result.repairs
        else:
            assert result.engine == "remote" and result.completion_tokens > 0
        results.append(result)
    assert any(not result.degraded for result in results)


def test_llama_cpp_server_refuses_the_json_schema_wrapper(
    llama_server_url: str, make_engine: MakeEngine
) -> None:
    # Verified behaviour: llama_cpp.server 0.3.36 accepts only "text" and "json_object",
    # and answers the OpenAI wrapper with HTTP 500: schema_format must be "json_object".
    engine = make_engine(llama_server_url, api_key=API_KEY, schema_format="json_schema")
    with pytest.raises(RemoteError, match=r"server error \(HTTP 500") as caught:
        engine.structured(SchemaTask(MESSAGES, SCHEMA), max_tokens=64)
    assert_clean(caught.value, llama_server_url)


@pytest.mark.parametrize("key", ["wrong-key", None])
def test_the_real_server_rejects_a_wrong_api_key(
    llama_server_url: str, make_engine: MakeEngine, key: str | None
) -> None:
    engine = make_engine(llama_server_url, api_key=key)
    with pytest.raises(RemoteError, match=r"rejected the API key \(HTTP 401") as caught:
        engine.chat(MESSAGES, max_tokens=8)
    assert_clean(caught.value, llama_server_url)
    health = engine.health()
    assert health["ok"] is False and "rejected the API key" in health["message"]


def test_cancel_from_another_thread_stops_within_a_second(
    llama_server_url: str, make_engine: MakeEngine
) -> None:
    engine = make_engine(llama_server_url, api_key=API_KEY, extra_body=ENDLESS)
    on_token, stamp = cancel_after_first_token(engine, 0.1)
    with pytest.raises(GenerationCancelled) as caught:
        engine.chat(MESSAGES, max_tokens=1800, on_token=on_token)
    assert time.perf_counter() - stamp["cancelled_at"] < 1.0
    assert caught.value.reason == "cancelled" and caught.value.partial_text
    after = engine.chat(MESSAGES, max_tokens=8)
    assert after.completion_tokens == 8 and after.finish_reason == "length"


def test_an_answer_interrupted_by_the_server_is_an_error(
    llama_server_url: str, make_engine: MakeEngine
) -> None:
    # Verified behaviour: llama_cpp.server (interrupt_requests on by default) ends a
    # running stream with [DONE] and no finish_reason when another request arrives.
    engine = make_engine(llama_server_url, api_key=API_KEY, extra_body=ENDLESS)
    other = make_engine(llama_server_url, api_key=API_KEY)
    first = threading.Event()
    checker = threading.Thread(target=lambda: first.wait(10) and other.health())
    checker.start()
    try:
        with pytest.raises(RemoteError, match="interrupted") as caught:
            engine.chat(MESSAGES, max_tokens=1800, on_token=lambda _piece: first.set())
    finally:
        checker.join(10)
    assert_clean(caught.value, llama_server_url)


def test_a_token_timeout_stops_a_long_generation(
    llama_server_url: str, make_engine: MakeEngine
) -> None:
    engine = make_engine(llama_server_url, api_key=API_KEY, extra_body=ENDLESS)
    started = time.perf_counter()
    with pytest.raises(GenerationCancelled) as caught:
        engine.chat(MESSAGES, max_tokens=1800, cancel=CancelToken(timeout_s=0.3))
    assert caught.value.reason == "timeout"
    assert time.perf_counter() - started < 1.3


# --- failures, from a stub server ------------------------------------------------------


def test_a_server_that_is_down_fails_fast(make_engine: MakeEngine) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    engine = make_engine(url, connect_timeout_s=2)
    started = time.perf_counter()
    calls: list[Callable[[], object]] = [
        lambda: engine.chat(MESSAGES),
        lambda: engine.complete(SECRET),
        # No silent fallback: the caller decides.
        lambda: engine.structured(SchemaTask(MESSAGES, SCHEMA)),
    ]
    for call in calls:
        with pytest.raises(RemoteError, match="connection refused") as caught:
            call()
        assert_clean(caught.value, url)
        assert "Check that it is running" in str(caught.value)
    assert time.perf_counter() - started < 1.0
    assert engine.info().model_name == "unknown"
    health = engine.health()
    assert health["ok"] is False and "connection refused" in health["message"]


def test_a_silent_server_times_out(make_engine: MakeEngine) -> None:
    with StubServer(StubHandler.stall) as stub:
        engine = make_engine(stub.url, model="m", timeout_s=0.5)
        started = time.perf_counter()
        with pytest.raises(RemoteError, match=r"did not answer within 0.5 s") as caught:
            engine.chat(MESSAGES)
        assert time.perf_counter() - started < 2.0
        assert_clean(caught.value, stub.url)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "invalid_api_key", r"rejected the API key \(HTTP 401, invalid_api_key\)"),
        (403, None, r"rejected the API key \(HTTP 403\)"),
        (404, None, r"has no /v1/chat/completions or the model 'm' \(HTTP 404\)"),
        (400, "context_length_exceeded", r"input is too long .*\(HTTP 400"),
        (422, None, r"refused the request \(HTTP 422\)"),
        (500, None, r"failed with a server error \(HTTP 500\)"),
        (503, None, r"busy or loading its model \(HTTP 503\)"),
    ],
)
def test_http_errors_say_what_happened(
    make_engine: MakeEngine, status: int, code: str | None, expected: str
) -> None:
    def respond(handler: StubHandler) -> None:
        # The server's error text quotes the request: it must not reach the message.
        message = f"cannot process {handler.stub.requests[-1].body}"
        handler.send_json(status, {"error": {"message": message, "code": code}})

    with StubServer(respond) as stub:
        engine = make_engine(stub.url, model="m")
        with pytest.raises(RemoteError, match=expected) as caught:
            engine.chat(MESSAGES)
        assert_clean(caught.value, stub.url)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["data: {not json"], "not a completion"),
        (['data: {"choices": "nonsense"}'], "not a completion"),
        (['data: {"error": {"message": "boom"}}'], "reported an error while generating"),
        (['data: {"choices": [{"delta": {"content": "Hi"}}]}'], "before finishing"),
        ([], "before finishing"),
        (['data: {"choices": [{"delta": {"content": "Hi"}}]}', "data: [DONE]"], "interrupted"),
    ],
)
def test_broken_streams_are_protocol_errors(
    make_engine: MakeEngine, lines: list[str], expected: str
) -> None:
    with StubServer(lambda handler: handler.send_events(lines)) as stub:
        engine = make_engine(stub.url, model="m")
        with pytest.raises(RemoteError, match=expected) as caught:
            engine.chat(MESSAGES)
        assert_clean(caught.value, stub.url)


def _raw_stream(handler: StubHandler, chunks: list[bytes]) -> None:
    """An event stream written in exactly these pieces, each flushed on its own."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for chunk in chunks:
        handler.wfile.write(chunk)
        handler.wfile.flush()


def test_an_event_split_across_chunks_is_read_whole(make_engine: MakeEngine) -> None:
    """Events cut anywhere by the network: inside "data:", inside a JSON string, between
    the bytes of one UTF-8 character, between CR and LF; a comment, an id and an unknown
    field between them."""
    first = json.dumps({"choices": [{"delta": {"content": "Grüße \u2028"}}]}, ensure_ascii=False)
    last = json.dumps({"choices": [{"delta": {"content": "!"}, "finish_reason": "stop"}]})
    stream = (
        f": ping\r\nid: 1\r\nretry: 5\r\nnonsense\r\ndata: {first}\r\n\r\n"
        f"data: {last}\n\ndata: [DONE]\n\n"
    ).encode()
    umlaut = stream.index("ü".encode()) + 1  # between the two bytes of "ü"
    cuts = sorted({3, 30, umlaut, stream.index(b"\r\n\r\n") + 1, len(stream) - 9})
    chunks = [stream[a:b] for a, b in itertools.pairwise([0, *cuts, len(stream)])]
    assert b"".join(chunks) == stream
    with StubServer(lambda handler: _raw_stream(handler, chunks)) as stub:
        engine = make_engine(stub.url, model="m")
        tokens: list[str] = []
        result = engine.chat(MESSAGES, on_token=tokens.append)
    assert tokens == ["Grüße \u2028", "!"]
    assert result.text == "Grüße \u2028!" and result.finish_reason == "stop"


@pytest.mark.parametrize(
    "stream",
    [
        b'data: {"choices": [{"delta": {"content": "' + SECRET.encode() + b"\n\n",
        b"data: " + SECRET.encode() + b"\ndata: more\n\n",
        b'data: {"choices": [{"delta": \xff\xfe"x"}]}\n\n',
    ],
    ids=["cut-off JSON", "two data lines of text", "invalid UTF-8"],
)
def test_a_malformed_event_is_a_protocol_error_without_its_text(
    make_engine: MakeEngine, stream: bytes
) -> None:
    with StubServer(lambda handler: _raw_stream(handler, [stream])) as stub:
        engine = make_engine(stub.url, model="m")
        with pytest.raises(RemoteError, match="not a completion") as caught:
            engine.chat(MESSAGES)
        assert_clean(caught.value, stub.url)


def test_an_answer_that_is_not_an_event_stream(make_engine: MakeEngine) -> None:
    def respond(handler: StubHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<html>login</html>")

    with StubServer(respond) as stub:
        engine = make_engine(stub.url, model="m")
        with pytest.raises(RemoteError, match="protocol error"):
            engine.chat(MESSAGES)


def test_redirects_are_not_followed(make_engine: MakeEngine) -> None:
    # Following it would hit the network guard (NetworkAccessBlocked, not RemoteError).
    # 192.0.2.1 is a documentation address (RFC 5737): routed nowhere, should the guard fail.
    location = {"Location": "http://192.0.2.1:8080/v1/chat/completions"}
    with StubServer(lambda handler: handler.send_json(307, {}, location)) as stub:
        engine = make_engine(stub.url, model="m")
        with pytest.raises(RemoteError, match=r"redirected the request \(HTTP 307\)"):
            engine.chat(MESSAGES)
        assert len(stub.requests) == 1


def test_cancel_while_the_server_is_silent(make_engine: MakeEngine) -> None:
    first = 'data: {"choices": [{"delta": {"content": "Hi"}}]}'
    with StubServer(lambda handler: handler.send_events([first], stall=True)) as stub:
        engine = make_engine(stub.url, model="m", timeout_s=30)
        on_token, stamp = cancel_after_first_token(engine, 0.2)
        with pytest.raises(GenerationCancelled) as caught:
            engine.chat(MESSAGES, on_token=on_token)
        assert time.perf_counter() - stamp["cancelled_at"] < 0.5
        assert caught.value.partial_text == "Hi"


def test_request_shape_streaming_and_usage(
    make_engine: MakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    pieces = ["Hello", "\u2028", "wörld", "<|im_end|>"]  # U+2028 sent raw, not escaped

    def respond(handler: StubHandler) -> None:
        if handler.path == "/v1/models":
            handler.send_json(200, {"object": "list", "data": [{"id": "served-model"}]})
            return
        events: list[dict[str, Any]] = [
            {"choices": [{"delta": {"content": piece}}]} for piece in pieces
        ]
        events.append({"choices": [{"delta": {}, "finish_reason": "stop"}]})
        events.append({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 3}})
        lines = [f"data: {json.dumps(e, ensure_ascii=False)}" for e in events]
        handler.send_events([": ping", *lines, "data: [DONE]"])

    caplog.set_level(logging.DEBUG)
    with StubServer(respond) as stub:
        engine = make_engine(f"{stub.url}/v1/", api_key="k", seed=7)
        tokens: list[str] = []
        result = engine.chat(MESSAGES, max_tokens=20, temperature=0.2, on_token=tokens.append)
    assert tokens == pieces
    assert result.text == "Hello\u2028wörld"  # the end marker is stripped
    assert (result.prompt_tokens, result.completion_tokens) == (11, 3)
    assert result.model_name == "served-model"
    models, chat = stub.requests
    assert (models.method, models.path, chat.path) == ("GET", "/v1/models", "/v1/chat/completions")
    assert chat.headers["Authorization"] == "Bearer k"
    body = chat.body
    assert body["model"] == "served-model" and body["seed"] == 7
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert (body["max_tokens"], body["temperature"], body["top_p"]) == (20, 0.2, 0.9)
    assert body["messages"][1] == {"role": "user", "content": f"Today: {SECRET}."}
    assert "<|im_end|>" in body["stop"]
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in json.dumps(getattr(record, "fields", {}), default=str)


def test_a_server_that_ignores_stream_true(make_engine: MakeEngine) -> None:
    answer = {
        "choices": [{"message": {"content": "Fine."}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2},
    }
    with StubServer(lambda handler: handler.send_json(200, answer)) as stub:
        engine = make_engine(stub.url, model="m")
        tokens: list[str] = []
        result = engine.chat(MESSAGES, on_token=tokens.append)
    assert (result.text, tokens, result.completion_tokens) == ("Fine.", ["Fine."], 2)


@pytest.mark.parametrize(
    ("schema_format", "expected"),
    [
        ("json_object", {"type": "json_object", "schema": SCHEMA}),
        (
            "json_schema",
            {
                "type": "json_schema",
                "json_schema": {"name": "auralis", "schema": SCHEMA, "strict": True},
            },
        ),
    ],
)
def test_structured_request_and_repairs(
    make_engine: MakeEngine, schema_format: str, expected: dict[str, Any]
) -> None:
    content = json.dumps({"mood": "Calm", "score": 14, "note": "steady"})
    events = [json.dumps({"choices": [{"delta": {"content": content}}]})]
    events.append(json.dumps({"choices": [{"delta": {}, "finish_reason": "stop"}]}))
    with StubServer(lambda h: h.send_events([f"data: {e}" for e in events])) as stub:
        engine = make_engine(stub.url, model="m", schema_format=schema_format)
        result = engine.structured(SchemaTask(MESSAGES, SCHEMA), max_tokens=64)
    assert result.obj == {"mood": "calm", "score": 10, "note": "steady"}
    assert not result.degraded and set(result.repairs) == {"mood: enum_case", "score: clamped"}
    (post,) = stub.posts()
    assert post.body["response_format"] == expected
    assert (post.body["temperature"], post.body["max_tokens"]) == (0.1, 64)


def test_unusable_output_is_retried_greedily_then_falls_back(make_engine: MakeEngine) -> None:
    events = [
        'data: {"choices": [{"delta": {"content": "no json here"}}]}',
        'data: {"choices": [{"delta": {}, "finish_reason": "length"}]}',
        "data: [DONE]",
    ]
    with StubServer(lambda handler: handler.send_events(events)) as stub:
        engine = make_engine(stub.url, model="m")
        result = engine.structured(SchemaTask(MESSAGES, SCHEMA), max_tokens=50)
    jsonschema.validate(result.obj, SCHEMA)
    assert result.degraded and result.finish_reason == "fallback" and result.engine == "rules"
    assert "model_output_invalid" in result.repairs
    first, second = (post.body for post in stub.posts())
    assert (first["temperature"], second["temperature"]) == (0.1, 0.0)
    assert (first["max_tokens"], second["max_tokens"]) == (50, 100)  # cut off: twice the room


def test_a_closed_engine_refuses_work(make_engine: MakeEngine) -> None:
    engine = make_engine("http://127.0.0.1:9", model="m")
    engine.close()
    engine.close()
    with pytest.raises(RemoteError, match="closed"):
        engine.chat(MESSAGES)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
        ("http://10.0.0.5:8080/v1/", "http://10.0.0.5:8080"),
        ("10.0.0.5:8080", "http://10.0.0.5:8080"),
        ("https://llm.hospital.local/ai/v1", "https://llm.hospital.local/ai"),
        ("http://host:8080/v1/chat/completions", "http://host:8080"),
    ],
)
def test_base_urls_are_normalised(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize("given", ["ftp://host", "http://", "http://host:port", ""])
def test_bad_addresses_are_refused(given: str) -> None:
    with pytest.raises(RemoteError, match="not an inference server address"):
        normalize_base_url(given)
