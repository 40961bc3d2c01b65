"""The streaming tutorial's HST observations (WFC3/IR images of proposal 11360) through the portal's services."""

from __future__ import annotations

from offline_archive.build import storage_path
from offline_archive.services import mast
from offline_archive.sky import catalogue_hst

HST_FILTERS = [
    {"paramName": "obs_collection", "values": ["HST"]},
    {"paramName": "filters", "values": ["F160W"]},
    {"paramName": "instrument_name", "values": ["WFC3/IR"]},
    {"paramName": "proposal_id", "values": ["11360"]},
    {"paramName": "dataRights", "values": ["PUBLIC"]},
]


def _invoke(store, service: str, params: dict) -> dict:
    return mast.invoke({"service": service, "params": params, "format": "json"}, store)


# --------------------------------------------------------------------------------------------
# HST: catalogue and services
# --------------------------------------------------------------------------------------------


def test_the_proposal_query_selects_the_three_visits(store) -> None:
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": HST_FILTERS})
    expected = {o.obs_id for o in catalogue_hst.observations()}
    assert {row["obs_id"] for row in result["data"]} == expected
    assert "24797441" in {row["obsid"] for row in result["data"]}
    assert {row["calib_level"] for row in result["data"]} == {3}


def test_the_proposal_may_be_given_as_a_number(store) -> None:
    filters = [
        f if f["paramName"] != "proposal_id" else {"paramName": "proposal_id", "values": [11360]}
        for f in HST_FILTERS
    ]
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": filters})
    assert len(result["data"]) == len(catalogue_hst.observations())


def test_other_filters_or_proposals_do_not_match(store) -> None:
    wrong_filter = [
        f if f["paramName"] != "filters" else {"paramName": "filters", "values": ["F110W"]}
        for f in HST_FILTERS
    ]
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": wrong_filter})
    assert not any(row["proposal_id"] == "11360" for row in result["data"])


def test_products_carry_their_own_calibration_level_and_project(store) -> None:
    rows = mast.product_rows(["24797441"], store)
    by_name = {row["productFilename"]: row for row in rows}
    assert set(by_name) == {"iab902010_drz.fits", "iab902e1q_flt.fits", "iab902e3q_flt.fits"}
    assert by_name["iab902010_drz.fits"]["calib_level"] == 3
    assert {by_name[n]["calib_level"] for n in by_name if n.endswith("_flt.fits")} == {2}
    assert {row["project"] for row in rows} == {"CALWF3"}
    assert {row["productType"] for row in rows} == {"SCIENCE"}


def test_hst_products_live_under_their_real_cloud_keys() -> None:
    for obs in catalogue_hst.observations():
        for product in obs.products:
            bucket, key, _ = storage_path(obs, product)
            dataset = product.filename.split("_")[0]
            assert bucket == "stpubdata"
            assert key == f"hst/public/{dataset[:4]}/{dataset}/{product.filename}"
