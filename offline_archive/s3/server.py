"""The archive's S3: moto's S3 application on 127.0.0.1, holding the files under their real bucket keys.

moto's S3 application (``moto.server.create_backend_app("s3")``) is served by a threaded
werkzeug server of our own rather than by ``ThreadedMotoServer``, so that WSGI middleware can
sit in front of it:

* :class:`ByteCounter` counts the body bytes the server sends, so a benchmark can check a
  client-side count against the server's.
* :func:`offline_archive.traffic.shaping.shape` adds latency and a bandwidth cap when asked to, and
  further middleware (fault injection) can be chained the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import get_canned_acl
from moto.server import create_backend_app

from ..network.webserver import ArchiveWSGIServer, make_archive_server
from ..store import StoredFile
from ..traffic.shaping import Shaping, shape
from .guard import S3Guard, S3RequestHandler

REGION = "us-east-1"
#: moto keeps all of S3 in one "global" backend per account.
_S3_REGION = "global"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class ByteCounter:
    """WSGI middleware: count the body bytes sent to clients.

    Parameters
    ----------
    app : WSGI application
        moto's S3 application (behind its guard).
    """

    def __init__(self, app: WSGIApp) -> None:
        self._app = app
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
        return self._count(self._app(environ, start_response))


class ArchiveS3:
    """An S3 server on a free loopback port, filled from the data store.

    Parameters
    ----------
    shaping : Shaping, optional
        Latency and bandwidth imposed on every request (default: none).
    backend : WSGI application, optional
        What answers instead of moto (the recorder or the replayer of :mod:`offline_archive.replay`);
        it is served as it is, without the guard, and :meth:`load` is not used.

    Notes
    -----
    The chain of WSGI applications, outermost first: :func:`~offline_archive.traffic.shaping.shape`
    (latency and bandwidth, when asked for), :class:`ByteCounter` (bytes sent),
    :class:`~offline_archive.s3.guard.S3Guard` (read-only once loaded, S3's error shapes), moto.
    ``app`` is what the server runs: wrap it further before :meth:`start` (a request log, faults).
    """

    def __init__(self, shaping: Shaping | None = None, backend: WSGIApp | None = None) -> None:
        self.shaping = shaping or Shaping()
        # moto behind the guard; or another S3 application (a recorder, a replayer) as it is
        self.guard = S3Guard(create_backend_app("s3")) if backend is None else None
        self.counter = ByteCounter(self.guard if backend is None else backend)
        self.app = shape(self.counter, self.shaping)
        self._server: ArchiveWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.endpoint = ""

    def start(self) -> str:
        """Start the server in a background thread; returns its endpoint URL."""
        self._server = make_archive_server("127.0.0.1", 0, self.app, handler=S3RequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="archive-s3", daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        return self.endpoint

    def load(self, files: Iterable[StoredFile]) -> int:
        """Store the files as S3 objects; returns the count.

        Every bucket and object is public-read, as MAST's ``stpubdata`` and IRSA's
        ``nasa-irsa-simulations`` are: anonymous clients read them, and so do signed ones.

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
        self.guard.seal()  # from now on the buckets are read-only, as the public ones are
        return len(files)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
