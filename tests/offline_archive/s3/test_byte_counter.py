"""The S3 byte counter: every body byte the server sends is counted."""

from __future__ import annotations

import pytest

from offline_archive.s3.server import ByteCounter


def _call(counter: ByteCounter, path: str, method: str = "GET") -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1:9000"}
    body = b"".join(counter(environ, start_response))
    return seen["status"], body


@pytest.fixture
def counter() -> ByteCounter:
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"object ", b"bytes"] if environ["REQUEST_METHOD"] == "GET" else []

    return ByteCounter(app)


def test_the_counter_passes_answers_through(counter) -> None:
    assert _call(counter, "/stpubdata/key") == ("200 OK", b"object bytes")


def test_the_counter_counts_the_bytes_it_sends(counter) -> None:
    before = counter.bytes_sent
    _call(counter, "/stpubdata/key")
    _call(counter, "/stpubdata/key", "HEAD")
    _call(counter, "/nasa-irsa-simulations/key")
    assert counter.bytes_sent - before == 2 * len(b"object bytes")
