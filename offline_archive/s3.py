"""The archive's S3: a moto server on 127.0.0.1 holding the files under their real bucket keys."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from .store import StoredFile

REGION = "us-east-1"
#: moto accepts any signature; the loader signs with these obviously-local placeholder names.
_LOADER_ID = "offline-archive-loader"
_LOADER_SECRET = "offline-archive-loader-not-a-secret"


class ArchiveS3:
    """A moto S3 server, started on a free loopback port and filled from the data store."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        """Start the server; returns its endpoint URL."""
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
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
        return len(files)

    def stop(self) -> None:
        self._server.stop()
