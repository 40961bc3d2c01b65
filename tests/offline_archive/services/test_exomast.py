"""ExoMAST's DV services on exo.mast.stsci.edu, through Flask's test services_client over the built archive."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.sky import catalogue
from offline_archive.sky.targets import TARGETS, TIC_214568914, TRAPPIST_1

pytestmark = pytest.mark.archive

EXO = "https://exo.mast.stsci.edu"
TIC = TIC_214568914.tic
TCE = "s0001-s0001:TCE_1"  # as /tces/ lists it
#: How STScI's notebook asks for it (tce and sector; tests/fidelity/test_exomast.py).
ASK = {"tce": "TCE_1", "sector": "s0001-s0001"}


def get(services_client, tic, request, **params):
    return services_client.get(f"/api/v0.1/dvdata/tess/{tic}/{request}/", query_string=params, base_url=EXO)


def expected_tces(tic: int) -> list[str]:
    """TCE names from the catalogue: one per planet of the star for each of its DV runs."""
    target = next(t for t in TARGETS if t.tic == tic)
    runs = []
    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt" and obs.target_name == str(tic):
            runs.append(f"s{product.param('first_sector'):04d}-s{product.param('last_sector'):04d}")
    return [f"{run}:TCE_{n}" for run in runs for n in range(1, len(target.planets) + 1)]


def dvt_path(built_store, tic: int, sectors: str):
    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt" and obs.target_name == str(tic) and f"-{sectors}-" in product.filename:
            return built_store.get(obs.data_uri(product)).path
    raise LookupError(sectors)


#: Stars with a planet and DV runs in the archive (HAT-P-7's DV products are not held).
WITH_DV = [
    t
    for t in TARGETS
    if t.planets and any(p.kind == "tess_dvt" and o.target == t.key for o, p in catalogue.all_products())
]


@pytest.mark.parametrize("target", WITH_DV, ids=lambda t: t.key)
def test_every_star_with_dv_products_lists_its_tces(services_client, target):
    response = get(services_client, target.tic, "tces")
    assert response.status_code == 200
    assert response.json == {"TCE": expected_tces(target.tic)}
    assert expected_tces(target.tic)


def test_the_tutorial_star_has_one_tce_and_zero_padded_tics_work(services_client):
    assert get(services_client, f"{TIC:011d}", "tces").json == {"TCE": [TCE]}


@pytest.mark.parametrize("tic", [TRAPPIST_1.tic, 999, "not-a-tic"])
def test_a_star_without_tces_is_404_with_a_message(services_client, tic):
    for request in ("tces", "info", "table"):
        response = get(services_client, tic, request, **ASK)
        assert response.status_code == 404
        assert "TIC" in response.json["msg"] or "TESS Input Catalog" in response.json["msg"]


def test_info_holds_the_primary_and_the_tce_headers(services_client):
    answer = get(services_client, TIC, "info", **ASK).json
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
        ({"tce": TCE}, 400),  # even named in full: the sector argument is required (since 2019)
        ({"tce": "bogus", "sector": "1"}, 400),  # not a TCE name
        ({"tce": TCE, "sector": "s0002-s0002"}, 400),  # the two disagree
        ({"tce": "TCE_2", "sector": "s0001-s0001"}, 404),  # the star has one TCE only
        ({"tce": "TCE_1", "sector": "s0002-s0002"}, 404),  # no DV run of sector 2
        ({"tce": "TCE_1", "sector": "1"}, 200),  # number plus sector, as the live API allows
        ({"tce": "1", "sector": "s0001-s0001"}, 200),
        ({"tce": TCE, "sector": "s0001-s0001"}, 200),
    ],
)
def test_tce_parameters_are_checked_like_the_live_service(services_client, params, status):
    for request in ("info", "table"):
        response = get(services_client, TIC, request, **params)
        assert response.status_code == status, response.json
        if status != 200:
            assert response.json["msg"]


def test_the_table_is_the_folded_light_curve_of_the_dv_file(services_client, built_store):
    answer = get(services_client, TIC, "table", **ASK).json
    assert [f["colname"] for f in answer["fields"]] == ["PHASE", "LC_DETREND", "MODEL_INIT"]
    assert {f["datatype"] for f in answer["fields"]} == {"real"}
    assert all(f["description"] for f in answer["fields"])
    data = fits.getdata(dvt_path(built_store, TIC, "s0001-s0001"), "TCE_1")
    assert len(answer["data"]) == len(data)
    detrend = [row["LC_DETREND"] for row in answer["data"]]
    assert sum(v is None for v in detrend) == int(np.isnan(data["LC_DETREND"]).sum()) > 0
    finite = np.isfinite(data["LC_DETREND"])
    assert np.allclose(np.array(detrend, dtype=float)[finite], data["LC_DETREND"][finite])
    phase = np.array([row["PHASE"] for row in answer["data"]], dtype=float)
    assert np.allclose(phase, data["PHASE"])


def test_the_flyby_is_in_the_dv_file_where_the_sky_puts_it(services_client, built_store):
    from offline_archive.sky.targets import FLYBYS

    data = fits.getdata(dvt_path(built_store, TIC, "s0001-s0001"), "TCE_1")
    peak = int(np.nanargmax(data["LC_DETREND"]))
    assert data["TIME"][peak] == pytest.approx(FLYBYS[0].closest_btjd, abs=0.01)
    assert data["LC_DETREND"][peak] > 0.1
    rows = get(services_client, TIC, "table", **ASK).json["data"]
    assert rows[peak]["LC_DETREND"] == pytest.approx(float(data["LC_DETREND"][peak]))
