"""The error shapes of the services a cassette stands in for: the portal's JSON and S3's XML."""

from __future__ import annotations

import json

from ..s3.guard import s3_error
from ..services.mast import error_result
from .cassette import Request


def web_error(message: str, status: int) -> tuple[str, bytes]:
    """Content type and body of a web service's error (astroquery raises it as ``RemoteServiceError``)."""
    return "application/json", json.dumps(error_result(message)).encode()


def s3_failure(message: str, status: int) -> tuple[str, bytes]:
    """Content type and body of an S3 error (botocore raises it as ``ClientError``)."""
    return "application/xml", s3_error(
        "ServiceUnavailable" if status >= 500 else "InvalidRequest", message, ""
    )


#: The portal's service endpoint.  astroquery calls ``raise_for_status()`` on its answers before it
#: reads them, so an HTTP error would reach a learner as a bare "404 Client Error" without our
#: message; an answer of 200 whose JSON says ``"status": "ERROR"`` is raised as
#: ``RemoteServiceError`` with the message (``astroquery.mast.discovery_portal``, 0.4.11).
PORTAL_INVOKE = "/api/v0/invoke"


def web_missing(message: str, request: Request) -> tuple[int, str, bytes]:
    """A web request the cassette does not hold, in the portal's error shape: 200 with
    ``status: ERROR`` for ``invoke`` (see :data:`PORTAL_INVOKE`), 404 for every other path."""
    status = 200 if request.path == PORTAL_INVOKE else 404
    return (status, *web_error(message, status))


def s3_missing(message: str, request: Request) -> tuple[int, str, bytes]:
    """An S3 request (or byte range) the cassette does not hold: 404 ``NotRecorded`` in S3's shape.

    The code is one s3fs does not know, so it raises the message as an ``OSError`` rather than
    reading an empty result.
    """
    return 404, "application/xml", s3_error("NotRecorded", message, request.path)
