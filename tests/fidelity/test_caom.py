"""MAST's observation tables (CAOM) as they answer in 2024-2026, fact by fact, checked through astroquery.

Sources are STScI's notebooks executed against the real portal (``spacetelescope/mast_notebooks``,
executed copies under ``_sources/notebooks/``), dated by each cell's ``execution`` metadata.
Where two disagree, the newer wins and the fact says so.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astroquery.mast import Observations
from recorded import MAST_NOTEBOOKS, Fact

from offline_archive.sky import catalogue
from offline_archive.sky.targets import PI_MEN

pytestmark = pytest.mark.archive


MN = MAST_NOTEBOOKS
CLOUD_NB = f"{MN}@a8a1d491 _sources/notebooks/multi_mission/cloud_data_access/cloud_data_access.ipynb"
SEARCH_NB = f"{MN}@f912caf2 _sources/notebooks/multi_mission/beginner_search/beginner_search.ipynb"
SEARCH_NB_2023 = f"{MN}@1a1364fb _sources/notebooks/astroquery/beginner_search/beginner_search.ipynb"

FILTERED_COLUMNS_2026 = Fact(
    "Observations.query_criteria answers these 36 columns in this order, wave_region (str, e.g. "
    "'OPTICAL') after filters, wavelength_region after t_exptime, obsid and objID as strings, "
    "wave_min and wave_max (float, equal to em_min and em_max) last",
    f"{CLOUD_NB} cell 3 (query_criteria(target_name='NGC6543', obs_collection='HST', ...))",
    "2026-08-03",
)
CONE_COLUMNS = Fact(
    "Observations.query_region answers end with '..., mtFlag, srcDen, obsid, distance': no objID. "
    "No 2025-2026 cone answer is recorded; the archive's cone table is the 2026 query_criteria "
    "table without objID, plus distance (an inference, flagged as such)",
    f"{SEARCH_NB} cell 3 (query_region('322.49324 12.16683'))",
    "2024-05-02",
)
FFI_FIELDS = Fact(
    "a TESS FFI observation (tess-s0055-1-1) has calib_level 3, proposal_id 'N/A', target_name "
    "'TESS FFI', dataURL masked, t_exptime 475.199786 (0.792 x its 600-s cadence)",
    f"{SEARCH_NB} cell 3 (also {SEARCH_NB_2023} cell 3, 2023-10-12)",
    "2024-05-02",
)
FFI_EXPTIME_1800 = Fact(
    "query_criteria(obs_collection=['TESS'], sequence_number=9, t_exptime=[1400, 1500]) finds the "
    "16 FFI observations of sector 9 (every camera and CCD), each with t_exptime 1425.599414",
    f"{SEARCH_NB} cells 10-11",
    "2024-05-02",
)
TIMESERIES_FIELDS = Fact(
    "a TESS 2-minute light-curve observation has calib_level 3 and t_exptime 120.0",
    f"{SEARCH_NB} cell 3 (tess2022217014003-s0055-0000000096703881-0242-s)",
    "2024-05-02",
)

RECORDED_FILTERED_COLUMNS = [
    "intentType", "obs_collection", "provenance_name", "instrument_name", "project", "filters",
    "wave_region", "target_name", "target_classification", "obs_id", "s_ra", "s_dec",
    "dataproduct_type", "proposal_pi", "calib_level", "t_min", "t_max", "t_exptime",
    "wavelength_region", "em_min", "em_max", "obs_title", "t_obs_release", "proposal_id",
    "proposal_type", "sequence_number", "s_region", "jpegURL", "dataURL", "dataRights", "mtFlag",
    "srcDen", "obsid", "objID", "wave_min", "wave_max",
]  # fmt: skip


def test_query_criteria_answers_the_2026_columns_in_order(archive_env):
    table = Observations.query_criteria(obs_collection="TESS", dataproduct_type="timeseries")
    assert table.colnames == RECORDED_FILTERED_COLUMNS, FILTERED_COLUMNS_2026.source
    assert table["obsid"].dtype.kind == table["objID"].dtype.kind == "U"
    assert table["wave_region"].dtype.kind == "U" and table["wave_min"].dtype.kind == "f"
    assert np.array_equal(table["wave_min"], table["em_min"]) and np.array_equal(
        table["wave_max"], table["em_max"]
    )


def test_a_cone_search_has_no_objid_but_a_distance(archive_env):
    table = Observations.query_region(f"{PI_MEN.ra} {PI_MEN.dec}", radius=5 * u.arcsec)
    assert "objID" not in table.colnames, CONE_COLUMNS.source
    assert table.colnames[-1] == "distance" and table.colnames[-2] == "wave_max"
    expected = [c for c in RECORDED_FILTERED_COLUMNS if c != "objID"] + ["distance"]
    assert table.colnames == expected


def test_tess_ffi_observations_carry_the_recorded_fields(archive_env):
    table = Observations.query_criteria(obs_collection="TESS", dataproduct_type="image")
    assert len(table) > 0
    for row in table:
        assert row["target_name"] == "TESS FFI"
        assert row["calib_level"] == 3 and row["proposal_id"] == "N/A", FFI_FIELDS.source
        assert row["dataURL"] is np.ma.masked or not row["dataURL"]
        cadence = 1800 if row["sequence_number"] <= 26 else 600
        assert row["t_exptime"] == pytest.approx(0.792 * cadence, abs=0.01)


def test_a_search_for_the_effective_exposure_finds_the_30_minute_ffis(archive_env):
    found = Observations.query_criteria(obs_collection=["TESS"], t_exptime=[1400, 1500])
    expected = sorted(
        o.obs_id
        for o in catalogue.observations()
        if o.obs_collection == "TESS" and o.dataproduct_type == "image" and o.sequence_number <= 26
    )
    assert expected and sorted(found["obs_id"]) == expected, FFI_EXPTIME_1800.source
    assert set(np.round(found["t_exptime"], 6)) == {1425.599414}


def test_time_series_observations_carry_the_recorded_fields(archive_env):
    table = Observations.query_criteria(
        obs_collection="TESS", dataproduct_type="timeseries", t_exptime=[119, 121]
    )
    assert len(table) > 0
    assert set(table["calib_level"]) == {3}, TIMESERIES_FIELDS.source
    assert set(table["t_exptime"]) == {120.0}


PRODUCT_COLUMNS_2026 = Fact(
    "get_product_list answers these 20 columns in this order, obsID and parent_obsid as strings, size as int",
    f"{CLOUD_NB} cell 4 (Observations.get_unique_product_list(hst_obs))",
    "2026-08-03",
)
RECORDED_PRODUCT_COLUMNS = [
    "obsID", "obs_collection", "dataproduct_type", "obs_id", "description", "type", "dataURI",
    "productType", "productGroupDescription", "productSubGroupDescription", "productDocumentationURL",
    "project", "prvversion", "proposal_id", "productFilename", "size", "parent_obsid", "dataRights",
    "calib_level", "filters",
]  # fmt: skip


def test_product_lists_answer_the_2026_columns_in_order(archive_env):
    observations = Observations.query_criteria(obs_collection="TESS", dataproduct_type="timeseries")
    products = Observations.get_product_list(observations[:1])
    assert products.colnames == RECORDED_PRODUCT_COLUMNS, PRODUCT_COLUMNS_2026.source
    assert products["obsID"].dtype.kind == products["parent_obsid"].dtype.kind == "U"
    assert products["size"].dtype.kind == "i"
