"""The portal services' logic: filters, positions, paging, counts, products and errors."""

from __future__ import annotations

import json

import pytest

from offline_archive.services import mast
from offline_archive.sky import catalogue
from offline_archive.sky.columns import CAOM_COLUMNS
from offline_archive.sky.targets import FOMALHAUT, PI_MEN, TRAPPIST_1


def _invoke(store, service: str, params: dict, **extra) -> dict:
    return mast.invoke({"service": service, "params": params, "format": "json", **extra}, store)


def test_filtered_position_returns_only_footprints_within_the_radius(store) -> None:
    result = _invoke(
        store,
        "Mast.Caom.Filtered.Position",
        {"columns": "*", "filters": [], "position": f"{TRAPPIST_1.ra}, {TRAPPIST_1.dec}, {2 / 3600}"},
    )
    assert result["status"] == "COMPLETE"
    assert result["data"], "TRAPPIST-1 has observations"
    assert all(row["distance"] <= 2.0 for row in result["data"])
    wide = _invoke(store, "Mast.Caom.Cone", {"ra": TRAPPIST_1.ra, "dec": TRAPPIST_1.dec, "radius": 1 / 60})
    assert len(wide["data"]) > len(result["data"]), "a wider cone reaches the offset pointings"


def test_distance_is_zero_inside_a_footprint_and_rows_sort_by_distance(store) -> None:
    result = _invoke(store, "Mast.Caom.Cone", {"ra": FOMALHAUT.ra, "dec": FOMALHAUT.dec, "radius": 0.02})
    distances = [row["distance"] for row in result["data"]]
    assert distances == sorted(distances)
    assert distances[0] == 0.0 and distances[-1] > 0.0


def test_discrete_and_continuous_filters_combine(store) -> None:
    filters = [
        {"paramName": "obs_collection", "values": ["TESS"], "separator": ";"},
        {"paramName": "sequence_number", "values": ["27"]},
        {"paramName": "t_exptime", "values": [{"min": 119, "max": 121}]},
        {"paramName": "dataproduct_type", "values": ["timeseries"]},
    ]
    result = _invoke(
        store,
        "Mast.Caom.Filtered.Position",
        {"columns": "*", "filters": filters, "position": f"{PI_MEN.ra}, {PI_MEN.dec}, 0.02"},
    )
    assert [row["obs_id"] for row in result["data"]] == ["tess2020186164531-s0027-0000000261136679-0189-s"]


def test_discrete_filters_ignore_case_and_split_on_the_separator(store) -> None:
    result = _invoke(
        store,
        "Mast.Caom.Filtered",
        {"columns": "*", "filters": [{"paramName": "OBS_COLLECTION", "values": ["tess"], "separator": ";"}]},
    )
    assert result["data"] and {row["obs_collection"] for row in result["data"]} == {"TESS"}


def test_free_text_wildcards(store) -> None:
    result = _invoke(
        store,
        "Mast.Caom.Filtered",
        {"columns": "*", "filters": [{"paramName": "obs_id", "values": [], "freeText": "%s0001-s0013%"}]},
    )
    assert result["data"]
    assert all("s0001-s0013" in row["obs_id"] for row in result["data"])


def test_count_answers_one_string_typed_row(store) -> None:
    everything = _invoke(
        store,
        "Mast.Caom.Filtered",
        {"columns": "*", "filters": [{"paramName": "obs_collection", "values": ["HST"]}]},
    )
    count = _invoke(
        store,
        "Mast.Caom.Filtered",
        {"columns": "COUNT_BIG(*)", "filters": [{"paramName": "obs_collection", "values": ["HST"]}]},
    )
    assert count["fields"] == [{"name": "Column1", "type": "string"}]
    assert count["data"] == [{"Column1": len(everything["data"])}]


def test_paging_splits_rows_and_reports_the_totals(store) -> None:
    params = {"columns": "*", "filters": [{"paramName": "obs_collection", "values": ["TESS"]}]}
    whole = _invoke(store, "Mast.Caom.Filtered", params)["data"]
    count = -(-len(whole) // 4)
    pages = [_invoke(store, "Mast.Caom.Filtered", params, pagesize=4, page=p) for p in range(1, count + 1)]
    assert pages[0]["paging"]["pagesFiltered"] == count
    assert pages[0]["paging"]["rowsFiltered"] == len(whole)
    joined = [row for page in pages for row in page["data"]]
    assert [r["obs_id"] for r in joined] == [r["obs_id"] for r in whole]


def test_fields_follow_the_column_types(store) -> None:
    result = _invoke(store, "Mast.Caom.Cone", {"ra": PI_MEN.ra, "dec": PI_MEN.dec, "radius": 0.01})
    types = {f["name"]: f["type"] for f in result["fields"]}
    assert types["s_ra"] == "float" and types["calib_level"] == "int" and types["obsid"] == "string"
    assert types["distance"] == "float" and result["fields"][-1]["name"] == "_selected_"
    assert set(types) == {c.name for c in CAOM_COLUMNS if c.name != "objID"} | {"distance", "_selected_"}


def test_products_list_only_stored_files_with_their_sizes(store) -> None:
    obs = next(o for o in catalogue.observations() if o.obs_id.endswith("s0027-0000000261136679-0189-s"))
    result = _invoke(store, "Mast.Caom.Products", {"obsid": str(obs.obsid)})
    names = [row["productFilename"] for row in result["data"]]
    assert names == [p.filename for p in obs.products]
    for row in result["data"]:
        assert row["size"] == store.get(row["dataURI"]).size


def test_products_of_an_unknown_obsid_are_empty(store) -> None:
    assert _invoke(store, "Mast.Caom.Products", {"obsid": "1"})["data"] == []


@pytest.mark.parametrize(
    "request_",
    [
        {"service": "Mast.Nope", "params": {}},
        {"service": "Mast.Caom.Cone", "params": {"ra": "north", "dec": 0, "radius": 0.1}},
        {"service": "Mast.Caom.Cone", "params": {"ra": 10, "dec": 95, "radius": 0.1}},
        {
            "service": "Mast.Caom.Filtered",
            "params": {"filters": [{"paramName": "no_such_column", "values": ["x"]}]},
        },
        {
            "service": "Mast.Caom.Filtered",
            "params": {"filters": [{"paramName": "t_exptime", "values": [120]}]},
        },
        {"service": "Mast.Caom.Filtered", "params": {"filters": []}},
        {"service": "Mast.Caom.Filtered.Position", "params": {"filters": [], "position": "12"}},
        {"service": "Mast.Caom.Products", "params": {}},
    ],
)
def test_bad_requests_get_the_error_shape_with_a_message(store, request_: dict) -> None:
    result = mast.invoke(request_, store)
    assert result["status"] == "ERROR"
    assert result["msg"] and result["data"] == []


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"params": {}}),
        json.dumps({"service": "Mast.Caom.Cone", "params": []}),
    ],
)
def test_malformed_requests_are_400(body) -> None:
    with pytest.raises(mast.ServiceError) as err:
        mast.decode_request(body)
    assert err.value.status == 400


def test_path_lookup_gives_keys_for_cloud_products_and_null_otherwise(store) -> None:
    cloud_uri = next(uri for uri, (o, p) in catalogue.products_by_uri().items() if p.s3_dir)
    local_uri = next(uri for uri, (o, p) in catalogue.products_by_uri().items() if not p.s3_dir)
    answer = mast.path_lookup([cloud_uri, local_uri, "mast:TESS/product/nothing.fits"], store)
    assert answer[cloud_uri]["path"] == "/" + store.get(cloud_uri).key
    assert answer[local_uri]["path"] is None
    assert answer["mast:TESS/product/nothing.fits"] == {"status_code": 404, "path": None}


def test_columnsconfig_types_decide_range_or_discrete_criteria() -> None:
    config = mast.column_config("Mast.Caom.Filtered.Position")
    assert config["t_exptime"]["vot.datatype"] == "double"
    assert config["sequence_number"]["vot.datatype"] == "int"
    assert mast.column_config("Mast.Unknown") == {}


def test_a_column_subset_may_include_distance_on_position_searches(store) -> None:
    result = _invoke(
        store,
        "Mast.Caom.Cone",
        {"ra": PI_MEN.ra, "dec": PI_MEN.dec, "radius": 0.01, "columns": "obs_id, distance"},
    )
    assert [f["name"] for f in result["fields"]] == ["obs_id", "distance", "_selected_"]
    assert result["data"] and all(set(row) == {"obs_id", "distance", "_selected_"} for row in result["data"])
    plain = _invoke(
        store,
        "Mast.Caom.Filtered",
        {"columns": "obs_id, distance", "filters": [{"paramName": "obs_collection", "values": ["TESS"]}]},
    )
    assert plain["status"] == "ERROR", "without a position there is no distance to give"
