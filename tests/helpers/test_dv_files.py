"""helpers.dv_files: a TCE's DV time series read from its dvt.fits file in the cloud (against the archive)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.dv_files import dvt_cloud_uri, read_dv_timeseries
from helpers.errors import MissingFileError, NoObservationsError, UnknownTceError

pytestmark = pytest.mark.archive

TIC = 214568914
TCE = "s0001-s0001:TCE_1"


def _archive_dvt(tic: int, sectors: str):
    from offline_archive.paths import archive_root
    from offline_archive.sky import catalogue
    from offline_archive.store import DataStore

    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt" and obs.target_name == str(tic) and f"-{sectors}-" in product.filename:
            return product, DataStore(archive_root()).get(obs.data_uri(product)).path
    raise LookupError(sectors)


def test_the_uri_is_the_dvt_file_of_the_tces_sectors(archive_env):
    product, _ = _archive_dvt(TIC, "s0001-s0001")
    assert dvt_cloud_uri(TIC, TCE) == f"s3://stpubdata/{product.s3_dir}/{product.filename}"


def test_a_multi_sector_tce_finds_the_multi_sector_file(archive_env):
    product, _ = _archive_dvt(261136679, "s0001-s0013")
    assert dvt_cloud_uri(261136679, "s0001-s0013:TCE_1").endswith(product.filename)


def test_the_table_is_the_files_tce_table_with_masks(archive_env, dvt_columns):
    from astropy.io import fits

    _, path = _archive_dvt(TIC, "s0001-s0001")
    table = read_dv_timeseries(dvt_cloud_uri(TIC, TCE), TCE)
    data = fits.getdata(path, "TCE_1")
    assert table.colnames == dvt_columns
    assert np.array_equal(table["TIME"], data["TIME"])
    assert table["TIME"].dtype.isnative and table["LC_DETREND"].dtype.isnative
    assert int(table["LC_DETREND"].mask.sum()) == int(np.isnan(data["LC_DETREND"]).sum()) > 0
    assert str(table["TIME"].unit) == "BJD - 2457000, days"
    assert table.meta["TPERIOD"] > 0


def test_a_tce_the_file_lacks_is_named(archive_env):
    uri = dvt_cloud_uri(TIC, TCE)
    with pytest.raises(UnknownTceError, match="TCE_2"):
        read_dv_timeseries(uri, "s0001-s0001:TCE_2")


def test_sectors_without_a_dv_run_are_named(archive_env):
    with pytest.raises(MissingFileError, match="s0002-s0002"):
        dvt_cloud_uri(TIC, "s0002-s0002:TCE_1")


def test_a_star_mast_has_no_time_series_of(archive_env):
    with pytest.raises(NoObservationsError, match="TIC 123456789"):
        dvt_cloud_uri(123456789, TCE)
