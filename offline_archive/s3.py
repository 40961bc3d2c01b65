"""The archive's S3: moto's S3 application on 127.0.0.1, holding the files under their real bucket keys.

moto's S3 application (``moto.server.create_backend_app("s3")``) is served by a threaded
werkzeug server of our own rather than by ``ThreadedMotoServer``, so that WSGI middleware can
sit in front of it: :func:`offline_archive.shaping.shape` adds latency and a bandwidth cap when
asked to, and further middleware (fault injection) can be chained the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import get_canned_acl
from moto.server import MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from .shaping import Shaping, shape
from .store import StoredFile

REGION = "us-east-1"
#: moto keeps all of S3 in one "global" backend per account.
_S3_REGION = "global"


class ArchiveS3:
    """An S3 server on a free loopback port, filled from the data store.

    Parameters
    ----------
    shaping : Shaping, optional
        Latency and bandwidth imposed on every request (default: none).
    """

    def __init__(self, shaping: Shaping | None = None) -> None:
        self.shaping = shaping or Shaping()
        self._server: BaseWSGIServer | None = None
        self.endpoint = ""

    def start(self) -> str:
        """Start the server in a background thread; returns its endpoint URL."""
        app = shape(create_backend_app("s3"), self.shaping)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
        threading.Thread(target=self._server.serve_forever, name="archive-s3", daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        return self.endpoint

    def load(self, files: Iterable[StoredFile]) -> int:
        """Store files as public-read objects in public-read buckets; returns the count.

        Anonymous clients can then read them exactly as they read the public ``stpubdata`` bucket.
        The objects go straight into moto's in-process S3 backend, the one the server answers
        from: through HTTP, moto spends about 5 ms of CPU on each PUT, which for the ~1,400 files
        of the archive would take the server longer to start than its 10-second budget.
        """
        backend = get_backend("s3")[DEFAULT_ACCOUNT_ID][_S3_REGION]
        files = [f for f in files if f.bucket and f.key]
        for bucket in sorted({f.bucket for f in files} - set(backend.buckets)):
            backend.create_bucket(bucket, REGION)
            backend.put_bucket_acl(bucket, get_canned_acl("public-read"))
        for f in files:
            stored = backend.put_object(f.bucket, f.key, f.path.read_bytes())
            stored.set_acl(get_canned_acl("public-read"))
        return len(files)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
