"""A guard that makes any non-loopback network connection fail loudly.

Installed for the whole test session (conftest) and, through ``sitecustomize`` in this
folder, in every Python subprocess a test starts with this folder on ``PYTHONPATH``.
It patches the Python socket class, which every Python-level client (http.client,
httpx, asyncio, urllib) goes through. The check happens before any packet is sent.

Two stricter modes, for the offline-guarantee tests, are chosen by the environment of a
subprocess: ``NETGUARD_MODE=no-sockets`` refuses to create any socket at all (what the
local and rule engines must never need), and ``NETGUARD_MODE=only:HOST:PORT`` allows
connections to that one address only (the configured remote server). Every refusal is
also appended to the file named by ``NETGUARD_LOG``, so that a refusal the program caught
and survived is still seen by the test.
"""

import ipaddress
import os
import socket
from typing import Any

MODE_ENV, LOG_ENV = "NETGUARD_MODE", "NETGUARD_LOG"
NO_SOCKETS = "no-sockets"

_original_init = socket.socket.__init__
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_sendto = socket.socket.sendto


class NetworkAccessBlocked(RuntimeError):
    """A test tried to reach a non-loopback address."""


def is_allowed(family: int, address: Any) -> bool:
    """Loopback IPs, ``localhost`` and Unix sockets are allowed; everything else is not."""
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost: never resolved, never reached


def _blocked(what: str) -> NetworkAccessBlocked:
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")
    return NetworkAccessBlocked(f"blocked {what} during tests")


def _only_address() -> tuple[str, int] | None:
    mode = os.environ.get(MODE_ENV, "")
    if not mode.startswith("only:"):
        return None
    host, _, port = mode.removeprefix("only:").rpartition(":")
    return host, int(port)


def _check(sock: socket.socket, address: Any) -> None:
    if not is_allowed(sock.family, address):
        raise _blocked(f"a network connection to {address!r}")
    only = _only_address()
    if only is None or sock.family == getattr(socket, "AF_UNIX", None):
        return
    if not isinstance(address, tuple) or (str(address[0]), int(address[1])) != only:
        raise _blocked(f"a connection to {address!r} (only {only!r} is configured)")


def _guarded_init(self: socket.socket, *args: Any, **kwargs: Any) -> None:
    if os.environ.get(MODE_ENV) == NO_SOCKETS:
        raise _blocked("creating a socket")
    _original_init(self, *args, **kwargs)


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _original_connect_ex(self, address)


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
    _check(self, args[-1])
    return _original_sendto(self, data, *args)


def install() -> None:
    socket.socket.__init__ = _guarded_init  # type: ignore[method-assign]
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign,assignment]


def is_installed() -> bool:
    return (
        socket.socket.__init__ is _guarded_init
        and socket.socket.connect is _guarded_connect
        and socket.socket.connect_ex is _guarded_connect_ex
        and socket.socket.sendto is _guarded_sendto
    )
