"""A guard that makes any non-loopback network connection fail loudly.

Installed for the whole test session (conftest) and, through ``sitecustomize`` in this
folder, in every Python subprocess a test starts with this folder on ``PYTHONPATH``.
It patches the Python socket class, which every Python-level client (http.client,
httpx, asyncio, urllib) goes through. The check happens before any packet is sent.
"""

import ipaddress
import socket
from typing import Any

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


def _check(sock: socket.socket, address: Any) -> None:
    if not is_allowed(sock.family, address):
        raise NetworkAccessBlocked(f"blocked a network connection to {address!r} during tests")


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
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign,assignment]


def is_installed() -> bool:
    return (
        socket.socket.connect is _guarded_connect
        and socket.socket.connect_ex is _guarded_connect_ex
        and socket.socket.sendto is _guarded_sendto
    )
