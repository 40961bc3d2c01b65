"""The S3 access gate: private buckets answer only signed requests; every byte sent is counted."""

from __future__ import annotations

import pytest

from offline_archive.s3.server import ACCESS_DENIED, AccessGate

# --------------------------------------------------------------------------------------------
# The S3 gate
# --------------------------------------------------------------------------------------------


def _call(gate: AccessGate, path: str, method: str = "GET", **environ) -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    body = b"".join(
        gate(
            {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "HTTP_HOST": "127.0.0.1:9000",
                **environ,
            },
            start_response,
        )
    )
    return seen["status"], body


@pytest.fixture
def gate() -> AccessGate:
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"object bytes"]

    gate = AccessGate(app)
    gate.private_buckets = frozenset({"private-bucket"})
    return gate


def test_the_gate_refuses_unsigned_requests_to_a_private_bucket(gate) -> None:
    assert _call(gate, "/private-bucket/key") == ("403 Forbidden", ACCESS_DENIED)
    assert _call(gate, "/private-bucket", "HEAD") == ("403 Forbidden", b"")
    assert _call(gate, "/private-bucket/key", QUERY_STRING="list-type=2")[0] == "403 Forbidden"


def test_the_gate_serves_signed_requests_and_public_buckets(gate) -> None:
    signed = {"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=offline-archive-platform/..."}
    assert _call(gate, "/private-bucket/key", **signed) == ("200 OK", b"object bytes")
    assert _call(gate, "/private-bucket/key", QUERY_STRING="X-Amz-Signature=abc") == (
        "200 OK",
        b"object bytes",
    )
    assert _call(gate, "/stpubdata/key") == ("200 OK", b"object bytes")


def test_the_gate_counts_the_bytes_it_sends(gate) -> None:
    before = gate.bytes_sent
    _call(gate, "/stpubdata/key")
    _call(gate, "/private-bucket/key")
    assert gate.bytes_sent - before == len(b"object bytes") + len(ACCESS_DENIED)
