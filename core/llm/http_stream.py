"""HTTP plumbing of the remote engine: server addresses, and stopping a request that is
blocked on the network (server-sent events are read with httpx-sse).

Threading contract: a ``StoppableRequest`` is shared by the thread that runs the request,
its watchdog thread and whoever calls ``abort()``; all of its state is behind one lock.
"""

import contextlib
import socket
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from core.llm.types import CancelToken, RemoteError

_CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")


def normalize_base_url(url: str) -> str:
    """``"10.0.0.5:8080"`` or ``"http://host:8080/v1/"`` -> ``"http://host:8080"``, the
    root to which ``/v1/...`` paths are appended. ``RemoteError`` if it is not http(s)."""
    text = url.strip()
    text = text if "://" in text else f"http://{text}"
    try:
        parts = urlsplit(text)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        valid = valid and (parts.port is None or parts.port > 0)
    except ValueError:  # a port that is not a number
        valid = False
    if not valid:
        raise RemoteError(
            f"'{url}' is not an inference server address. Enter it as http://host:port, "
            "for example http://10.0.0.5:8080."
        )
    path = parts.path
    if path.endswith("/v1") or "/v1/" in path:
        path = path[: path.rfind("/v1")]
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}"


class StoppableRequest:
    """One generation's stop machinery, shared by its thread, ``cancel()`` and a watchdog."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._aborted = False

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpx's trace hook: keep the socket of the connection just opened."""
        if event in _CONNECTED and info.get("return_value") is not None:
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sock = sock if isinstance(sock, socket.socket) else self._sock
                if self._aborted:
                    self._shutdown()

    def abort(self) -> None:
        """End the blocked read of the generating thread, which then sees the token."""
        with self._lock:
            self._aborted = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):  # closed already, or a TLS socket's parent
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def watch(self) -> None:
        while not self.done.wait(0.05):
            if self.token.is_stopped:
                self.abort()
                return
