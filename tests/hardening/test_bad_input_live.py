"""Hostile requests through the real servers: the proxy, TLS with the archive's CA, Werkzeug, moto.

Fewer examples than ``test_bad_input.py`` (each one is a real connection), but the whole path:
what the proxy refuses, what the TLS server's request parser refuses, and what reaches the
services.  The archive runs in this process (``faulty_archive``, no faults set), so the audit
hook sees every file its threads open.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
from urllib.parse import quote

import boto3
import psutil
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from hostile import (
    SYSTEM_FILE_MARK,
    check_answer,
    file_audit,
    hostile_requests,
    hostile_text,
    hypothesis_settings,
    make_canary,
    traversals,
)
from hypothesis import given
from hypothesis import strategies as st
from report import count

from offline_archive.network.hosts import TLS_HOSTS
from offline_archive.paths import archive_root, data_dir
from offline_archive.services.app import create_app

pytestmark = [pytest.mark.archive, pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")]

#: Generated requests per route through the proxy and TLS.
EXAMPLES = 25
#: Generated S3 requests, and raw request heads sent down a TLS tunnel.
S3_EXAMPLES = 80
RAW_EXAMPLES = 40
RULES = sorted((r for r in create_app(None).url_map.iter_rules()), key=lambda r: (r.host, r.rule))
S3_PARAMS = [
    "list-type",
    "prefix",
    "max-keys",
    "continuation-token",
    "delimiter",
    "marker",
    "start-after",
    "versionId",
    "partNumber",
    "uploadId",
    "response-content-type",
    "acl",
    "tagging",
    "attributes",
    "torrent",
    "uploads",
    "versions",
    "delete",
    "policy",
    "x-id",
    "encoding-type",
]
S3_HEADERS = [
    "Range",
    "If-Modified-Since",
    "If-Match",
    "If-None-Match",
    "Authorization",
    "x-amz-content-sha256",
    "x-amz-checksum-mode",
    "x-amz-request-payer",
    "Content-MD5",
    "x-amz-date",
]


@pytest.fixture(scope="module")
def world(faulty_archive, tmp_path_factory):
    canary, token = make_canary(tmp_path_factory.mktemp("outside"))
    data = data_dir(archive_root())
    return {
        "data": data,
        "forbidden": [token, SYSTEM_FILE_MARK],
        "special": traversals(canary, data),
        "canary": canary,
        "env": faulty_archive.env,
    }


def _scheme(host: str) -> str:
    return "https" if host in TLS_HOSTS else "http"


def _healthy() -> None:
    answer = requests.get(
        "http://mastresolver.stsci.edu/Santa-war/query", params={"name": "Pi Men"}, timeout=30
    )
    assert answer.status_code == 200 and answer.json()["resolvedCoordinate"]
    cone = requests.post(
        "https://mast.stsci.edu/api/v0/invoke",
        timeout=30,
        data={
            "request": '{"service": "Mast.Caom.Cone", "params": {"ra": 84.29, "dec": -80.47, "radius": 0.01}}'
        },
    )
    assert cone.status_code == 200 and cone.json()["status"] == "COMPLETE"


def _send(session: requests.Session, host: str, request) -> requests.Response:
    url = f"{_scheme(host)}://{host}{request.path}"
    params = request.query if isinstance(request.query, dict) else None
    if isinstance(request.query, str) and request.query:
        url += "?" + request.query
    headers = {name: value.strip() for name, value in request.headers.items()}
    return session.request(
        request.method,
        url,
        params=params,
        data=request.body,
        headers=headers,
        timeout=60,
        allow_redirects=False,
    )


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.host}{r.rule}" for r in RULES])
def test_hostile_requests_through_the_proxy_and_tls(world, rule):
    session, audit, seen = requests.Session(), file_audit(), []
    methods = sorted(rule.methods - {"OPTIONS"})

    @hypothesis_settings(EXAMPLES)
    @given(request=hostile_requests(rule.rule, methods, world["special"]))
    def attempt(request):
        with audit.watching() as opened:
            try:
                response = _send(session, rule.host, request)
            except requests.exceptions.InvalidHeader:
                return  # requests itself refuses to send such a header
            except requests.ConnectionError as error:
                raise AssertionError(f"no answer for {request.describe()}: {str(error)[-300:]}") from None
        seen.extend(opened)
        count(f"proxy+TLS: {rule.host}{rule.rule}")
        if response.headers.get("X-Offline-Archive") == "refused":  # the proxy's own (text) refusal
            assert 400 <= response.status_code < 500
            return
        check_answer(
            rule.host,
            request.path,
            request.method,
            response.status_code,
            response.headers.get("Content-Type", ""),
            response.content,
            world["forbidden"],
            request.describe(),
        )

    attempt()
    assert audit.outside(seen, [world["data"]]) == [], "files outside the data directory were opened"
    _healthy()


def _tunnel(env: dict[str, str], host: str = "mast.stsci.edu") -> ssl.SSLSocket:
    """A TLS connection to an archive host through the proxy, as a client's CONNECT makes it."""
    port = int(env["HTTPS_PROXY"].rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 200"), head
    context = ssl.create_default_context(cafile=env["REQUESTS_CA_BUNDLE"])
    return context.wrap_socket(sock, server_hostname=host)


def _exchange(sock: socket.socket, raw: bytes) -> bytes:
    with sock:
        sock.sendall(raw)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionError, ssl.SSLError):
            pass
    return answer


def raw_heads(special: list[str]) -> st.SearchStrategy[bytes]:
    """Request heads no well-behaved client sends: odd methods, non-UTF-8 targets, huge or broken headers."""
    target = st.one_of(
        hostile_text(special).map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)
    ).map(lambda b: b"/api/v0.1/Download/file?uri=" + b.replace(b" ", b"%20"))
    header = st.one_of(
        st.binary(max_size=100),
        st.just(b"X-Big: " + b"a" * 70_000),
        st.just(b"Host: \xff\xfe"),
        st.just(b"Content-Length: -5"),
        st.just(b"Content-Length: 99999999999"),
        st.just(b"Transfer-Encoding: chunked"),
        st.just(b"Expect: 100-continue"),
    )
    method = st.sampled_from([b"GET", b"POST", b"HEAD", b"\xff\xfe", b"GET GET", b"", b"CONNECT", b"TRACE"])
    version = st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9.9", b"", b"HTTP/1.1 x"])
    return st.builds(
        lambda m, t, v, hs, body: (
            m
            + b" "
            + t
            + b" "
            + v
            + b"\r\nHost: mast.stsci.edu\r\n"
            + b"".join(h.replace(b"\r", b"").replace(b"\n", b"") + b"\r\n" for h in hs)
            + b"\r\n"
            + body
        ),
        method,
        target,
        version,
        st.lists(header, max_size=3),
        st.binary(max_size=100),
    )


def test_raw_request_heads_down_the_tls_tunnel(world):
    @hypothesis_settings(RAW_EXAMPLES)
    @given(raw=raw_heads(world["special"]))
    def attempt(raw):
        answer = _exchange(_tunnel(world["env"]), raw)
        count("raw heads through proxy+TLS: mast.stsci.edu")
        if not answer:
            return  # the server may close a connection that sent nothing it could read
        head, _, body = answer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        content_type = next(
            (
                line.split(b":", 1)[1].strip().decode()
                for line in head.split(b"\r\n")[1:]
                if line.lower().startswith(b"content-type:")
            ),
            "",
        )
        method = raw.split(b" ", 1)[0].decode("latin-1")
        check_answer(
            "mast.stsci.edu",
            "/api/v0.1/Download/file",
            method,
            status,
            content_type,
            body,
            world["forbidden"],
            repr(raw[:200]),
        )

    attempt()
    _healthy()


# --------------------------------------------------------------------------------------------
# S3: hostile keys, parameters and headers; the buckets stay read-only
# --------------------------------------------------------------------------------------------


def _s3_error_code(body: bytes) -> str:
    """The Code of an S3 error document (read with a pattern: moto echoes keys that XML cannot hold)."""
    match = re.search(rb"<Error>.*?<Code>(\w+)</Code>", body, re.DOTALL)
    assert match, body[:300]
    return match.group(1).decode()


def _listing(endpoint: str) -> list[str]:
    """Every key of ``stpubdata``, all pages, each with its ETag and size: what must not change."""
    client = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version=UNSIGNED))
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="stpubdata")
    return [f"{o['Key']} {o['ETag']} {o['Size']}" for page in pages for o in page.get("Contents", [])]


def test_hostile_s3_requests(world):
    endpoint, audit, seen = world["env"]["AWS_ENDPOINT_URL_S3"], file_audit(), []
    before = _listing(endpoint)
    text = hostile_text(world["special"])
    requests_ = st.tuples(
        st.sampled_from(["GET"] * 4 + ["HEAD", "PUT", "DELETE", "POST"]),
        st.one_of(st.sampled_from(["stpubdata", "", "..", "%2e%2e"]), text),
        st.one_of(st.sampled_from([entry.split(" ")[0] for entry in before[:3]]), text),
        st.dictionaries(st.sampled_from(S3_PARAMS), text, max_size=3),
        st.dictionaries(
            st.sampled_from(S3_HEADERS),
            text.map(
                lambda t: (
                    t.encode("latin-1", "replace")
                    .decode("latin-1")
                    .replace("\r", "")
                    .replace("\n", "")
                    .strip()
                )
            ),
            max_size=2,
        ),
    )

    @hypothesis_settings(S3_EXAMPLES)
    @given(request=requests_)
    def attempt(request):
        method, bucket, key, params, headers = request
        url = (
            f"{endpoint}/{quote(bucket.encode('utf-8', 'surrogatepass'), safe='%')}/"
            f"{quote(key.encode('utf-8', 'surrogatepass'), safe='/%')}"
        )
        with audit.watching() as opened:
            try:
                response = requests.request(method, url, params=params, headers=headers, timeout=60)
            except (requests.exceptions.InvalidHeader, UnicodeError):
                return
        seen.extend(opened)
        count("S3 (moto behind the guard)")
        body = response.content
        assert response.status_code < 500, (
            f"{response.status_code} for {method} {url} {params} {headers}: {body[:300]}"
        )
        for mark in world["forbidden"]:
            assert mark.encode() not in body
        if method not in ("GET", "HEAD"):  # refused by the guard, or by the parser before it
            assert 400 <= response.status_code < 500
            assert _s3_error_code(body) in {"AccessDenied", "InvalidRequest"}
        elif response.status_code >= 400 and method == "GET":
            assert _s3_error_code(body)

    attempt()
    assert audit.outside(seen, [world["data"]]) == []
    assert _listing(endpoint) == before, "the bucket is unchanged"


def test_the_archive_listens_on_loopback_only(faulty_archive, archive_env):
    """Every listening socket of the archive (here in-process, and the session's subprocess) is 127.0.0.1."""
    # The session's archive is a child of this process, or of the pytest-xdist controller that
    # started it for its workers: found by the proxy port its environment names.
    proxy_port = int(archive_env["HTTPS_PROXY"].rsplit(":", 1)[1])
    session_archive = [
        psutil.Process(c.pid)
        for c in psutil.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == proxy_port and c.pid
    ]
    assert session_archive, "the session's archive is running"
    assert (
        "offline_archive" in " ".join(session_archive[0].cmdline())
        and "serve" in session_archive[0].cmdline()
    )
    for process in [psutil.Process(os.getpid()), *session_archive]:
        listening = [c for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert len(listening) >= 4, "proxy, TLS and plain web servers, S3"
        assert {c.laddr.ip for c in listening} == {"127.0.0.1"}, listening
