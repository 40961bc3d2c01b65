"""TESScut as it answered STScI's own notebook in 2024, fact by fact, checked against the offline archive.

Source: ``spacetelescope/mast_notebooks@681ea689``
``_sources/notebooks/TESS/interm_tesscut_requests/interm_tesscut_requests.ipynb``, executed
2024-05-01 against the live service with ``requests`` (cells dated by their ``execution`` metadata).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from astropy.io import fits
from recorded import Fact

from offline_archive.sky.targets import TIC_214568914

pytestmark = pytest.mark.archive


NB = "spacetelescope/mast_notebooks@681ea689 _sources/notebooks/TESS/interm_tesscut_requests/interm_tesscut_requests.ipynb"

SECTOR_RADIUS_UNIT = Fact(
    "the sector request takes radius '0m' (a number with a unit) and answers {'results': [{'sectorName': "
    "'tess-s0004-4-3', 'sector': '0004', 'camera': '4', 'ccd': '3'}, ...]}: strings, sector zero-padded",
    f"{NB} cells 4-5 (params {{'ra', 'dec', 'radius': '0m'}})",
    "2024-05-01",
)
CUTOUT_GEOMETRY = Fact(
    "x is the number of columns and y of rows: x=35, y=45 gives the zip member "
    "'tess-s0001-4-2_84.291188_-80.469120_35x45_astrocut.fits', an APERTURE image of dimensions (35, 45) "
    "(NAXIS1=35) and PIXELS columns of dim '(35, 45)'",
    f"{NB} cells 6-10",
    "2024-05-01",
)
PIXELS_COLUMNS = Fact(
    "the PIXELS table's columns, formats, units, null and display formats",
    f"{NB} cell 10 (hdu1[1].columns)",
    "2024-05-01",
)

#: (name, unit, disp) of the PIXELS columns, as recorded (the image columns' formats depend on the size).
RECORDED_PIXELS_COLUMNS = [
    ("TIME", "BJD - 2457000, days", "D14.7"),
    ("TIMECORR", "d", "E14.7"),
    ("CADENCENO", None, "I10"),
    ("RAW_CNTS", "count", "I8"),
    ("FLUX", "e-/s", "E14.7"),
    ("FLUX_ERR", "e-/s", "E14.7"),
    ("FLUX_BKG", "e-/s", "E14.7"),
    ("FLUX_BKG_ERR", "e-/s", "E14.7"),
    ("QUALITY", None, "B16.16"),
    ("POS_CORR1", "pixel", "E14.7"),
    ("POS_CORR2", "pixel", "E14.7"),
    ("FFI_FILE", "pixel", None),
]

MAST = "https://mast.stsci.edu"
STAR = TIC_214568914


@pytest.fixture(scope="module")
def cutout(services_client):
    response = services_client.post(
        "/tesscut/api/v0.1/astrocut",
        data={"ra": STAR.ra, "dec": STAR.dec, "x": 35, "y": 45, "units": "px", "sector": 1},
        base_url=MAST,
    )
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    (name,) = archive.namelist()
    return name, fits.open(io.BytesIO(archive.read(name)))


def test_the_sector_request_takes_a_radius_with_a_unit(services_client):
    response = services_client.post(
        "/tesscut/api/v0.1/sector", data={"ra": STAR.ra, "dec": STAR.dec, "radius": "0m"}, base_url=MAST
    )
    assert response.status_code == 200, SECTOR_RADIUS_UNIT.source
    results = response.json["results"]
    assert results and all(set(r) == {"sectorName", "sector", "camera", "ccd"} for r in results)
    assert all(isinstance(v, str) for r in results for v in r.values())
    assert all(re.fullmatch(r"\d{4}", r["sector"]) for r in results)
    assert all(r["sectorName"] == f"tess-s{r['sector']}-{r['camera']}-{r['ccd']}" for r in results)


def test_x_is_the_number_of_columns_in_the_name_and_the_image(cutout):
    name, hdul = cutout
    assert re.fullmatch(r"tess-s0001-\d-\d_\d+\.\d{6}_-?\d+\.\d{6}_35x45_astrocut\.fits", name), (
        CUTOUT_GEOMETRY.source
    )
    assert (hdul["APERTURE"].header["NAXIS1"], hdul["APERTURE"].header["NAXIS2"]) == (35, 45)
    assert hdul["PIXELS"].columns["FLUX"].dim == "(35, 45)"
    assert hdul["PIXELS"].data["FLUX"].shape[1:] == (45, 35)


def test_the_pixels_columns_are_those_recorded(cutout):
    _, hdul = cutout
    columns = [(c.name, c.unit or None, c.disp) for c in hdul["PIXELS"].columns]
    assert columns == RECORDED_PIXELS_COLUMNS, PIXELS_COLUMNS.source
    assert hdul["PIXELS"].columns["RAW_CNTS"].null == -1
    assert [hdu.name for hdu in hdul] == ["PRIMARY", "PIXELS", "APERTURE"]
