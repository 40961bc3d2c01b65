"""The archive's S3: a moto server on 127.0.0.1 holding the files under their real bucket keys."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from moto.server import DomainDispatcherApplication, create_backend_app

from .s3guard import S3Guard, S3RequestHandler
from .store import StoredFile
from .webserver import ArchiveWSGIServer, make_archive_server

REGION = "us-east-1"
#: moto accepts any signature; the loader signs with these obviously-local placeholder names.
_LOADER_ID = "offline-archive-loader"
_LOADER_SECRET = "offline-archive-loader-not-a-secret"  # pragma: allowlist secret


class ArchiveS3:
    """moto's S3, served on a free loopback port behind :class:`~offline_archive.s3guard.S3Guard`.

    The guard keeps the buckets read-only once :meth:`load` has filled them, and S3's errors in
    S3's shape; ``app`` is the WSGI application the server runs (wrap it further before
    :meth:`start`, e.g. with fault injection).
    """

    def __init__(self) -> None:
        self.guard = S3Guard(DomainDispatcherApplication(create_backend_app))
        self.app = self.guard
        self._server: ArchiveWSGIServer | None = None
        self.endpoint = ""

    def start(self) -> str:
        """Start the server; returns its endpoint URL."""
        self._server = make_archive_server("127.0.0.1", 0, self.app, handler=S3RequestHandler)
        threading.Thread(target=self._server.serve_forever, name="archive-s3", daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        return self.endpoint

    def _client(self):  # noqa: ANN202 - a boto3 client
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=_LOADER_ID,
            aws_secret_access_key=_LOADER_SECRET,
            config=Config(max_pool_connections=16, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def load(self, files: Iterable[StoredFile], workers: int = 8) -> int:
        """Upload files as public-read objects (buckets public-read too); returns the count.

        Anonymous clients can then read them exactly as they read the public ``stpubdata`` bucket.
        """
        client = self._client()
        files = list(files)
        for bucket in sorted({f.bucket for f in files if f.bucket}):
            client.create_bucket(Bucket=bucket, ACL="public-read")

        def put(f: StoredFile) -> None:
            with open(f.path, "rb") as body:
                client.put_object(Bucket=f.bucket, Key=f.key, Body=body, ACL="public-read")

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(put, files))
        self.guard.seal()  # from now on the buckets are read-only, as the public ones are
        return len(files)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
