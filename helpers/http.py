"""HTTP for the helpers: one session with a timeout and retries on every call.

Every helper that talks to an archive web service goes through :func:`get_json`, so each call
has a timeout and transient failures (a dropped connection, 429, 502, 503, 504) are retried
with exponential backoff by urllib3's :class:`~urllib3.util.Retry`, honouring ``Retry-After``.
What is left after the retries becomes one of the helpers' exceptions, whose message names the
URL and the next step.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from helpers.errors import ArchiveTimeoutError, ArchiveUnavailableError

__all__ = ["DEFAULT_TIMEOUT", "TRANSIENT_STATUS", "get_json", "make_session"]

#: Seconds to wait for a connection, then for each read.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
#: Answers that mean "try again shortly" rather than "this request is wrong".
TRANSIENT_STATUS: frozenset[int] = frozenset({429, 502, 503, 504})


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
    retry = Retry(
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
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


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
        The response, with a status below 500 and not 429.

    Raises
    ------
    ArchiveTimeoutError
        The service did not answer within ``timeout`` (after the retries).
    ArchiveUnavailableError
        No connection could be made, or the service still answered 429 or 5xx after the
        retries.
    """
    session = session if session is not None else make_session()
    try:
        response = session.get(url, params=params, timeout=timeout)
    except requests.RequestException as error:
        if _timed_out(error):
            raise ArchiveTimeoutError(f"{url} did not answer within {timeout} s.") from error
        raise ArchiveUnavailableError(f"Could not connect to {url}: {error}.") from error
    if response.status_code == 429 or response.status_code >= 500:
        raise ArchiveUnavailableError(
            f"{response.url} answered {response.status_code} {response.reason} after retries."
        )
    return response


def _timed_out(error: requests.RequestException) -> bool:
    """Whether ``error`` is a timeout, including one urllib3 wrapped after its last retry."""
    if isinstance(error, requests.Timeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, TimeoutError) or "timed out" in str(reason or "").lower()
