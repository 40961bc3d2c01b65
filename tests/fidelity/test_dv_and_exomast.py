"""Data validation as MAST serves it in 2024-2026, fact by fact, checked against the offline archive.

Each fact is read off an answer recorded when STScI executed its own notebooks against the real
services (``spacetelescope/mast_notebooks``, executed copies under ``_sources/notebooks/``, dated
by each cell's ``execution`` metadata), or off the history of ``spacetelescope/notebooks``.  Where
two sources disagree, the newer wins and the fact says so.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from astropy.io import fits
from recorded import MAST_NOTEBOOKS, Fact

from offline_archive.sky import catalogue
from offline_archive.sky.targets import TIC_214568914

MN = MAST_NOTEBOOKS
EXOMAST_NB = f"{MN}@246ffd90 _sources/notebooks/TESS/beginner_tess_exomast/beginner_tess_exomast.ipynb"
DVT_NB = f"{MN}@246ffd90 _sources/notebooks/TESS/beginner_how_to_use_dvt/beginner_how_to_use_dvt.ipynb"
DV_ASTROQUERY_NB = (
    f"{MN}@cfb251f7 _sources/notebooks/TESS/beginner_astroquery_dv/beginner_astroquery_dv.ipynb"
)

TABLE_COLUMNS = Fact(
    "ExoMAST's dvdata/tess/<TIC>/table/ with tce=TCE_1 and sector=s0001-s0003 answers the columns "
    "PHASE, LC_DETREND, MODEL_INIT (no TIME). The issue reports 16 columns, TIME among them, for 2023; "
    "the 2024 answer is newer and wins.",
    f"{EXOMAST_NB} cell 9 (pd.DataFrame.from_dict(tce_data['data']).columns)",
    "2024-07-10",
)
REQUEST_FORM = Fact(
    "tces/ names TCEs '<sectors>:TCE_n' (the notebook keeps x[:11] as the sectors); info/ and table/ "
    "are asked with params tce='TCE_1' and sector='s0001-s0003' and answer (info: OBJECT 'TIC 100100827', "
    "PRADIUS 12.97984)",
    f"{EXOMAST_NB} cells 6-8",
    "2024-07-10",
)
SECTOR_REQUIRED = Fact(
    "ExoMAST's info/table/phaseplot requests for TESS need a sector argument; no later record shows "
    "a TESS TCE request answered without one, so the archive refuses it (400) rather than guess",
    "spacetelescope/notebooks@85bcd4a notebooks/MAST/TESS/beginner_tess_exomast/beginner_tess_exomast.ipynb "
    "(commit 'updating for the new required sector argument')",
    "2019-04-26",
)
DVT_LAYOUT = Fact(
    "a dvt.fits file is PRIMARY, one BinTableHDU per TCE (TCE_1, TCE_2, ...: 10 columns "
    "[D, E, J, E, E, E, E, E, E, E]) and, last, 'Statistics' (38 columns)",
    f"{DVT_NB} cell 3 (fits.info of tess2018235142541-s0002-s0002-0000000100100827-00109_dvt.fits)",
    "2024-07-10",
)
TCE_COLUMNS = Fact(
    "TCE table columns with their units and display formats (TDISP)",
    f"{DVT_NB} cell 4 (fits.getdata(dvt_file, ext=1).columns)",
    "2024-07-10",
)
STATISTICS_COLUMNS = Fact(
    "Statistics table columns with their units and display formats",
    f"{DVT_NB} cell 7 (fits.getdata(dvt_file, ext=3).columns)",
    "2024-07-10",
)
MULTI_SECTOR_OBS_ID = Fact(
    "a multi-sector DV observation's obs_id has no pipeline-run suffix: download_products wrote "
    "tess2018206190142-s0001-s0013-0000000307210830-00226_dvt.fits to "
    "./mastDownload/TESS/tess2018206190142-s0001-s0013-0000000307210830/; the DV files of a "
    "single-sector search belong to the sector's light-curve observation "
    "(./mastDownload/TESS/tess2019140104343-s0012-0000000307210830-0144-s/...-s0012-s0012-...-00219_dvr.pdf)",
    f"{DV_ASTROQUERY_NB} cells 3 and 5",
    "2024-05-07",
)

#: (name, format, unit, disp) of a TCE table, as recorded (TCE_COLUMNS).
RECORDED_TCE_COLUMNS = [
    ("TIME", "D", "BJD - 2457000, days", "D14.7"),
    ("TIMECORR", "E", "d", "E14.7"),
    ("CADENCENO", "J", None, "I10"),
    ("PHASE", "E", "days", "E14.7"),
    ("LC_INIT", "E", "dimensionless", "E14.7"),
    ("LC_INIT_ERR", "E", "dimensionless", "E14.7"),
    ("LC_WHITE", "E", "dimensionless", "E14.7"),
    ("LC_DETREND", "E", "dimensionless", "E14.7"),
    ("MODEL_INIT", "E", "dimensionless", "E14.7"),
    ("MODEL_WHITE", "E", "dimensionless", "E14.7"),
]
_SES = [
    "0_5",
    "1_0",
    "1_5",
    "2_0",
    "2_5",
    "3_0",
    "3_5",
    "4_5",
    "5_0",
    "6_0",
    "7_5",
    "9_0",
    "10_5",
    "12_5",
    "15_0",
]
#: (name, format, unit, disp) of the Statistics table, as recorded (STATISTICS_COLUMNS).
RECORDED_STATISTICS_COLUMNS = [
    ("TIME", "D", "BJD - 2457000, days", "D14.7"),
    ("TIMECORR", "E", "d", "E14.7"),
    ("CADENCENO", "J", None, "I10"),
    ("PDCSAP_FLUX", "E", "e-/s", "E14.7"),
    ("PDCSAP_FLUX_ERR", "E", "sigma", "E14.7"),
    ("RESIDUAL_LC", "E", "dimensionless", "E14.7"),
    ("DEWEIGHTS", "E", "proportion", "E14.7"),
    ("QUALITY", "J", None, "B16.16"),
    *[(f"SES_CORR_{d}", "E", None, "E14.7") for d in _SES],
    *[(f"SES_NORM_{d}", "E", None, "E14.7") for d in _SES],
]

EXO = "https://exo.mast.stsci.edu"
TIC = TIC_214568914.tic


def test_the_recorded_lists_are_complete():
    """The Statistics list has the 38 columns fits.info reported; a TCE table 10."""
    assert len(RECORDED_STATISTICS_COLUMNS) == 38 and len(RECORDED_TCE_COLUMNS) == 10


def _get(services_client, request: str, **params):
    return services_client.get(f"/api/v0.1/dvdata/tess/{TIC}/{request}/", query_string=params, base_url=EXO)


def _dvt_files(built_store):
    for obs, product in catalogue.all_products():
        if product.kind == "tess_dvt":
            stored = built_store.get(obs.data_uri(product))
            if stored is not None:
                yield obs, product, stored.path


def _columns(hdu) -> list[tuple[str, str, str | None, str]]:
    return [(c.name, c.format, c.unit or None, c.disp) for c in hdu.columns]


@pytest.mark.archive
def test_exomast_table_has_the_2024_columns(services_client):
    assert TABLE_COLUMNS.date == "2024-07-10"
    answer = _get(services_client, "table", tce="TCE_1", sector="s0001-s0001").json
    assert [f["colname"] for f in answer["fields"]] == ["PHASE", "LC_DETREND", "MODEL_INIT"]
    assert set(answer["data"][0]) == {"PHASE", "LC_DETREND", "MODEL_INIT"}


@pytest.mark.archive
def test_exomast_requests_in_the_recorded_form(services_client):
    names = _get(services_client, "tces").json["TCE"]
    assert all(re.fullmatch(r"s\d{4}-s\d{4}:TCE_\d+", name) for name in names), REQUEST_FORM.source
    sectors, tce = names[0][:11], names[0][12:]
    info = _get(services_client, "info", tce=tce, sector=sectors)
    assert info.status_code == 200
    assert info.json["DV Primary Header"]["OBJECT"] == f"TIC {TIC}"


@pytest.mark.archive
@pytest.mark.parametrize("request_name", ["info", "table"])
def test_a_tess_tce_request_without_sector_is_refused(services_client, request_name):
    response = _get(services_client, request_name, tce="s0001-s0001:TCE_1")
    assert response.status_code == 400, SECTOR_REQUIRED.source
    assert "sector" in response.json["msg"]


@pytest.mark.archive
def test_every_dvt_file_ends_with_statistics(built_store):
    files = list(_dvt_files(built_store))
    assert files
    for _, product, path in files:
        with fits.open(path) as hdul:
            names = [hdu.name for hdu in hdul]
            assert names[0] == "PRIMARY" and names[-1] == "Statistics", (product.filename, DVT_LAYOUT.source)
            assert all(re.fullmatch(r"TCE_\d+", n) for n in names[1:-1]) and len(names) > 2


@pytest.mark.archive
def test_dvt_columns_have_the_recorded_formats_units_and_display(built_store):
    for _, product, path in _dvt_files(built_store):
        with fits.open(path) as hdul:
            for hdu in hdul[1:-1]:
                assert _columns(hdu) == RECORDED_TCE_COLUMNS, (product.filename, TCE_COLUMNS.source)
            assert _columns(hdul["Statistics"]) == RECORDED_STATISTICS_COLUMNS, STATISTICS_COLUMNS.source
            statistics = hdul["Statistics"].data
            assert np.array_equal(statistics["TIME"], hdul[1].data["TIME"])
            assert np.isfinite(statistics["SES_NORM_2_0"]).any()


def test_multi_sector_dv_observations_have_no_run_suffix():
    multi = [o for o in catalogue.observations() if o.data_url and o.data_url.endswith("_dvt.fits")]
    assert multi
    for obs in multi:
        assert re.fullmatch(r"tess\d{13}-s\d{4}-s\d{4}-\d{16}", obs.obs_id), (
            obs.obs_id,
            MULTI_SECTOR_OBS_ID.source,
        )
        for product in obs.products:
            # Only the files carry the run: <obs_id>-<run>_dvt.fits, <obs_id>-<planet>-<run>_dvs.pdf.
            assert re.fullmatch(re.escape(obs.obs_id) + r"(-\d{2})?-\d{5}_\w+\.\w+", product.filename)


def test_single_sector_dv_files_belong_to_the_light_curve_observation():
    for obs in catalogue.observations():
        dvt = [p for p in obs.products if p.subgroup == "DVT"]
        if dvt and obs.sequence_number is not None:
            assert obs.data_url.endswith("_lc.fits"), MULTI_SECTOR_OBS_ID.source
            sector = f"s{obs.sequence_number:04d}"
            assert all(f"-{sector}-{sector}-" in p.filename for p in dvt)
