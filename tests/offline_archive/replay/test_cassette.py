"""The cassette: what two runs of one request share, what is kept of an answer, and nothing secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from offline_archive.replay.cassette import Cassette, CassetteError, Request, request_key
from offline_archive.replay.replayer import Replayer, requested_span
from offline_archive.replay.shapes import s3_missing, web_missing


def portal_request(cache_breaker: str, order: int = 0) -> Request:
    """An astroquery portal request as it goes on the wire (form field ``request`` holds JSON)."""
    fields = {"service": "Mast.Caom.Cone", "params": {"ra": 1.5, "dec": 2.5}, "format": "json", "page": 1}
    fields["cacheBreaker"] = cache_breaker
    if order:
        fields = dict(reversed(list(fields.items())))
    body = f"request={json.dumps(fields)}".encode()
    return Request(
        "web", "POST", "mast.stsci.edu", "/api/v0/invoke", "", body, "application/x-www-form-urlencoded"
    )


def multipart(boundary: str) -> Request:
    """A crossmatch upload as requests encodes it, with a given boundary."""
    parts = [
        ('name="request"', b'{"service": "Mast.Catalogs.Tic.Crossmatch"}'),
        ('name="file"; filename="t.csv"', b"ra,dec\n1,2\n"),
    ]
    body = (
        b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode()
            + content
            + b"\r\n"
            for disposition, content in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    content_type = f"multipart/form-data; boundary={boundary}"
    return Request("web", "POST", "mast.stsci.edu", "/api/v0/invoke", "", body, content_type)


def test_the_cache_breaker_and_field_order_do_not_change_the_key() -> None:
    assert request_key(portal_request("a1")) == request_key(portal_request("b2", order=1))


def test_the_parameters_do_change_the_key() -> None:
    other = portal_request("a1")
    other = Request(**{**other.__dict__, "body": other.body.replace(b"1.5", b"1.6")})
    assert request_key(other) != request_key(portal_request("a1"))


def test_query_order_and_signatures_do_not_change_the_key() -> None:
    a = Request("s3", "GET", "", "/stpubdata", "list-type=2&prefix=tess/&X-Amz-Signature=abc")
    b = Request("s3", "GET", "", "/stpubdata", "prefix=tess/&list-type=2&X-Amz-Signature=def")
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key(Request("s3", "GET", "", "/stpubdata", "prefix=hst/&list-type=2"))


def test_a_multipart_boundary_does_not_change_the_key() -> None:
    assert request_key(multipart("b0undaryONE")) == request_key(multipart("b0undaryTWO"))


def test_a_range_changes_the_key() -> None:
    a = Request("s3", "GET", "", "/b/k", range="bytes=0-99")
    assert request_key(a) != request_key(Request("s3", "GET", "", "/b/k", range="bytes=0-100"))


def test_answers_are_kept_without_cookies_and_replayed_in_order(tmp_path: Path) -> None:
    cassette = Cassette.create(tmp_path / "c", {"web": "test"})
    headers = [
        ("Content-Type", "application/json"),
        ("Set-Cookie", "session=planted-cookie"),
        ("ETag", '"1"'),
    ]
    cassette.add(portal_request("x"), 200, headers, b'{"n": 1}')
    cassette.add(portal_request("y"), 200, headers, b'{"n": 2}')
    path = cassette.close()
    assert not list(tmp_path.glob(".c.recording-*"))  # nothing half-written is left
    text = (path / "index.jsonl").read_text() + (path / "cassette.json").read_text()
    assert "planted-cookie" not in text and "etag" in text
    replayed = Cassette.open(path)
    app = Replayer(replayed, "web", web_missing)
    answers = [_call(app, portal_request(str(i))) for i in range(3)]
    assert [a[1] for a in answers] == [b'{"n": 1}', b'{"n": 2}', b'{"n": 2}']


def test_an_unrecorded_request_names_itself_and_how_to_record_it(tmp_path: Path) -> None:
    cassette = Cassette.create(tmp_path / "c", {})
    path = cassette.close()
    status, body = _call(Replayer(Cassette.open(path), "web", web_missing), portal_request("x"))
    message = json.loads(body)["msg"]
    assert status.startswith("200") and json.loads(body)["status"] == "ERROR"  # as the portal fails
    assert "POST https://mast.stsci.edu/api/v0/invoke" in message
    assert f"offline_archive record --cassette {path}" in message


def test_a_byte_range_inside_a_recorded_one_is_cut_from_it_and_one_outside_is_refused(tmp_path: Path) -> None:
    data = bytes(range(200))
    cassette = Cassette.create(tmp_path / "c", {})
    cassette.add(
        Request("s3", "GET", "", "/b/k", range="bytes=100-199"),
        206,
        [("Content-Range", "bytes 100-199/1000"), ("ETag", '"e"')],
        data[100:],
    )
    app = Replayer(Cassette.open(cassette.close()), "s3", s3_missing)
    status, body = _call(app, Request("s3", "GET", "", "/b/k", range="bytes=120-129"))
    assert status.startswith("206") and body == data[120:130]
    status, body = _call(app, Request("s3", "GET", "", "/b/k", range="bytes=90-129"))
    assert status.startswith("404") and b"<Code>NotRecorded</Code>" in body and b"bytes=90-129" in body


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=990-", (990, 999)),
        ("bytes=-10", (990, 999)),
        ("bytes=5-2", None),
        ("x", None),
    ],
)
def test_requested_spans(header: str, span) -> None:
    assert requested_span(header, 1000) == span


def test_a_folder_that_is_not_a_cassette_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="offline_archive record --cassette"):
        Cassette.open(tmp_path)


def test_an_abandoned_recording_leaves_nothing(tmp_path: Path) -> None:
    cassette = Cassette.create(tmp_path / "c", {})
    cassette.add(portal_request("x"), 200, [], b"{}")
    cassette.abandon()
    assert list(tmp_path.iterdir()) == []


def _call(app, request: Request) -> tuple[str, bytes]:
    builder = EnvironBuilder(
        method=request.method,
        path=request.path,
        query_string=request.query,
        data=request.body or None,
        content_type=request.content_type or None,
        base_url=f"{'https' if request.kind == 'web' else 'http'}://{request.host or '127.0.0.1'}",
        headers={**({"Range": request.range} if request.range else {})},
    )
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    body = b"".join(app(builder.get_environ(), start_response))
    return seen["status"], body
