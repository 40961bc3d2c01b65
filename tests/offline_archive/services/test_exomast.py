"""ExoMAST's DV services on exo.mast.stsci.edu, through Flask's test client over the built archive."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.services.app import create_app
from offline_archive.sky import catalogue
from offline_archive.sky.targets import TARGETS, TIC_214568914, TRAPPIST_1

pytestmark = pytest.mark.archive

EXO = "https://exo.mast.stsci.edu"
TIC = TIC_214568914.tic
TCE = "s0001-s0001:TCE_1"


@pytest.fixture(scope="module")
def store(archive_env):
    from offline_archive.paths import archive_root
    from offline_archive.store import DataStore

    return DataStore(archive_root())


@pytest.fixture(scope="module")
def client(store):
    return create_app(store).test_client()


def get(client, tic, request, **params):
    return client.get(f"/api/v0.1/dvdata/tess/{tic}/{request}/", query_string=params, base_url=EXO)


def expected_tces(tic: int) -> list[str]:
    """TCE names from the catalogue: one per planet of the star for each of its DV runs."""
    target = next(t for t in TARGETS if t.tic == tic)
    runs = []
    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt" and obs.target_name == str(tic):
            runs.append(f"s{product.param('first_sector'):04d}-s{product.param('last_sector'):04d}")
    return [f"{run}:TCE_{n}" for run in runs for n in range(1, len(target.planets) + 1)]


def dvt_path(store, tic: int, sectors: str):
    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt" and obs.target_name == str(tic) and f"-{sectors}-" in product.filename:
            return store.get(obs.data_uri(product)).path
    raise LookupError(sectors)


#: Stars with a planet and DV runs in the archive (HAT-P-7's DV products are not held).
WITH_DV = [
    t
    for t in TARGETS
    if t.planets and any(p.kind == "tess_dvt" and o.target == t.key for o, p in catalogue.all_products())
]


@pytest.mark.parametrize("target", WITH_DV, ids=lambda t: t.key)
def test_every_star_with_dv_products_lists_its_tces(client, target):
    response = get(client, target.tic, "tces")
    assert response.status_code == 200
    assert response.json == {"TCE": expected_tces(target.tic)}
    assert expected_tces(target.tic)


def test_the_tutorial_star_has_one_tce_and_zero_padded_tics_work(client):
    assert get(client, f"{TIC:011d}", "tces").json == {"TCE": [TCE]}


@pytest.mark.parametrize("tic", [TRAPPIST_1.tic, 999, "not-a-tic"])
def test_a_star_without_tces_is_404_with_a_message(client, tic):
    for request in ("tces", "info", "table"):
        response = get(client, tic, request, tce=TCE)
        assert response.status_code == 404
        assert "TIC" in response.json["msg"] or "TESS Input Catalog" in response.json["msg"]


def test_info_holds_the_primary_and_the_tce_headers(client):
    answer = get(client, TIC, "info", tce=TCE).json
    assert list(answer) == ["DV Primary Header", "DV Data Header"]
    primary, data = answer["DV Primary Header"], answer["DV Data Header"]
    assert primary["TICID"] == TIC and primary["TELESCOP"] == "TESS"
    assert data["RA_OBJ"] == TIC_214568914.ra and data["DEC_OBJ"] == TIC_214568914.dec
    planet = TIC_214568914.planets[0]
    assert data["TPERIOD"] == planet.period_days and data["TDEPTH"] == planet.depth_ppm
    assert {"PRADIUS", "TEPOCH", "TDUR", "EXTNAME"} <= set(data)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),  # no TCE
        ({"tce": "TCE_1"}, 400),  # a TESS TCE needs its sectors
        ({"tce": "bogus"}, 400),  # not a TCE name
        ({"tce": "s0001-s0001:TCE_2"}, 404),  # the star has one TCE only
        ({"tce": "s0002-s0002:TCE_1"}, 404),  # no DV run of sector 2
        ({"tce": "TCE_1", "sector": "1"}, 200),  # number plus sector, as the live API allows
        ({"tce": "1", "sector": "s0001-s0001"}, 200),
    ],
)
def test_tce_parameters_are_checked_like_the_live_service(client, params, status):
    for request in ("info", "table"):
        response = get(client, TIC, request, **params)
        assert response.status_code == status, response.json
        if status != 200:
            assert response.json["msg"]


def test_the_table_is_the_dv_file_column_by_column(client, store, dvt_columns):
    answer = get(client, TIC, "table", tce=TCE).json
    assert [f["colname"] for f in answer["fields"]] == dvt_columns
    types = {f["colname"]: f["datatype"] for f in answer["fields"]}
    assert types["CADENCENO"] == "int" and types["TIME"] == types["LC_DETREND"] == "real"
    assert all(f["description"] for f in answer["fields"])
    data = fits.getdata(dvt_path(store, TIC, "s0001-s0001"), "TCE_1")
    assert len(answer["data"]) == len(data)
    detrend = [row["LC_DETREND"] for row in answer["data"]]
    assert sum(v is None for v in detrend) == int(np.isnan(data["LC_DETREND"]).sum()) > 0
    finite = np.isfinite(data["LC_DETREND"])
    assert np.allclose(np.array(detrend, dtype=float)[finite], data["LC_DETREND"][finite])
    assert [row["CADENCENO"] for row in answer["data"][:3]] == data["CADENCENO"][:3].tolist()


def test_the_table_shows_the_flyby_where_the_sky_puts_it(client):
    rows = get(client, TIC, "table", tce=TCE).json["data"]
    peak = max((row for row in rows if row["LC_DETREND"] is not None), key=lambda row: row["LC_DETREND"])
    from offline_archive.sky.targets import FLYBYS

    assert peak["TIME"] == pytest.approx(FLYBYS[0].closest_btjd, abs=0.01)
    assert peak["LC_DETREND"] > 0.1
