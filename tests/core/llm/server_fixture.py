"""Servers for the remote engine's tests, all on 127.0.0.1.

``running_llama_server`` runs a real ``python -m llama_cpp.server`` on the tiny GGUF, in
a subprocess with the network guard; the ``llama_server_url`` fixture (a pytest plugin
loaded by the root conftest) keeps one running for the whole test session.
``StubServer`` is a small real HTTP server in a thread whose answers a test scripts: the
failures a real server will not produce on demand (slowness, error codes, broken
streams, redirects). Every wait is bounded.
"""

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SUPPORT_DIR = REPO_ROOT / "tests" / "support"
SERVER_API_KEY = "auralis-test-key"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(url: str, api_key: str, process: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with status {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/v1/models").status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"llama_cpp.server did not answer within {START_TIMEOUT_S:g} s")


@contextlib.contextmanager
def running_llama_server(model: Path, log_path: Path, api_key: str) -> Iterator[str]:
    """Start ``python -m llama_cpp.server`` on ``model`` and yield its base URL; the
    server's output goes to ``log_path`` (shown if it fails to start)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AURALIS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SUPPORT_DIR), str(REPO_ROOT)])
    options = f"--host 127.0.0.1 --port {port} --n_ctx 2048 --n_threads 2 --verbose False"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), *options.split()]
    command += ["--api_key", api_key]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO_ROOT
        )
        try:
            try:
                _wait_until_ready(f"http://127.0.0.1:{port}", api_key, process)
            except RuntimeError as exc:
                log.flush()
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{exc}; its output ends with:\n{tail}") from None
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT_S)


# --- the stub server ----------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class StubHandler(http.server.BaseHTTPRequestHandler):
    """Answers with the stub's ``respond`` function, which uses the helpers below."""

    stub: "StubServer"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.stub.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
        with contextlib.suppress(OSError):  # the client gave up: that is often the point
            self.stub.respond(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_events(self, lines: list[str], delay_s: float = 0.0, stall: bool = False) -> None:
        """An event stream of ``lines`` (each followed by a blank line), then the end of
        the connection, or with ``stall`` silence until the stub is shut down."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for line in lines:
            self.wfile.write(f"{line}\n\n".encode())
            self.wfile.flush()
            if delay_s and self.stub.release.wait(delay_s):
                return
        if stall:
            self.stub.release.wait(STOP_TIMEOUT_S)

    def stall(self) -> None:
        """Accept the request and say nothing until the stub is shut down."""
        self.stub.release.wait(STOP_TIMEOUT_S)


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is what several tests do


class StubServer:
    """A real HTTP server on 127.0.0.1 in a thread, answering with ``respond``; a
    context manager. ``release`` wakes stalled handlers when the stub shuts down."""

    def __init__(self, respond: Callable[[StubHandler], None]) -> None:
        self.respond = respond
        self.requests: list[Recorded] = []
        self.release = threading.Event()
        handler = type("Handler", (StubHandler,), {"stub": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> "StubServer":
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(STOP_TIMEOUT_S)

    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]


@pytest.fixture(scope="session")
def llama_server_url(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real llama_cpp.server on the tiny model; its key is SERVER_API_KEY."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with running_llama_server(tiny_model, log, SERVER_API_KEY) as url:
        yield url
