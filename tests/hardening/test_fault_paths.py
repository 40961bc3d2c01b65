"""Each failure path of the helpers and of astroquery, provoked through the archive's fault injection.

The requests go the way a notebook's do: through the proxy, over TLS with the archive's CA,
to the web services, with faults injected in front of the services.
"""

from __future__ import annotations

import warnings

import nbformat
import pytest
import requests
from astroquery.mast import Observations

from helpers.errors import (
    ArchiveTimeoutError,
    ArchiveUnavailableError,
    MissingFileError,
    TargetNotFoundError,
    archive_call,
)
from helpers.files import download_products
from helpers.http import download, get_json, make_session
from offline_archive.paths import archive_root
from offline_archive.sky import catalogue
from offline_archive.sky.targets import PI_MEN
from offline_archive.store import DataStore

pytestmark = pytest.mark.archive

LOOKUP = "https://mast.stsci.edu/api/v0.1/path_lookup/"
DOWNLOAD = "https://mast.stsci.edu/api/v0.1/Download/file"
INVOKE = "/api/v0/invoke"


@pytest.fixture(scope="module")
def light_curve():
    """A Pi Mensae light curve: its data URI and the stored file."""
    store = DataStore(archive_root())
    uri = next(
        u
        for u, (o, p) in catalogue.products_by_uri().items()
        if p.kind == "tess_lc" and o.target == PI_MEN.key
    )
    return uri, store.get(uri)


@pytest.fixture(autouse=True)
def _downloads_from_mast():
    """Downloads through the portal (where the faults are), whatever an earlier test enabled."""
    Observations.disable_cloud_dataset()


def _session(retries: int = 3):
    return make_session(retries=retries, backoff=0)


# --------------------------------------------------------------------------------------------
# helpers.http.get_json
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_statuses_are_retried_until_an_answer(faults, light_curve, status):
    injector = faults([{"status": status, "first": 2, "paths": ["/api/v0.1/path_lookup/"]}])
    response = get_json(LOOKUP, {"uri": light_curve[0]}, session=_session())
    assert response.json()[light_curve[0]]["status_code"] == 200
    assert [i.kind for i in injector.injected] == ["status", "status"]


def test_retry_after_is_honoured_and_reported(faults, light_curve):
    faults([{"status": 503, "retry_after": 1}])
    with pytest.raises(ArchiveUnavailableError, match=r"503 .*Retry-After") as info:
        get_json(LOOKUP, {"uri": light_curve[0]}, session=_session(retries=1))
    assert not isinstance(info.value, ArchiveTimeoutError)
    assert "Next step" in str(info.value)


def test_a_persistent_504_is_a_timeout(faults, light_curve):
    injector = faults([{"status": 504}])
    with pytest.raises(ArchiveTimeoutError, match="504"):
        get_json(LOOKUP, {"uri": light_curve[0]}, session=_session(retries=2))
    assert len(injector.injected) == 3, "one try and two retries"


def test_dropped_connections_are_retried(faults, light_curve):
    injector = faults([{"drop": True, "first": 2}])
    assert get_json(LOOKUP, {"uri": light_curve[0]}, session=_session()).status_code == 200
    assert [i.kind for i in injector.injected] == ["drop", "drop"]


def test_a_connection_that_keeps_dropping_is_unavailable(faults, light_curve):
    faults([{"drop": True}])
    with pytest.raises(ArchiveUnavailableError, match="closed before an answer came"):
        get_json(LOOKUP, {"uri": light_curve[0]}, session=_session(retries=1))


def test_a_slow_answer_times_out(faults, light_curve):
    faults([{"delay": 2.0}])
    with pytest.raises(ArchiveTimeoutError, match="did not answer within"):
        get_json(LOOKUP, {"uri": light_curve[0]}, session=_session(retries=0), timeout=(5, 0.5))


def test_a_truncated_answer_is_fetched_again(faults, light_curve):
    injector = faults([{"truncate": 0.5, "first": 1}])
    assert get_json(LOOKUP, {"uri": light_curve[0]}, session=_session()).json()
    assert [i.kind for i in injector.injected] == ["truncate"]


def test_an_answer_that_stays_truncated_is_unavailable(faults, light_curve):
    faults([{"truncate": 0.5}])
    with pytest.raises(ArchiveUnavailableError, match="cut off"):
        get_json(LOOKUP, {"uri": light_curve[0]}, session=_session(retries=2))


# --------------------------------------------------------------------------------------------
# helpers.http.download: the destination holds the whole file or nothing new
# --------------------------------------------------------------------------------------------


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


def test_a_download_cut_off_once_completes(faults, light_curve, tmp_path):
    uri, stored = light_curve
    injector = faults([{"truncate": 0.3, "first": 1, "paths": ["/api/v0.1/Download/file"]}])
    path = download(DOWNLOAD, tmp_path / "lc.fits", {"uri": uri}, session=_session())
    assert path.read_bytes() == stored.path.read_bytes()
    assert _leftovers(tmp_path) == ["lc.fits"]
    assert [i.kind for i in injector.injected] == ["truncate"]


@pytest.mark.parametrize(
    "rule",
    [{"truncate": 0.5}, {"truncate": 0.0}, {"drop": True}, {"status": 503}],
    ids=["half", "headers-only", "drop", "503"],
)
def test_a_failed_download_leaves_nothing_behind(faults, light_curve, tmp_path, rule):
    faults([rule | {"paths": ["/api/v0.1/Download/file"]}])
    with pytest.raises(ArchiveUnavailableError):
        download(DOWNLOAD, tmp_path / "lc.fits", {"uri": light_curve[0]}, session=_session(retries=1))
    assert _leftovers(tmp_path) == []


def test_a_failed_download_keeps_the_previous_complete_file(faults, light_curve, tmp_path):
    uri, stored = light_curve
    path = download(DOWNLOAD, tmp_path / "lc.fits", {"uri": uri}, session=_session())
    faults([{"truncate": 0.5}])
    with pytest.raises(ArchiveUnavailableError):
        download(DOWNLOAD, path, {"uri": uri}, session=_session(retries=1))
    assert path.read_bytes() == stored.path.read_bytes()
    assert _leftovers(tmp_path) == ["lc.fits"]


def test_a_missing_file_is_its_own_error(faults, tmp_path):
    with pytest.raises(MissingFileError, match="404"):
        download(DOWNLOAD, tmp_path / "x.fits", {"uri": "mast:TESS/product/none.fits"}, session=_session())
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------------------------
# astroquery, inside helpers.errors.archive_call
# --------------------------------------------------------------------------------------------


ASTROQUERY_CALLS = {
    "query_criteria": lambda: Observations.query_criteria(obs_collection="TESS", target_name="261136679"),
    "query_criteria_count": lambda: Observations.query_criteria_count(obs_collection="HST"),
    "get_product_list": lambda: Observations.get_product_list("1"),
}


@pytest.mark.parametrize("call", sorted(ASTROQUERY_CALLS))
@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"status": 503}, ArchiveUnavailableError),
        ({"status": 502}, ArchiveUnavailableError),
        ({"status": 429, "retry_after": 1}, ArchiveUnavailableError),
        ({"status": 504}, ArchiveTimeoutError),
        ({"drop": True}, ArchiveUnavailableError),
        ({"truncate": 0.5}, ArchiveUnavailableError),
    ],
    ids=["503", "502", "429", "504", "drop", "truncate"],
)
def test_astroquery_failures_become_one_clear_error(faults, call, rule, expected):
    faults([rule | {"paths": [INVOKE]}])
    with pytest.raises(expected) as info, archive_call(f"the {call} call"):
        ASTROQUERY_CALLS[call]()
    assert type(info.value) is expected
    assert info.value.problem.startswith(f"the {call} call")
    assert "Next step" in str(info.value)


def test_archive_call_puts_a_time_limit_on_a_hanging_service(faults):
    injector = faults([{"delay": 5.0, "paths": [INVOKE], "first": 1}])
    with (
        pytest.raises(ArchiveTimeoutError, match=r"took longer than 0.5 s"),
        archive_call("a slow query", timeout=0.5),
    ):
        Observations.query_criteria(obs_collection="TESS", target_name="261136679")
    assert len(injector.injected) == 1, "the request reached the slow service"


def test_an_unknown_name_is_target_not_found(faults):
    with pytest.raises(TargetNotFoundError, match="Pi Mensea"), archive_call("resolving a misspelt name"):
        Observations.query_criteria(objectname="Pi Mensea", obs_collection="TESS")


def test_astroquery_alone_leaves_a_partial_file_when_a_download_is_cut_off(faults, light_curve, tmp_path):
    """Why helpers.files.download_products exists: astroquery writes straight to the final path."""
    uri, stored = light_curve
    faults([{"truncate": 0.5, "paths": ["/api/v0.1/Download/file"], "methods": ["GET"]}])
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        Observations.download_file(uri, local_path=tmp_path / "lc.fits", cache=False, verbose=False)
    left = tmp_path / "lc.fits"
    assert left.exists() and left.stat().st_size < stored.size


def _pi_men_lc_products():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = Observations.query_criteria(
            objectname="Pi Mensae",
            radius="2 arcsec",
            obs_collection="TESS",
            dataproduct_type="timeseries",
            sequence_number=27,
        )
        products = Observations.get_product_list(obs)
    return Observations.filter_products(products, productSubGroupDescription=["LC", "TP"])


def test_download_products_leaves_nothing_when_cut_off_then_completes(faults, tmp_path):
    products = _pi_men_lc_products()
    assert len(products) == 2
    injector = faults([{"truncate": 0.5, "paths": ["/api/v0.1/Download/file"], "first": 1}])
    with pytest.raises(ArchiveUnavailableError, match="cut off"):
        download_products(products, tmp_path)
    assert _leftovers(tmp_path) == [], "no partial file and no staging directory"
    assert len(injector.injected) == 1

    manifest = download_products(products, tmp_path)
    paths = [tmp_path / p for p in manifest["Local Path"]]
    assert sorted(p.name for p in paths) == sorted(products["productFilename"])
    for path, size in zip(paths, products["size"], strict=True):
        assert path.is_relative_to(tmp_path / "mastDownload") and path.stat().st_size == size
    assert _leftovers(tmp_path) == ["mastDownload"]


def test_archive_call_stops_a_hanging_query_in_a_notebook_kernel(faults, execute_in_kernel):
    """What a learner sees: the cell ends with one clear error instead of hanging."""
    injector = faults([{"delay": 8.0, "paths": [INVOKE]}])
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from astroquery.mast import Observations\nfrom helpers.errors import archive_call\n"
                "with archive_call('searching MAST for TESS observations', timeout=2):\n"
                "    Observations.query_criteria(obs_collection='TESS', target_name='261136679')"
            )
        ]
    )
    execute_in_kernel(nb)
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "ArchiveTimeoutError"
    assert error.evalue.startswith("searching MAST for TESS observations took longer than 2 s.\nNext step:")
    assert injector.injected, "the kernel's query reached the slow service"
