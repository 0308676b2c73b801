"""The network guard itself: it must block non-loopback addresses before any packet."""

import socket
import subprocess
import sys

import netguard
import pytest
from conftest import REPO_ROOT, SUPPORT_DIR


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        (("127.0.0.1", 80), True),
        (("127.8.9.10", 80), True),
        (("localhost", 80), True),
        (("::1", 80, 0, 0), True),
        (("10.0.0.1", 80), False),
        (("192.168.1.1", 443), False),
        (("172.16.0.1", 443), False),
        (("8.8.8.8", 53), False),
        (("huggingface.co", 443), False),
        (("2001:db8::1", 443, 0, 0), False),
        (("0.0.0.0", 80), False),
    ],
)
def test_decides_by_address(address: tuple[object, ...], allowed: bool) -> None:
    family = socket.AF_INET6 if ":" in str(address[0]) else socket.AF_INET
    assert netguard.is_allowed(family, address) is allowed


def test_blocks_a_real_socket_before_connecting() -> None:
    # The identity check first: if the guard were missing, no packet may be sent.
    assert netguard.is_installed()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(netguard.NetworkAccessBlocked):
            sock.connect(("192.0.2.1", 9))
        with pytest.raises(netguard.NetworkAccessBlocked):
            sock.connect_ex(("192.0.2.1", 9))
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        pytest.raises(netguard.NetworkAccessBlocked),
    ):
        udp.sendto(b"x", ("192.0.2.1", 53))


def test_loopback_connections_still_work() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            peer, _ = server.accept()
            with peer:
                client.sendall(b"ping")
                assert peer.recv(4) == b"ping"


def test_subprocesses_get_the_guard() -> None:
    code = "import socket, netguard; print(netguard.is_installed())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SUPPORT_DIR), "PATH": "/usr/bin:/bin"},
        cwd=REPO_ROOT,
        check=True,
    )
    assert result.stdout.strip() == "True"
