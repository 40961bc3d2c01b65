"""A guard in front of moto's S3: read-only buckets and errors in S3's XML shape.

The public ``stpubdata`` bucket is read-only to everyone; moto's server, though, accepts any
write from anyone.  Once the archive has loaded its files the guard is *sealed*: from then on
only reads (GET, HEAD) reach moto and every other request is answered ``403 AccessDenied`` as
S3 answers an anonymous write.  moto also answers some malformed reads (a ``max-keys`` that is
not a number, a garbled ``Authorization`` or ``If-Modified-Since``) with a 500 and an HTML page;
the guard turns such answers into ``400 InvalidRequest`` in S3's XML error shape, which is what
S3 itself says to a request it cannot parse, and gives S3's XML shape to the HTML 4xx pages
of moto's web framework (a key its routes cannot match, say).  Like the other middlewares it is a plain WSGI
wrapper, so fault injection and the request log can be stacked around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from moto.server import MotoRequestHandler

from ..network.webserver import ArchiveRequestHandler

#: Methods that only read.
READ_METHODS = frozenset({"GET", "HEAD"})
#: Buckets whose names start with this stay writable after sealing: a place where tests and
#: benchmarks put files of their own.  The archive's own buckets never have such names.
SCRATCH_PREFIX = "scratch-"


def bucket_of(environ: dict[str, Any]) -> str:
    """The bucket a request addresses: the first label of a virtual-hosted name, else the first
    path segment (path-style, as clients address an IP endpoint)."""
    host = environ.get("HTTP_HOST", "").split(":")[0]
    if host.count(".") >= 2 and not host.replace(".", "").isdigit() and ".s3" in host:
        return host.split(".s3", 1)[0]
    return environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]


def s3_error(code: str, message: str, resource: str) -> bytes:
    """An S3 error document (``<Error><Code>..</Code><Message>..</Message>..</Error>``)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<Resource>{escape(resource)}</Resource><RequestId>offline-archive</RequestId></Error>"
    ).encode()


class S3Guard:
    """WSGI middleware for moto's S3 application (see the module docstring).

    Parameters
    ----------
    app : WSGI application
        moto's application.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sealed = False

    def seal(self) -> None:
        """Refuse every write from now on (call once the archive's files are loaded), except to
        scratch buckets (:data:`SCRATCH_PREFIX`)."""
        self.sealed = True

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        resource = environ.get("PATH_INFO", "")
        writable = bucket_of(environ).startswith(SCRATCH_PREFIX)
        if self.sealed and method not in READ_METHODS and not writable:
            return _answer(start_response, "403 Forbidden", "AccessDenied", "Access Denied", resource, method)
        replaced: dict[str, str] = {}

        def checked(status: str, headers: list[tuple[str, str]], exc_info=None):
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            if status[:1] == "5" or (status[:1] == "4" and "xml" not in content_type):
                replaced["status"] = status
                return lambda data: None  # the page is replaced below
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, checked)
        except Exception as exc:
            replaced["status"] = f"500 {type(exc).__name__}"
            body = []
        if not replaced:
            return body
        if hasattr(body, "close"):
            body.close()
        code = int(replaced["status"][:3])
        if code >= 500:
            return _answer(
                start_response,
                "400 Bad Request",
                "InvalidRequest",
                f"The offline archive's S3 could not process this request ({replaced['status']}).",
                resource,
                method,
            )
        name = {404: "NoSuchKey", 405: "MethodNotAllowed", 416: "InvalidRange"}.get(code, "InvalidRequest")
        return _answer(
            start_response, replaced["status"], name, replaced["status"][4:] or name, resource, method
        )


def _answer(start_response, status: str, code: str, message: str, resource: str, method: str) -> list[bytes]:
    body = s3_error(code, message, resource)
    start_response(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [] if method == "HEAD" else [body]


class S3RequestHandler(ArchiveRequestHandler, MotoRequestHandler):
    """The archive's handler (idle timeout, parser errors answered in the shape) with moto's header
    handling; parser-level errors get S3's XML error shape."""

    def error_document(self, code: int, text: str) -> tuple[str, bytes]:
        return "application/xml", s3_error("InvalidRequest", text, getattr(self, "path", "") or "")
