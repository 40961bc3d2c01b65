"""The recorder: WSGI applications that forward what clients ask the archive to the real services
and keep every exchange in a cassette (:mod:`.cassette`).

It stands where the generated archive's applications stand, behind the same proxy, TLS server
and S3 endpoint, so a notebook run under ``record`` sends exactly what it sends under ``exec``.
Forwarding uses ``requests`` with the environment ignored (``trust_env = False``: the archive's own
proxy variables must not loop back) and TLS verified against the system's trust store, or against
``--upstream-ca`` with ``--upstream-proxy``.  S3 requests go out anonymously, as the notebooks' are;
a bucket that refuses an anonymous read (403) is asked again, signed for the real endpoint with
botocore's SigV4 and the credentials of the recorder's own environment, never with a client's.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests

from .cassette import Cassette, Request

#: Request headers never forwarded: hop-by-hop ones, and the client's own signature and cookies
#: (the recorder signs with its own credentials when a bucket needs them).
DROPPED_REQUEST_HEADERS = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "authorization",
        "cookie",
        "x-amz-date",
        "x-amz-content-sha256",
        "x-amz-security-token",
    }
)
#: Response headers not passed back (hop-by-hop, or recomputed here).
DROPPED_RESPONSE_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie", "proxy-authenticate"}
)
#: Seconds to connect and to wait for an answer from the upstream.
TIMEOUT = (15.0, 600.0)
#: The real S3 endpoint (path-style addressing, as the archive's clients use).
REAL_S3 = "https://s3.amazonaws.com"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


@dataclass(frozen=True)
class Upstream:
    """Where a recording forwards to.

    Attributes
    ----------
    proxy : str or None
        An HTTP proxy for the web hosts (``--upstream-proxy``); None: straight to the real hosts.
    ca : str or None
        A CA bundle for the web hosts' TLS (``--upstream-ca``); None: the system's trust store.
    s3 : str
        The S3 endpoint (``--upstream-s3``); by default the real one.
    """

    proxy: str | None = None
    ca: str | None = None
    s3: str = REAL_S3

    @classmethod
    def of_archive(cls, env: dict[str, str]) -> Upstream:
        """The running offline archive whose client environment is ``env`` (``serve.client_environment``:
        its proxy, its certificate authority and its S3 endpoint), to record against it.

        Raises
        ------
        KeyError
            When ``env`` does not name an archive (none is running).
        """
        return cls(proxy=env["HTTPS_PROXY"], ca=env["REQUESTS_CA_BUNDLE"], s3=env["AWS_ENDPOINT_URL_S3"])

    def options(self) -> list[str]:
        """The ``--upstream-*`` options of ``python -m offline_archive record`` that name this upstream."""
        named = [("--upstream-proxy", self.proxy), ("--upstream-ca", self.ca), ("--upstream-s3", self.s3)]
        return [part for option, value in named if value is not None for part in (option, value)]

    def describe(self) -> dict[str, str]:
        return {"web": self.proxy or "the real hosts", "ca": self.ca or "system trust store", "s3": self.s3}

    def session(self, kind: str) -> requests.Session:
        """A session for ``"web"`` or ``"s3"`` requests that ignores the environment (no proxy loops)
        and verifies TLS; only the web hosts go through ``proxy``."""
        session = requests.Session()
        session.trust_env = False
        if self.proxy and kind == "web":
            session.proxies = {"http": self.proxy, "https": self.proxy}
        session.verify = self.ca or system_trust_store()
        return session


def system_trust_store() -> str | bool:
    """The system's CA file or directory as OpenSSL knows it (True: requests' own bundle)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.capath):
        if candidate:
            return candidate
    return True


def _forwarded_headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {}
    for name, value in environ.items():
        if name.startswith("HTTP_"):
            header = name[5:].replace("_", "-").lower()
            if header not in DROPPED_REQUEST_HEADERS:
                headers[header] = value
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


def respond(
    start_response: Callable, status: int, headers: Iterable[tuple[str, str]], body: bytes, method: str
):
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Unknown"
    passed = [(k, v) for k, v in headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
    length = (
        next((v for k, v in headers if k.lower() == "content-length"), None) if method == "HEAD" else None
    )
    passed.append(("Content-Length", length if length is not None else str(len(body))))
    start_response(f"{status} {reason}", passed)
    return [] if method == "HEAD" else [body]


class Recorder:
    """WSGI application: forward each request upstream, keep the exchange, pass the answer back.

    Parameters
    ----------
    cassette : Cassette
        Where exchanges go.
    kind : str
        ``"web"`` (the MAST hosts, answered by ``https://<Host>``) or ``"s3"``.
    upstream : Upstream
    on_error : callable
        ``(message, status) -> (content type, body)``: the service's error shape, for an upstream
        that cannot be reached (nothing is recorded then).
    """

    def __init__(self, cassette: Cassette, kind: str, upstream: Upstream, on_error) -> None:
        self.cassette = cassette
        self.kind = kind
        self.upstream = upstream
        self.on_error = on_error
        self._local = threading.local()  # one session per server thread

    def url(self, request: Request, environ: dict[str, Any]) -> str:
        query = f"?{request.query}" if request.query else ""
        if self.kind == "s3":
            return f"{self.upstream.s3.rstrip('/')}{request.path}{query}"
        return f"{environ.get('wsgi.url_scheme', 'https')}://{request.host}{request.path}{query}"

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = Request.from_environ(self.kind, environ)
        url = self.url(request, environ)
        headers = _forwarded_headers(environ)
        try:
            status, answer_headers, body = self._forward(request.method, url, headers, request.body)
            if self.kind == "s3" and status == 403:
                signed = self._signed(request.method, url, headers, request.body)
                if signed is not None:
                    status, answer_headers, body = self._forward(request.method, url, signed, request.body)
        except requests.RequestException as exc:
            content_type, text = self.on_error(
                f"Recording: the upstream for {request.url()} could not be reached ({type(exc).__name__}: {exc}).",
                502,
            )
            return respond(start_response, 502, [("Content-Type", content_type)], text, request.method)
        self.cassette.add(request, status, answer_headers, body)
        return respond(start_response, status, answer_headers, body, request.method)

    def _forward(self, method: str, url: str, headers: dict[str, str], body: bytes):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.upstream.session(self.kind)
        response = session.request(
            method,
            url,
            headers=headers,
            data=body or None,
            stream=True,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        try:
            data = response.raw.read(decode_content=False)  # the bytes as sent, encoding and all
        finally:
            response.close()
        return response.status_code, list(response.raw.headers.items()), data

    def _signed(self, method: str, url: str, headers: dict[str, str], body: bytes) -> dict[str, str] | None:
        """Headers signed with the recorder's own credentials (None when it has none)."""
        import botocore.session
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest

        credentials = botocore.session.Session().get_credentials()
        if credentials is None:
            return None
        aws = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
        S3SigV4Auth(credentials.get_frozen_credentials(), "s3", "us-east-1").add_auth(aws)
        return dict(aws.headers.items())
