"""The full-frame images of tess-s0001-1-1: catalogue, file names and keys, the files themselves."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from offline_archive.generate import ffi_sector as ffi
from offline_archive.generate import tess, write_product
from offline_archive.services import mast
from offline_archive.sky import catalogue, catalogue_ffi, targets

FRAMES = catalogue_ffi.frames()
NAME = re.compile(r"^tess(\d{4})(\d{3})(\d{6})-s0001-1-1-0120-s_ffic\.fits$")
#: The data budget of these files (issue 5): at most 80 MB in all.
BUDGET_BYTES = 80e6


def ffi_observation() -> targets.Observation:
    (obs,) = [o for o in catalogue.observations() if o.obs_id == "tess-s0001-1-1"]
    return obs


def product_of(frame: catalogue_ffi.Frame) -> targets.Product:
    return ffi_observation().products[frame.index]


def frame_at(btjd: float) -> catalogue_ffi.Frame:
    """The frame whose exposure is closest to a time."""
    return min(FRAMES, key=lambda f: abs((f.tstart + f.tstop) / 2 - btjd))


def aperture_sum(path, radius: float = 2.5) -> float:
    with fits.open(path) as hdul:
        image = hdul[1].data.astype(float)
        x, y = WCS(hdul[1].header).world_to_pixel_values(
            catalogue_ffi.FIELD_STAR.ra, catalogue_ffi.FIELD_STAR.dec
        )
    yy, xx = np.indices(image.shape)
    distance = np.hypot(xx - x, yy - y)
    return float(
        np.sum(image[distance <= radius])
        - np.median(image[distance > radius + 2]) * (distance <= radius).sum()
    )


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def test_one_frame_every_30_minutes_over_the_sector_except_the_gap() -> None:
    sector = targets.SECTORS[1]
    mids = np.array([(f.tstart + f.tstop) / 2 for f in FRAMES])
    assert len(FRAMES) == len(targets.cadence_times(sector, 1800)) == 1282  # as MAST lists them (seeds/004)
    assert sector.start_btjd <= FRAMES[0].tstart and FRAMES[-1].tstop <= sector.end_btjd
    assert not np.any((mids > sector.gap_btjd[0]) & (mids < sector.gap_btjd[1]))
    steps = np.diff(mids) * 1440
    assert np.allclose(steps[steps < 60], 30.0)
    assert np.sum(steps > 60) == 1, "one gap, mid-sector"
    assert all(np.isclose((f.tstop - f.tstart) * 1440, 30.0) for f in FRAMES)


def test_file_names_and_keys_follow_the_real_layout() -> None:
    names = [f.filename for f in FRAMES]
    assert len(set(names)) == len(names)
    for frame in FRAMES:
        year, day, hms = NAME.match(frame.filename).groups()
        assert frame.s3_dir == f"tess/public/ffi/s0001/{year}/{day}/1-1"
        stamp = datetime.strptime(year + day + hms, "%Y%j%H%M%S")
        start = datetime.strptime(tess.btjd_to_iso(frame.tstart)[:23], "%Y-%m-%dT%H:%M:%S.%f")
        assert abs((stamp - start).total_seconds()) <= 0.5, "the stamp is the exposure's start (UTC)"
    # The real sector's first files (cloud-fits docs; MAST's AWS examples, seeds/004).
    assert names[:3] == [
        "tess2018206192942-s0001-1-1-0120-s_ffic.fits",
        "tess2018206195942-s0001-1-1-0120-s_ffic.fits",
        "tess2018206202942-s0001-1-1-0120-s_ffic.fits",
    ]
    assert "tess2018218052942-s0001-1-1-0120-s_ffic.fits" in names


def test_the_observation_lists_one_calibrated_ffi_per_frame() -> None:
    obs = ffi_observation()
    assert obs.target_name == "TESS FFI" and obs.dataproduct_type == "image" and obs.sequence_number == 1
    assert [p.filename for p in obs.products] == [f.filename for f in FRAMES]
    assert {p.subgroup for p in obs.products} == {"FFIC"}
    assert obs.distance_arcsec(catalogue_ffi.FIELD_STAR.ra, catalogue_ffi.FIELD_STAR.dec) == 0.0
    others = [o.obs_id for o in catalogue.observations() if o.obs_id == "tess-s0001-4-2"]
    assert others, "the FFI observations of the other targets are still there"


def test_products_list_only_the_files_that_exist(store) -> None:
    obs = ffi_observation()
    missing = {obs.data_uri(p) for p in obs.products[10:13]}
    for uri in missing:
        del store._files[uri]  # the FakeStore of conftest: as if these three were never built
    rows = mast.product_rows([str(obs.obsid)], store)
    assert len(rows) == len(FRAMES) - 3
    assert not missing & {row["dataURI"] for row in rows}


def test_the_product_list_pages(store) -> None:
    obs = ffi_observation()
    request = {"service": "Mast.Caom.Products", "params": {"obsid": str(obs.obsid)}, "format": "json"}
    pages = [mast.invoke(request | {"pagesize": 500, "page": p}, store) for p in (1, 2, 3)]
    assert pages[0]["paging"]["pagesFiltered"] == 3 and pages[0]["paging"]["rowsTotal"] == len(FRAMES)
    names = [row["productFilename"] for page in pages for row in page["data"]]
    assert names == [f.filename for f in FRAMES]


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ffi") / FRAMES[0].filename
    write_product(ffi_observation(), product_of(FRAMES[0]), path)
    return path


def test_the_hdu_layout_and_time_cards(first_file) -> None:
    frame = FRAMES[0]
    with fits.open(first_file) as hdul:
        hdul.verify("exception")
        assert [type(h) for h in hdul] == [fits.PrimaryHDU, fits.ImageHDU, fits.ImageHDU]
        primary, image, uncert = (h.header for h in hdul)
        for header in (primary, image):
            assert header["TSTART"] == frame.tstart and header["TSTOP"] == frame.tstop
            assert header["DATE-OBS"] == tess.btjd_to_iso(frame.tstart)
            assert header["DATE-END"] == tess.btjd_to_iso(frame.tstop)
        assert (primary["TELESCOP"], primary["SECTOR"], primary["CAMERA"], primary["CCD"]) == (
            "TESS",
            1,
            1,
            1,
        )
        assert image["BUNIT"] == uncert["BUNIT"] == "electrons/s"
        assert (image["IMAGTYPE"], uncert["IMAGTYPE"]) == ("cal", "uncert")
        assert hdul[1].data.shape == hdul[2].data.shape == (ffi.SIDE, ffi.SIDE)
        assert np.all(hdul[2].data > 0), "uncertainties are positive"


def test_the_wcs_puts_the_star_where_its_light_is(first_file) -> None:
    with fits.open(first_file) as hdul:
        wcs = WCS(hdul[1].header)
        assert wcs.has_celestial
        x, y = wcs.world_to_pixel_values(catalogue_ffi.FIELD_STAR.ra, catalogue_ffi.FIELD_STAR.dec)
        image = hdul[1].data
        brightest = np.unravel_index(
            np.argmax(image[int(y) - 3 : int(y) + 4, int(x) - 3 : int(x) + 4]), (7, 7)
        )
    assert 2 <= brightest[0] <= 4 and 2 <= brightest[1] <= 4, "the peak is within a pixel of the WCS position"
    centre = WCS(hdul[1].header).pixel_to_world_values(
        ffi.CCD_CRPIX[0] - 1 - (ffi.window().column0 - 1), ffi.CCD_CRPIX[1] - 1 - (ffi.window().row0 - 1)
    )
    star = catalogue_ffi.FIELD_STAR
    assert np.allclose(centre, (star.ra, star.dec)), (
        "the window is part of the CCD's projection about the star"
    )


def test_files_are_identical_whatever_was_written_before(tmp_path, first_file) -> None:
    obs = ffi_observation()
    again = tmp_path / "again.fits"
    write_product(obs, product_of(FRAMES[700]), tmp_path / "other.fits")  # the template now holds frame 700
    write_product(obs, product_of(FRAMES[0]), again)
    assert again.read_bytes() == first_file.read_bytes()


def test_the_star_dims_in_its_eclipses(tmp_path) -> None:
    eclipses = catalogue_ffi.FIELD_STAR.eclipses
    primary = frame_at(eclipses.epoch_btjd + 2 * eclipses.period_days)
    secondary = frame_at(eclipses.epoch_btjd + 2.5 * eclipses.period_days)
    outside = frame_at(eclipses.epoch_btjd + 2.25 * eclipses.period_days)
    flux = {}
    for name, frame in (("primary", primary), ("secondary", secondary), ("outside", outside)):
        path = tmp_path / frame.filename
        write_product(ffi_observation(), product_of(frame), path)
        flux[name] = aperture_sum(path)
    assert flux["primary"] / flux["outside"] == pytest.approx(1 - eclipses.primary_depth, abs=0.03)
    assert flux["secondary"] / flux["outside"] == pytest.approx(1 - eclipses.secondary_depth, abs=0.03)


def test_the_sector_fits_the_data_budget(first_file) -> None:
    assert first_file.stat().st_size * len(FRAMES) <= BUDGET_BYTES
