"""The archive's HTTP(S) server: TLS handshakes per connection, parser errors in the JSON error shape."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from offline_archive.network.certs import ensure_tls
from offline_archive.network.webserver import ArchiveWSGIServer
from offline_archive.services.app import PortalRequestHandler


def _app(environ, start_response):
    return Response(json.dumps({"scheme": environ["wsgi.url_scheme"]}), mimetype="application/json")(
        environ, start_response
    )


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    files = ensure_tls(tmp_path_factory.mktemp("tls"))
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(files.server_cert, files.server_key)
    client_side = ssl.create_default_context(cafile=str(files.ca_cert))
    return server_side, client_side


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def _https_get(port: int, client_side: ssl.SSLContext, timeout: float) -> dict:
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=client_side)
    # The certificate names the archive hosts: verify against one of them, connect to loopback.
    conn.sock = client_side.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=timeout), server_hostname="mast.stsci.edu"
    )
    conn.request("GET", "/", headers={"Host": "mast.stsci.edu"})
    return json.loads(conn.getresponse().read())


def test_a_silent_client_does_not_stall_the_others(tls):
    server_side, client_side = tls
    server = _serve(ArchiveWSGIServer("127.0.0.1", 0, _app, ssl_context=server_side))
    try:
        with socket.create_connection(("127.0.0.1", server.server_port)):  # connects, never handshakes
            assert _https_get(server.server_port, client_side, timeout=5) == {"scheme": "https"}
    finally:
        server.shutdown()


def test_werkzeugs_own_tls_server_is_stalled_by_a_silent_client(tls):
    """The problem the archive's server solves: Werkzeug shakes hands inside accept()."""
    server_side, client_side = tls
    server = _serve(make_server("127.0.0.1", 0, _app, threaded=True, ssl_context=server_side))
    silent = socket.create_connection(("127.0.0.1", server.server_port))
    try:
        with pytest.raises((TimeoutError, ssl.SSLError, OSError)):
            _https_get(server.server_port, client_side, timeout=1)
    finally:
        silent.close()  # frees the accept loop so that shutdown can proceed
        server.shutdown()


def test_plain_http_still_works():
    server = _serve(ArchiveWSGIServer("127.0.0.1", 0, _app))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5)
        conn.request("GET", "/")
        assert json.loads(conn.getresponse().read()) == {"scheme": "http"}
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"\xff\xfe GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9\r\n\r\n", 400),
    ],
)
def test_requests_the_parser_rejects_get_json_errors(raw, status):
    server = _serve(ArchiveWSGIServer("127.0.0.1", 0, _app, handler=PortalRequestHandler))
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as sock:
            sock.sendall(raw)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == str(status).encode()
        assert b"Content-Type: application/json" in head
        assert json.loads(body)["status"] == "ERROR"
    finally:
        server.shutdown()
