"""The archive's S3: moto's S3 on 127.0.0.1, holding the files under their real bucket keys.

moto's WSGI application is served by werkzeug behind a thin gate (:class:`AccessGate`) that does
what moto alone does not: a private bucket refuses every unsigned request (listing included),
as a science platform's bucket refuses anyone outside the platform.  The gate also counts the
body bytes the server sends, so a benchmark can check a client-side count against the server's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import boto3
from botocore.config import Config
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from .store import StoredFile

REGION = "us-east-1"
#: moto accepts any signature; the loader signs with these obviously-local placeholder names.
_LOADER_ID = "offline-archive-loader"
_LOADER_SECRET = "offline-archive-loader-not-a-secret"

ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied'
    b"</Message><RequestId>offline-archive</RequestId><HostId>offline-archive</HostId></Error>"
)

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def _bucket_of(environ: dict) -> str:
    """The bucket a request addresses: the first path segment (path-style, as clients use for an IP
    endpoint) or the first label of the host name (virtual-hosted style)."""
    host = environ.get("HTTP_HOST", "").split(":")[0]
    if host.count(".") >= 2 and not host.replace(".", "").isdigit() and ".s3" in host:
        return host.split(".s3", 1)[0]
    return environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]


def _is_signed(environ: dict) -> bool:
    """Whether a request carries an AWS signature (a header, or a presigned URL's query)."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    return bool(environ.get("HTTP_AUTHORIZATION")) or "X-Amz-Signature" in query or "Signature" in query


class AccessGate:
    """WSGI middleware: refuse unsigned requests to private buckets; count the bytes sent.

    Parameters
    ----------
    app : WSGI application
        moto's S3 application.
    """

    def __init__(self, app: WSGIApp) -> None:
        self._app = app
        self.private_buckets: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._sent = 0

    @property
    def bytes_sent(self) -> int:
        """Body bytes sent to clients so far (object data, listings and error documents)."""
        with self._lock:
            return self._sent

    def _count(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        try:
            for chunk in chunks:
                with self._lock:
                    self._sent += len(chunk)
                yield chunk
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if _bucket_of(environ) in self.private_buckets and not _is_signed(environ):
            body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else ACCESS_DENIED
            start_response(
                "403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
            )
            return self._count([body])
        return self._count(self._app(environ, start_response))


class ArchiveS3:
    """moto's S3, served on a free loopback port and filled from the data store."""

    def __init__(self) -> None:
        self.gate = AccessGate(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.endpoint = ""

    def start(self) -> str:
        """Start the server; returns its endpoint URL."""
        self._server = make_server(
            "127.0.0.1", 0, self.gate, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="archive-s3", daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        return self.endpoint

    def _client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=_LOADER_ID,
            aws_secret_access_key=_LOADER_SECRET,
            config=Config(max_pool_connections=16, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def load(self, files: Iterable[StoredFile], workers: int = 8) -> int:
        """Upload files; returns the count.

        Public files become public-read objects in public-read buckets, which anonymous clients
        read exactly as they read the public ``stpubdata`` bucket.  A bucket with no public file is
        private: its objects are private and the gate refuses it every unsigned request, while
        signed requests (with any credentials) are served, as on a science platform.
        """
        client = self._client()
        files = list(files)
        buckets = {f.bucket for f in files if f.bucket}
        public_buckets = {f.bucket for f in files if f.bucket and f.public}
        for bucket in sorted(buckets):
            client.create_bucket(Bucket=bucket, ACL="public-read" if bucket in public_buckets else "private")
        self.gate.private_buckets = frozenset(buckets - public_buckets)

        def put(f: StoredFile) -> None:
            with open(f.path, "rb") as body:
                client.put_object(
                    Bucket=f.bucket, Key=f.key, Body=body, ACL="public-read" if f.public else "private"
                )

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(put, files))
        return len(files)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
