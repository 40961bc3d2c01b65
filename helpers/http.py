"""HTTP for the helpers: one session with a timeout and retries on every call.

Every helper that talks to an archive web service goes through :func:`get_json` (answers) or
:func:`download` (files), so each call has a timeout and transient failures are retried with
exponential backoff by urllib3's :class:`~urllib3.util.Retry`:

* a connection that cannot be made or is dropped, and the statuses 429, 502, 503 and 504, by
  the session's adapter (honouring ``Retry-After``, up to :data:`MAX_RETRY_AFTER` seconds);
* an answer whose body is cut off part-way (requests reads bodies after urllib3 has handed the
  response over, so the adapter never sees that failure), by the same ``Retry`` rules here.

What is left after the retries becomes one of the helpers' exceptions, whose message names the
URL and the next step.  A download is written to a temporary file beside its destination and
renamed into place only once its length matches ``Content-Length``: a destination path never
holds a partial file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util import Retry

from helpers.errors import ArchiveRequestError, ArchiveTimeoutError, ArchiveUnavailableError, MissingFileError

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_TIMEOUT",
    "MAX_RETRY_AFTER",
    "TRANSIENT_STATUS",
    "download",
    "get_json",
    "make_session",
]

#: Seconds to wait for a connection, then for each read.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
#: Answers that mean "try again shortly" rather than "this request is wrong".
TRANSIENT_STATUS: frozenset[int] = frozenset({429, 502, 503, 504})
#: The longest ``Retry-After`` honoured (seconds); a longer one (a maintenance window) is cut to this.
MAX_RETRY_AFTER: float = 30.0
#: Bytes read at a time while downloading.
CHUNK_SIZE: int = 1024 * 1024

T = TypeVar("T")


class _Retry(Retry):
    """urllib3's Retry with ``Retry-After`` capped at :data:`MAX_RETRY_AFTER`.

    A service in a maintenance window may ask for an hour; a notebook cell should not sit
    silent that long, so the wait is capped and the final error reports the service's answer.
    A malformed value is ignored (the exponential backoff applies) rather than failing the call.
    """

    def get_retry_after(self, response) -> float | None:
        try:
            wait = super().get_retry_after(response)
        except InvalidHeader:  # a malformed Retry-After: fall back to the backoff
            return None
        return None if wait is None else min(wait, MAX_RETRY_AFTER)


def _retry(retries: int, backoff: float) -> Retry:
    return _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=sorted(TRANSIENT_STATUS),
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def make_session(retries: int = 4, backoff: float = 0.5) -> requests.Session:
    """Return a requests session that retries transient failures.

    Parameters
    ----------
    retries : int, optional
        How many times a failed request is tried again.
    backoff : float, optional
        Backoff factor in seconds: waits grow as ``backoff * 2**n``.

    Returns
    -------
    requests.Session
        A session whose HTTP and HTTPS adapters retry connection errors and the statuses in
        :data:`TRANSIENT_STATUS`.  Proxy and CA settings come from the environment as usual.
    """
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=_retry(retries, backoff))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _session_retry(session: requests.Session, url: str) -> Retry:
    """The Retry rules of the adapter ``session`` uses for ``url`` (fresh counters)."""
    adapter = session.get_adapter(url)
    rules = getattr(adapter, "max_retries", None)
    return rules.new() if isinstance(rules, Retry) else _retry(0, 0.0)


def _cut_off(error: requests.RequestException) -> bool:
    """Whether ``error`` is an answer whose body ended early (a dropped or truncated transfer)."""
    return isinstance(
        error, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
    )


def _timed_out(error: BaseException) -> bool:
    """Whether ``error`` is a timeout, including one urllib3 wrapped after its last retry."""
    if isinstance(error, (requests.Timeout, TimeoutError)):
        return True
    reason = getattr(error.args[0], "reason", None) if getattr(error, "args", None) else None
    return isinstance(reason, TimeoutError) or "timed out" in str(reason or "").lower()


def _translate(error: requests.RequestException, url: str, timeout: object) -> ArchiveUnavailableError:
    """The helpers' exception for a request that failed without a usable answer."""
    if _timed_out(error):
        return ArchiveTimeoutError(f"{url} did not answer within {timeout} s.")
    if _cut_off(error):
        return ArchiveUnavailableError(f"The answer from {url} was cut off part-way: {error}.")
    return ArchiveUnavailableError(
        f"Could not connect to {url}, or the connection was closed before an answer came: {error}."
    )


def _with_body_retries(attempt: Callable[[], T], session: requests.Session, url: str) -> T:
    """Run ``attempt`` (one request including reading its body), retrying bodies that are cut off.

    The number of tries and the waits between them follow the session adapter's Retry rules.
    """
    retry = _session_retry(session, url)
    while True:
        try:
            return attempt()
        except requests.RequestException as error:
            if not _cut_off(error):
                raise
            try:
                retry = retry.increment(method="GET", url=url, error=error)
            except MaxRetryError:
                raise error from None
            retry.sleep()


def _unavailable_status(response: requests.Response) -> ArchiveUnavailableError:
    what = f"{response.url} answered {response.status_code} {response.reason} after retries"
    wait = response.headers.get("Retry-After")
    if wait:
        what += f" and asked to wait {wait} s (Retry-After) before trying again"
    if response.status_code == 504:
        return ArchiveTimeoutError(what + ": the service timed out.")
    return ArchiveUnavailableError(what + ".")


def get_json(
    url: str,
    params: dict[str, Any] | None = None,
    *,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> requests.Response:
    """GET ``url`` and return the response once it is known to hold JSON.

    The caller decides what a 4xx answer means (a TIC with no TCEs, say); this function only
    turns "the service could not answer" into exceptions.

    Parameters
    ----------
    url : str
        The address to fetch.
    params : dict, optional
        Query parameters.
    session : requests.Session, optional
        A session to reuse; by default a new one from :func:`make_session`.
    timeout : float or (float, float), optional
        Connect and read timeouts in seconds.

    Returns
    -------
    requests.Response
        The response, with a status below 500 and not 429; when the status is below 400 its
        body has been checked to be JSON (``response.json()`` works).

    Raises
    ------
    ArchiveTimeoutError
        The service did not answer within ``timeout``, or answered 504 (after the retries).
    ArchiveUnavailableError
        No connection could be made, the answer was cut off, the service still answered 429
        or 5xx after the retries, or it answered something other than JSON (a maintenance
        page, say).
    """
    session = session if session is not None else make_session()
    try:
        response = _with_body_retries(lambda: session.get(url, params=params, timeout=timeout), session, url)
    except requests.RequestException as error:
        raise _translate(error, url, timeout) from error
    if response.status_code in TRANSIENT_STATUS or response.status_code >= 500:
        raise _unavailable_status(response)
    if response.status_code < 400:
        try:
            response.json()
        except requests.JSONDecodeError as error:
            kind = response.headers.get("Content-Type", "no content type")
            raise ArchiveUnavailableError(
                f"{response.url} answered {response.status_code} with something that is not JSON ({kind}).",
                "The service may be in a maintenance window (it then answers with a web page): check the "
                "notices on https://archive.stsci.edu and run the cell again later.",
            ) from error
    return response


def download(
    url: str,
    destination: str | os.PathLike[str],
    params: dict[str, Any] | None = None,
    *,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> Path:
    """Download ``url`` to ``destination``, which holds the complete file or nothing new.

    The body is written to a temporary file in the destination's directory and renamed over
    ``destination`` only when the number of bytes received matches the ``Content-Length`` the
    server announced.  A transfer that is cut off is retried like a dropped connection; when the
    retries run out the temporary file is removed and an existing ``destination`` is untouched.

    Parameters
    ----------
    url : str
        The file's address.
    destination : path-like
        Where the file goes; its directory is created if needed.
    params : dict, optional
        Query parameters (e.g. ``{"uri": "mast:TESS/product/..."}``).
    session : requests.Session, optional
        A session to reuse; by default a new one from :func:`make_session`.
    timeout : float or (float, float), optional
        Connect and read timeouts in seconds (the read timeout applies to each chunk).

    Returns
    -------
    pathlib.Path
        ``destination``.

    Raises
    ------
    MissingFileError
        The server answered 404: there is no such file.
    ArchiveRequestError
        The server refused the request with another 4xx status.
    ArchiveTimeoutError, ArchiveUnavailableError
        As for :func:`get_json`; also when the file stayed incomplete after the retries.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    session = session if session is not None else make_session()

    def attempt() -> Path:
        with session.get(url, params=params, timeout=timeout, stream=True) as response:
            if response.status_code == 404:
                raise MissingFileError(f"{response.url} answered 404 Not Found: there is no such file.")
            if response.status_code in TRANSIENT_STATUS or response.status_code >= 500:
                raise _unavailable_status(response)
            if response.status_code >= 400:
                raise ArchiveRequestError(
                    f"{response.url} refused the download: {response.status_code} "
                    f"{response.reason}: {response.text[:300]}"
                )
            return _write_complete(response, destination)

    try:
        return _with_body_retries(attempt, session, url)
    except requests.RequestException as error:
        raise _translate(error, url, timeout) from error


def _write_complete(response: requests.Response, destination: Path) -> Path:
    """Stream a response body into a temporary file, check its length, rename it into place."""
    expected = response.headers.get("Content-Length")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    tmp = Path(tmp_name)
    try:
        received = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in response.iter_content(CHUNK_SIZE):
                out.write(chunk)
                received += len(chunk)
        if expected is not None and received != int(expected):
            # urllib3 normally raises first; this is the guard for servers it cannot check.
            raise requests.exceptions.ChunkedEncodingError(
                f"received {received:,} of the {int(expected):,} bytes announced by Content-Length"
            )
        os.replace(tmp, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return destination
