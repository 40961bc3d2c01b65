"""TESScut on mast.stsci.edu: the sector service from the catalogue's footprints, cutouts cut by astrocut."""

from __future__ import annotations

import io
import warnings
import zipfile

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astroquery.exceptions import InvalidQueryError, NoResultsWarning

from offline_archive.services import tesscut
from offline_archive.services.app import create_app
from offline_archive.sky import targets
from offline_archive.sky.targets import PI_MEN, SECTORS, TIC_214568914

MAST = "https://mast.stsci.edu"
STAR = SkyCoord(TIC_214568914.ra, TIC_214568914.dec, unit="deg")
NOWHERE = SkyCoord(10.0, 10.0, unit="deg")


# --------------------------------------------------------------------------------------------
# Unit level: the catalogue's footprints, through Flask's test client (no cube needed)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def client(store):
    return create_app(store).test_client()


def test_sectors_come_from_the_catalogue_footprints():
    assert [f.name for f in tesscut.sectors_at(TIC_214568914.ra, TIC_214568914.dec)] == ["tess-s0001-1-2"]
    pi_men = [f.name for f in tesscut.sectors_at(PI_MEN.ra, PI_MEN.dec)]
    assert "tess-s0001-4-2" in pi_men and all(name.startswith("tess-s00") for name in pi_men)
    assert tesscut.sectors_at(NOWHERE.ra.deg, NOWHERE.dec.deg) == []


def test_a_radius_reaches_footprints_nearby():
    offset = targets._offset(TIC_214568914.ra, TIC_214568914.dec, 0.5, 0.0)
    assert tesscut.sectors_at(*offset, 0.0) == []
    assert [f.name for f in tesscut.sectors_at(*offset, 0.5)] == ["tess-s0001-1-2"]


def test_the_sector_answer_has_the_live_shape(client):
    response = client.post(
        "/tesscut/api/v0.1/sector",
        data={"ra": TIC_214568914.ra, "dec": TIC_214568914.dec, "radius": 0},
        base_url=MAST,
    )
    assert response.status_code == 200
    assert response.json == {
        "results": [{"sectorName": "tess-s0001-1-2", "sector": "0001", "camera": "1", "ccd": "2"}]
    }


@pytest.mark.parametrize(
    "form",
    [
        {"dec": 1},
        {"ra": "x", "dec": 1},
        {"ra": 1, "dec": 95},
        {"ra": 1, "dec": 1, "x": 5, "y": 5, "units": "furlongs"},
        {"ra": 1, "dec": 1, "x": 0, "y": 5, "units": "px"},
        {"ra": 1, "dec": 1, "x": 5, "y": 5, "units": "px", "sector": "one"},
    ],
)
def test_malformed_requests_are_400_with_a_message(client, form):
    for service in ("sector", "astrocut"):
        if service == "sector" and "x" in form:
            continue
        response = client.post(f"/tesscut/api/v0.1/{service}", data=form, base_url=MAST)
        assert response.status_code == 400 and response.json["msg"]


def test_a_position_outside_every_sector_gets_a_message_not_a_zip(client):
    response = client.post(
        "/tesscut/api/v0.1/astrocut", data={"ra": 10, "dec": 10, "x": 5, "y": 5, "units": "px"}, base_url=MAST
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "No TESS full-frame images cover" in response.json["msg"]


def test_a_sector_without_a_cube_in_this_archive_says_so(client):
    response = client.post(
        "/tesscut/api/v0.1/astrocut",
        data={"ra": PI_MEN.ra, "dec": PI_MEN.dec, "x": 5, "y": 5, "units": "px"},
        base_url=MAST,
    )
    assert response.status_code == 200 and "no data cube" in response.json["msg"]


# --------------------------------------------------------------------------------------------
# Through astroquery against the running archive (cut from the built cube)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cutout(archive_env):
    from astroquery.mast import Tesscut

    return Tesscut.get_cutouts(coordinates=STAR, size=50)


@pytest.mark.archive
def test_get_sectors_through_astroquery(archive_env):
    from astroquery.mast import Tesscut

    table = Tesscut.get_sectors(coordinates=STAR)
    assert [tuple(row) for row in table] == [("tess-s0001-1-2", 1, 1, 2)]
    with pytest.warns(NoResultsWarning):
        assert len(Tesscut.get_sectors(coordinates=NOWHERE)) == 0


@pytest.mark.archive
def test_the_cutout_covers_every_frame_of_the_sector(cutout):
    assert len(cutout) == 1
    hdul = cutout[0]
    assert [hdu.name for hdu in hdul] == ["PRIMARY", "PIXELS", "APERTURE"]
    assert hdul[1].columns.names == [
        "TIME",
        "TIMECORR",
        "CADENCENO",
        "RAW_CNTS",
        "FLUX",
        "FLUX_ERR",
        "FLUX_BKG",
        "FLUX_BKG_ERR",
        "QUALITY",
        "POS_CORR1",
        "POS_CORR2",
        "FFI_FILE",
    ]
    times = targets.cadence_times(SECTORS[1], 1800)
    assert hdul[1].data["FLUX"].shape == (times.size, 50, 50)
    assert np.allclose(hdul[1].data["TIME"], times)
    # Nothing before or after the sector, and nothing in its mid-sector gap.
    gap = SECTORS[1].gap_btjd
    data_times = hdul[1].data["TIME"]
    assert SECTORS[1].start_btjd < data_times.min() and data_times.max() < SECTORS[1].end_btjd
    assert not np.any((data_times > gap[0]) & (data_times < gap[1]))
    assert hdul[0].header["SECTOR"] == 1 and hdul[0].header["ORIGIN"] == "STScI/MAST"


@pytest.mark.archive
def test_lightkurve_reads_the_cutout_as_a_target_pixel_file(cutout):
    import lightkurve as lk

    tpf = lk.TessTargetPixelFile(cutout[0])
    assert tpf.flux.shape[1:] == (50, 50)
    assert (tpf.sector, tpf.camera, tpf.ccd) == (1, 1, 2)
    column, row = tpf.wcs.world_to_pixel(STAR)
    assert abs(column - 24.5) <= 1 and abs(row - 24.5) <= 1


@pytest.mark.archive
def test_the_asteroid_crosses_the_cutout_within_the_day(cutout):
    data = cutout[0][1].data
    change = data["FLUX"] - np.median(data["FLUX"], axis=0)
    change -= np.median(change, axis=(1, 2), keepdims=True)
    strongest = change.max(axis=(1, 2))
    moving = data["TIME"][strongest > 20 * np.nanmedian(data["FLUX_ERR"])]  # far above the noise
    assert moving.size > 30
    assert 1334.0 < moving.min() and moving.max() < 1335.0


@pytest.mark.archive
def test_sector_and_angular_size_parameters(archive_env):
    from astroquery.mast import Tesscut

    small = Tesscut.get_cutouts(coordinates=STAR, size=5 * 21 * u.arcsec, sector=1)
    assert small[0][1].data["FLUX"].shape[1:] == (5, 5)
    with pytest.warns(NoResultsWarning, match="sector 2"):
        assert Tesscut.get_cutouts(coordinates=STAR, size=5, sector=2) == []


@pytest.mark.archive
def test_outside_every_sector_astroquery_warns_and_returns_nothing(archive_env):
    from astroquery.mast import Tesscut

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert Tesscut.get_cutouts(coordinates=NOWHERE, size=5) == []
    assert any(
        issubclass(w.category, NoResultsWarning) and "No TESS full-frame images" in str(w.message)
        for w in caught
    )


@pytest.mark.archive
def test_a_bad_size_is_an_invalid_query(archive_env):
    from astroquery.mast import Tesscut

    with pytest.raises(InvalidQueryError):
        Tesscut.get_cutouts(coordinates=STAR, size=500)


@pytest.mark.archive
def test_download_cutouts_gets_the_zip_by_get(archive_env, tmp_path):
    from astroquery.mast import Tesscut

    manifest = Tesscut.download_cutouts(coordinates=STAR, size=5, path=str(tmp_path), inflate=False)
    with zipfile.ZipFile(manifest["Local Path"][0]) as archive:
        names = archive.namelist()
        assert names == [f"tess-s0001-1-2_{STAR.ra.deg:.6f}_{STAR.dec.deg:.6f}_5x5_astrocut.fits"]
        assert io.BytesIO(archive.read(names[0])).getbuffer().nbytes > 0
