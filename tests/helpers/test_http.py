"""helpers.http against a real local HTTP server that fails on purpose."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from urllib3.response import HTTPResponse

from helpers.errors import ArchiveTimeoutError, ArchiveUnavailableError
from helpers.http import MAX_RETRY_AFTER, get_json, make_session


class _Flaky(BaseHTTPRequestHandler):
    """Answers the statuses in ``server.plan`` in turn, then 200 with JSON."""

    def do_GET(self) -> None:
        plan = self.server.plan
        self.server.calls += 1
        status = plan.pop(0) if plan else 200
        if status == "slow":
            threading.Event().wait(1.0)
            status = 200
        body = json.dumps({"ok": status == 200}).encode()
        kind = "application/json"
        if status == "maintenance":  # a web page where JSON was expected
            status, body, kind = 200, b"<html><body>MAST is down for maintenance</body></html>", "text/html"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # the client hung up on a slow answer, as the timeout test intends


@pytest.fixture
def server():
    httpd = _QuietServer(("127.0.0.1", 0), _Flaky)
    httpd.plan, httpd.calls = [], 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/x"


def test_transient_statuses_are_retried(server):
    server.plan = [503, 429, 502]
    response = get_json(_url(server), session=make_session(retries=4, backoff=0))
    assert response.json() == {"ok": True}
    assert server.calls == 4


def test_persistent_failure_names_the_url(server):
    server.plan = [504] * 10
    with pytest.raises(ArchiveUnavailableError, match=r"127\.0\.0\.1") as info:
        get_json(_url(server), session=make_session(retries=2, backoff=0))
    assert "Next step" in str(info.value)
    assert server.calls == 3


def test_client_errors_are_returned_not_retried(server):
    server.plan = [404]
    assert get_json(_url(server), session=make_session(backoff=0)).status_code == 404
    assert server.calls == 1


def test_timeout_is_its_own_error(server):
    server.plan = ["slow"] * 5
    with pytest.raises(ArchiveTimeoutError):
        get_json(_url(server), session=make_session(retries=0), timeout=0.2)


def test_refused_connection():
    with pytest.raises(ArchiveUnavailableError, match="connect"):
        get_json("http://127.0.0.1:9/x", session=make_session(retries=0))


def test_a_web_page_instead_of_json_is_unavailable(server):
    server.plan = ["maintenance"]
    with pytest.raises(ArchiveUnavailableError, match=r"not JSON .text/html") as info:
        get_json(_url(server), session=make_session(backoff=0))
    assert "maintenance" in info.value.next_step


@pytest.mark.parametrize(("header", "wait"), [("2", 2.0), ("3600", MAX_RETRY_AFTER), ("soon", None)])
def test_retry_after_is_capped_and_a_bad_one_ignored(header, wait):
    retry = make_session().get_adapter("https://mast.stsci.edu").max_retries
    response = HTTPResponse(body=b"", headers={"Retry-After": header}, status=503)
    assert retry.get_retry_after(response) == wait
