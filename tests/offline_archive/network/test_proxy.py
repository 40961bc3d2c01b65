"""The network boundary: archive hosts are tunnelled, every other host is refused."""

from __future__ import annotations

import socket

import pytest

from offline_archive.network.proxy import ArchiveProxy, route


@pytest.mark.parametrize(
    ("method", "target", "expected"),
    [
        (b"CONNECT", b"mast.stsci.edu:443", ("tls", "mast.stsci.edu")),
        (b"CONNECT", b"exo.mast.stsci.edu:443", ("tls", "exo.mast.stsci.edu")),
        (b"CONNECT", b"MAST.STScI.edu:443", ("tls", "mast.stsci.edu")),
        (b"CONNECT", b"mast.stsci.edu:8443", (None, "mast.stsci.edu")),
        (b"CONNECT", b"pypi.org:443", (None, "pypi.org")),
        (b"CONNECT", b"mast.stsci.edu.evil.example:443", (None, "mast.stsci.edu.evil.example")),
        (b"GET", b"http://mastresolver.stsci.edu/Santa-war/query?name=x", ("http", "mastresolver.stsci.edu")),
        (b"GET", b"http://example.com/", (None, "example.com")),
        (b"GET", b"/relative/path", (None, "/relative/path")),
    ],
)
def test_route(method: bytes, target: bytes, expected: tuple) -> None:
    assert route(method, target) == expected


@pytest.fixture
def proxy():
    # Upstreams that nothing listens on: a refused request must never reach them anyway.
    running = ArchiveProxy({"tls": ("127.0.0.1", 9), "http": ("127.0.0.1", 9)})
    running.start()
    yield running
    running.stop()


def _exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_proxy_listens_on_loopback_only(proxy) -> None:
    assert proxy._server.sockets[0].getsockname()[0] == "127.0.0.1"


def test_other_hosts_are_refused_with_a_message(proxy) -> None:
    answer = _exchange(proxy.port, b"CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"does not forward requests" in answer and b"pypi.org" in answer


def test_garbage_gets_a_400_and_the_proxy_stays_up(proxy) -> None:
    assert _exchange(proxy.port, b"\x00\xff nonsense\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert _exchange(proxy.port, b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n").startswith(
        b"HTTP/1.1 403"
    )
