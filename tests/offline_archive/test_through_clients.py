"""The running archive, through the unmodified clients the notebooks use (astroquery, s3fs, requests)."""

from __future__ import annotations

import warnings

import astropy.units as u
import pytest
import requests
from astropy.coordinates import SkyCoord
from astroquery.exceptions import NoResultsWarning, RemoteServiceError, ResolverError
from astroquery.mast import Mast, Observations

from offline_archive.sky import catalogue
from offline_archive.sky.targets import PI_MEN

pytestmark = pytest.mark.archive


def test_paging_through_astroquery_returns_every_row(archive_env) -> None:
    whole = Observations.query_criteria(obs_collection="TESS")
    paged = Observations.query_criteria(obs_collection="TESS", pagesize=3)
    assert len(whole) > 3
    assert list(paged["obs_id"]) == list(whole["obs_id"])


def test_result_columns_are_typed_as_on_the_live_service(archive_env) -> None:
    table = Observations.query_object("pi Men", radius=5 * u.arcsec)
    assert table["s_ra"].dtype.kind == "f" and table["calib_level"].dtype.kind == "i"
    assert table["obsid"].dtype.kind == "U", "obsid comes back as a string, as get_product_list needs"
    assert table["sequence_number"].mask.any(), "missing integers are masked (-999)"


def test_unknown_names_raise_the_resolver_error(archive_env) -> None:
    with pytest.raises(ResolverError, match="Could not resolve"):
        Observations.query_object("Planet Nine")


def test_empty_sky_gives_an_empty_table_and_a_warning(archive_env) -> None:
    with pytest.warns(NoResultsWarning):
        table = Observations.query_region(SkyCoord(10, 10, unit="deg"), radius=1 * u.arcmin)
    assert len(table) == 0


def test_unknown_service_raises_the_remote_error(archive_env) -> None:
    with pytest.raises(RemoteServiceError, match="Unknown service"):
        Mast.service_request("Mast.Caom.NoSuchService", {})


def test_cloud_uri_of_a_product_without_a_cloud_copy_is_none(archive_env) -> None:
    obs = Observations.query_criteria(obs_collection="GALEX", objectname="Pi Mensae", radius=1 * u.deg)
    products = Observations.get_product_list(obs)
    Observations.enable_cloud_dataset(verbose=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        uris = Observations.get_cloud_uris(products, return_uri_map=True)
    assert all(uri is None for uri in uris.values())
    assert any("Skipping" in str(w.message) or "relative path" in str(w.message) for w in caught)


def test_s3_objects_are_the_built_files_read_anonymously(archive_env) -> None:
    import s3fs

    from offline_archive.paths import archive_root
    from offline_archive.store import DataStore

    store = DataStore(archive_root())
    uri = next(
        u
        for u, (o, p) in catalogue.products_by_uri().items()
        if p.kind == "tess_lc" and o.target == PI_MEN.key
    )
    stored = store.get(uri)
    fs = s3fs.S3FileSystem(anon=True)
    assert fs.cat(f"s3://{stored.bucket}/{stored.key}") == stored.path.read_bytes()


def test_download_of_a_missing_file_reports_an_error(archive_env, tmp_path) -> None:
    status, msg, _url = Observations.download_file(
        "mast:TESS/product/no_such_file.fits", local_path=tmp_path, cache=False
    )
    assert status == "ERROR" and "404" in msg
    assert not list(tmp_path.iterdir()), "nothing is left behind"


def test_other_hosts_are_refused(archive_env) -> None:
    with pytest.raises(requests.exceptions.ProxyError, match="403"):
        requests.get("https://pypi.org/simple/", timeout=10)
