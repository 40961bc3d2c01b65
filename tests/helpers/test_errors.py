"""Unit tests of helpers.errors: every error says what went wrong and what to do next."""

import time

import botocore.exceptions
import pytest
import requests
from astroquery.exceptions import InvalidQueryError, RemoteServiceError, ResolverError

from helpers.errors import (
    ArchiveRequestError,
    ArchiveTimeoutError,
    ArchiveUnavailableError,
    MissingFileError,
    NoDataInSectorError,
    NoObservationsError,
    NoProductsError,
    PrivateBucketError,
    TargetNotFoundError,
    TutorialError,
    WrongFileTypeError,
    archive_call,
    translate_archive_error,
)

SUBCLASSES = [
    TargetNotFoundError,
    NoObservationsError,
    NoDataInSectorError,
    NoProductsError,
    MissingFileError,
    ArchiveRequestError,
    ArchiveUnavailableError,
    PrivateBucketError,
    WrongFileTypeError,
    ArchiveTimeoutError,
]


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_subclasses_share_the_tutorial_base(cls):
    assert issubclass(cls, TutorialError)
    assert issubclass(cls, Exception)


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_default_next_step_is_specific_and_shown(cls):
    err = cls("Nothing matched.")
    assert err.problem == "Nothing matched."
    assert err.next_step == cls.default_next_step
    assert err.next_step != TutorialError.default_next_step
    assert str(err) == f"Nothing matched.\nNext step: {cls.default_next_step}"


def test_explicit_next_step_replaces_the_default():
    err = NoProductsError("No LC products.", "Filter on productSubGroupDescription='LC'.")
    assert err.next_step == "Filter on productSubGroupDescription='LC'."
    assert str(err).endswith("Next step: Filter on productSubGroupDescription='LC'.")


def test_one_except_clause_catches_the_family():
    with pytest.raises(TutorialError):
        raise MissingFileError("gone")


# --------------------------------------------------------------------------------------------
# translate_archive_error and archive_call: one exception type per cause
# --------------------------------------------------------------------------------------------


def _http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code, response.reason = status, "Reason"
    return requests.HTTPError(f"{status} Reason", response=response)


def _client_error(status: int) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "SlowDown"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ResolverError("Could not resolve Pi Mensea to a sky position."), TargetNotFoundError),
        (RemoteServiceError("Unknown service"), ArchiveRequestError),
        (InvalidQueryError("Please specify the object name"), ArchiveRequestError),
        (_http_error(503), ArchiveUnavailableError),
        (_http_error(502), ArchiveUnavailableError),
        (_http_error(429), ArchiveUnavailableError),
        (_http_error(504), ArchiveTimeoutError),
        (_http_error(404), MissingFileError),
        (_http_error(400), ArchiveRequestError),
        (requests.ReadTimeout("read timed out"), ArchiveTimeoutError),
        (requests.ConnectTimeout("connect timed out"), ArchiveTimeoutError),
        (TimeoutError("Timeout limit of 600 exceeded."), ArchiveTimeoutError),
        (requests.ConnectionError("Connection refused"), ArchiveUnavailableError),
        (requests.exceptions.ProxyError("Unable to connect to proxy"), ArchiveUnavailableError),
        (requests.exceptions.ChunkedEncodingError("IncompleteRead"), ArchiveUnavailableError),
        (requests.exceptions.SSLError("certificate verify failed"), ArchiveUnavailableError),
        (requests.JSONDecodeError("Expecting value", "<html>", 0), ArchiveUnavailableError),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="http://s3"), ArchiveTimeoutError),
        (botocore.exceptions.EndpointConnectionError(endpoint_url="http://s3"), ArchiveUnavailableError),
        (_client_error(503), ArchiveUnavailableError),
        (_client_error(403), ArchiveRequestError),
    ],
)
def test_each_cause_becomes_its_own_error(error, expected):
    translated = translate_archive_error(error, "fetching the light curve")
    assert type(translated) is expected
    assert translated.problem.startswith("fetching the light curve")
    assert (
        translated.next_step == expected.default_next_step
        or "certificate" in translated.next_step
        or "maintenance" in translated.next_step
    )


def test_a_wrapped_archive_error_is_translated_by_its_cause():
    try:
        try:
            raise _client_error(503)
        except botocore.exceptions.ClientError as cause:
            raise OSError(16, "Service Unavailable") from cause  # as s3fs does
    except OSError as wrapped:
        assert type(translate_archive_error(wrapped, "reading from S3")) is ArchiveUnavailableError
    assert translate_archive_error(OSError(2, "No such file"), "reading a local file") is None


def test_other_exceptions_are_not_ours_to_translate():
    assert translate_archive_error(KeyError("obs_id"), "x") is None
    with pytest.raises(KeyError), archive_call("indexing a table"):
        raise KeyError("obs_id")


def test_archive_call_raises_from_the_original():
    with pytest.raises(ArchiveUnavailableError) as info, archive_call("querying MAST"):
        raise _http_error(503)
    assert isinstance(info.value.__cause__, requests.HTTPError)


def test_archive_call_time_limit():
    with (
        pytest.raises(ArchiveTimeoutError, match=r"a stuck call took longer than 0.2 s"),
        archive_call("a stuck call", timeout=0.2),
    ):
        time.sleep(5)
    time.sleep(0.3)  # the alarm was cancelled: nothing fires after the block


def test_archive_call_lets_a_quick_call_through():
    with archive_call("a quick call", timeout=5):
        value = 1 + 1
    assert value == 2


def test_nothing_in_that_sector_is_a_kind_of_no_observations():
    assert issubclass(NoDataInSectorError, NoObservationsError)
    assert "Tesscut.get_sectors" in NoDataInSectorError.default_next_step
