"""Exceptions raised by the tutorial helpers.

Every exception carries two parts: what went wrong (``problem``) and what the reader can do
about it (``next_step``).  Printing one shows both, so a failing cell in a notebook tells the
learner where to go next rather than only that something broke.

All of them derive from :class:`TutorialError`, so a notebook can catch the whole family with
one ``except TutorialError``.

:func:`archive_call` wraps a call to the archive made through a library (astroquery, requests,
botocore): the library's many exceptions become one of these, with a time limit on the call::

    with archive_call("searching MAST for TESS observations of Pi Mensae", timeout=120):
        observations = Observations.query_criteria(objectname="Pi Mensae", obs_collection="TESS")
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "ArchiveRequestError",
    "ArchiveTimeoutError",
    "ArchiveUnavailableError",
    "MissingFileError",
    "NoCutoutError",
    "NoDataInSectorError",
    "NoObservationsError",
    "NoProductsError",
    "NoTcesError",
    "PrivateBucketError",
    "TargetNotFoundError",
    "TimeOutsideCutoutError",
    "TutorialError",
    "UnknownTceError",
    "WrongFileTypeError",
    "archive_call",
    "translate_archive_error",
]


class TutorialError(Exception):
    """Base class of the helpers' exceptions: a problem and the next step to take.

    Parameters
    ----------
    problem : str
        One sentence saying what went wrong, naming the thing that was looked for.
    next_step : str, optional
        What to try next.  Defaults to the subclass's ``default_next_step``.

    Attributes
    ----------
    problem : str
        The problem, as given.
    next_step : str
        The advice shown after the problem.
    """

    default_next_step: str = "Re-read the cell that raised this error and check its inputs."

    def __init__(self, problem: str, next_step: str | None = None) -> None:
        self.problem = problem
        self.next_step = next_step if next_step is not None else self.default_next_step
        super().__init__(f"{self.problem}\nNext step: {self.next_step}")


class TargetNotFoundError(TutorialError):
    """A target name could not be turned into a position on the sky."""

    default_next_step = (
        "Check the spelling, try another common name or catalogue identifier, "
        "or search by coordinates instead (an astropy SkyCoord)."
    )


class NoObservationsError(TutorialError):
    """An observation query matched nothing."""

    default_next_step = (
        "Loosen the criteria (a larger radius, fewer or wider filters) and check how many rows "
        "each criterion allows with Observations.query_criteria_count."
    )


class NoDataInSectorError(NoObservationsError):
    """The target was not observed in the TESS sector asked for."""

    default_next_step = (
        "List the sectors that cover the target with Tesscut.get_sectors(coordinates=...) "
        "(or objectname=...) and ask for one of those."
    )


class NoProductsError(TutorialError):
    """An observation has no data products, or a filter removed all of them."""

    default_next_step = (
        "Print the unfiltered product list and compare the values of the columns you filtered "
        "on (for example productSubGroupDescription) with the values you asked for."
    )


class MissingFileError(TutorialError):
    """A file that should exist (locally or in the cloud) is not there."""

    default_next_step = (
        "Download the file from MAST instead with Observations.download_products, "
        "or run the query again: the archive may have reprocessed the data since."
    )


class ArchiveRequestError(TutorialError):
    """The archive answered, but refused the request as wrong (an unknown parameter or value)."""

    default_next_step = (
        "Compare the parameters of the call with its documentation (names, types, allowed values); "
        "the archive's own message is quoted above."
    )


class ArchiveUnavailableError(TutorialError):
    """The archive could not be reached or did not answer usefully."""

    default_next_step = (
        "Check your network connection and the service notices on https://archive.stsci.edu, "
        "then run the cell again."
    )


class ArchiveTimeoutError(ArchiveUnavailableError):
    """The archive was reached but did not answer in time."""

    default_next_step = (
        "The service may be busy: wait a minute and run the cell again, or ask for less at once "
        "(a smaller cutout, fewer sectors)."
    )


class PrivateBucketError(TutorialError):
    """A cloud bucket refused to let the reader in (anonymously, or with the credentials given)."""

    default_next_step = (
        "Check the bucket's name. Public buckets (MAST's stpubdata, which also holds Roman's tutorial "
        "data, and IRSA's nasa-irsa-simulations) are read with anon=True; a bucket that is not public "
        "needs anon=False and AWS credentials that may read it, set up in your environment."
    )


class WrongFileTypeError(TutorialError):
    """A file is not in the format its name says (a .fits that is not FITS, a .asdf that is not ASDF)."""

    default_next_step = (
        "Check the URI: it may name another product of the observation (a preview, a report). "
        "List the products again and take the file whose extension matches the reader you use."
    )


class NoTcesError(TutorialError):
    """A star has no threshold-crossing events (TCEs) in ExoMAST, or the number is not a TIC number."""

    default_next_step = (
        "Check the TIC number. Only stars whose transit search triggered have TCEs: look for "
        "data-validation products (productSubGroupDescription 'DVT') of the star in MAST."
    )


class UnknownTceError(TutorialError):
    """A TCE name that the star does not have, or that is not written as ExoMAST names TCEs."""

    default_next_step = (
        "List the star's TCEs with helpers.exomast.list_tces and pass one of those names, "
        "e.g. 's0001-s0001:TCE_1' (sector range, colon, TCE)."
    )


class NoCutoutError(TutorialError):
    """TESScut has no full-frame images at a position, so there is nothing to cut out."""

    default_next_step = (
        "Check the coordinates (degrees, ICRS) and which sectors observed them with "
        "Tesscut.get_sectors; TESS has not observed every part of the sky."
    )


class TimeOutsideCutoutError(TutorialError):
    """A time (or frame) that the cutout does not cover."""

    default_next_step = (
        "Print the cutout's first and last TIME and pick times between them, away from the "
        "mid-sector gap in the data."
    )


# --------------------------------------------------------------------------------------------
# Calls to the archive through a library
# --------------------------------------------------------------------------------------------

_CERT_STEP = (
    "The archive's TLS certificate could not be verified. If you use the offline archive, restart it "
    "(its certificate is short-lived); otherwise check that REQUESTS_CA_BUNDLE and SSL_CERT_FILE are unset "
    "or point at a valid CA bundle."
)
_JSON_STEP = (
    "The service may be in a maintenance window (it then answers with a web page): check the notices on "
    "https://archive.stsci.edu and run the cell again later."
)


def _http_status_error(what: str, status: int, detail: str) -> TutorialError:
    problem = f"{what} failed: the archive answered {status} {detail}".rstrip() + "."
    if status == 504:
        return ArchiveTimeoutError(problem)
    if status == 429 or status >= 500:
        return ArchiveUnavailableError(problem)
    if status == 404:
        return MissingFileError(problem)
    return ArchiveRequestError(problem)


def translate_archive_error(error: BaseException, what: str) -> TutorialError | None:
    """The helpers' exception for an exception raised by an archive client, or None.

    Parameters
    ----------
    error : BaseException
        What astroquery, requests or botocore raised.
    what : str
        The action, for the message, e.g. ``"searching MAST for TESS observations"``.

    Returns
    -------
    TutorialError or None
        :class:`TargetNotFoundError` for a name that cannot be resolved;
        :class:`ArchiveTimeoutError` for a timeout (or a 504);
        :class:`ArchiveUnavailableError` for a failed or cut-off connection, a 429 or 5xx, an
        unverifiable certificate or an answer that is not JSON;
        :class:`MissingFileError` for a 404; :class:`ArchiveRequestError` for another 4xx or
        an error the service reports about the request.  An exception a library raised
        *from* one of these (s3fs turns botocore's errors into ``OSError``) is translated by
        its cause.  None when ``error`` is none of these (a bug in the calling code, say), so
        that it can propagate unchanged.
    """
    import requests
    from astroquery.exceptions import InvalidQueryError, RemoteServiceError, ResolverError

    if isinstance(error, TutorialError):
        return error
    if isinstance(error, ResolverError):
        return TargetNotFoundError(f"{what} failed: {error}")
    if isinstance(error, (RemoteServiceError, InvalidQueryError)):
        return ArchiveRequestError(f"{what} failed: the archive reported: {error}")
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return _http_status_error(what, error.response.status_code, error.response.reason or "")
    if isinstance(error, (requests.Timeout, TimeoutError)):
        return ArchiveTimeoutError(f"{what} timed out: {error}")
    if isinstance(error, requests.exceptions.SSLError):
        return ArchiveUnavailableError(f"{what} failed: {error}", _CERT_STEP)
    if isinstance(
        error, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
    ):
        return ArchiveUnavailableError(f"{what} failed: the answer was cut off part-way ({error}).")
    if isinstance(error, requests.JSONDecodeError):
        return ArchiveUnavailableError(
            f"{what} failed: the archive answered with something that is not JSON ({error}).", _JSON_STEP
        )
    if isinstance(error, requests.ConnectionError):
        return ArchiveUnavailableError(
            f"{what} failed: no connection to the archive, or it was closed before an answer came ({error})."
        )
    translated = _translate_botocore(error, what)
    if translated is None and isinstance(error.__cause__, Exception) and error.__cause__ is not error:
        # Wrapped by a library (s3fs raises OSError "from" botocore's error): translate the cause.
        translated = translate_archive_error(error.__cause__, what)
    return translated


def _translate_botocore(error: BaseException, what: str) -> TutorialError | None:
    try:
        from botocore import exceptions as boto
    except ImportError:  # pragma: no cover - botocore is part of the pinned stack
        return None
    if isinstance(error, (boto.ConnectTimeoutError, boto.ReadTimeoutError)):
        return ArchiveTimeoutError(f"{what} timed out reading from the cloud: {error}")
    if isinstance(error, (boto.EndpointConnectionError, boto.ConnectionClosedError)):
        return ArchiveUnavailableError(f"{what} failed: no connection to the cloud storage ({error}).")
    if isinstance(error, boto.ClientError):
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        code = error.response.get("Error", {}).get("Code", "")
        if status:
            return _http_status_error(what, status, code)
    return None


class _Deadline(BaseException):
    """Raised by the alarm of :func:`archive_call` (a BaseException: no library swallows it)."""


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with :class:`_Deadline` (main thread, POSIX only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def archive_call(what: str, *, timeout: float | None = None) -> Iterator[None]:
    """Run a call to the archive with a time limit and clear errors.

    Parameters
    ----------
    what : str
        The action, as the error messages will name it, e.g. ``"downloading the light curve"``.
    timeout : float, optional
        Seconds the whole block may take.  astroquery waits for an answer without a time limit,
        so this is how a cell is kept from hanging on a service that has stopped answering.
        It uses the POSIX interval timer, so it applies in a notebook or script's main thread
        and is ignored elsewhere (other threads, Windows).

    Raises
    ------
    TutorialError
        The subclass that names the cause (see :func:`translate_archive_error`);
        :class:`ArchiveTimeoutError` when the block ran out of time.  Other exceptions pass
        through unchanged.

    Examples
    --------
    >>> with archive_call("resolving 'Pi Mensea'"):  # doctest: +SKIP
    ...     Observations.query_object("Pi Mensea")
    Traceback (most recent call last):
    helpers.errors.TargetNotFoundError: resolving 'Pi Mensea' failed: Could not resolve Pi Mensea to a sky position.
    Next step: Check the spelling, ...
    """
    try:
        with _deadline(timeout):
            yield
    except TutorialError:
        raise
    except _Deadline:
        raise ArchiveTimeoutError(f"{what} took longer than {timeout:g} s.") from None
    except Exception as error:
        translated = translate_archive_error(error, what)
        if translated is None:
            raise
        raise translated from error
