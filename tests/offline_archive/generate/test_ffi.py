"""The simulated full-frame images around TIC 214568914 and the TESScut cube the build makes from them."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS

from offline_archive.generate import ffi, tess
from offline_archive.generate.scene import flyby_positions
from offline_archive.sky import catalogue, targets
from offline_archive.sky.targets import FLYBYS, SECTORS, TIC_214568914

SIDE = catalogue.FFI_WINDOW_PX
CUBE_KEY = "tess/public/mast/tess-s0001-1-2-cube.fits"


@pytest.fixture(scope="module")
def frames() -> ffi.FfiFrames:
    return ffi.simulate_frames(TIC_214568914, SECTORS[1], SIDE, catalogue.FFI_CADENCE_S, seed="test")


@pytest.fixture(scope="module")
def wcs() -> WCS:
    return WCS(ffi.window_header(TIC_214568914, SECTORS[1], SIDE))


def test_one_frame_every_30_minutes_outside_the_data_gap(frames):
    expected = targets.cadence_times(SECTORS[1], 1800)
    assert frames.flux.shape == (expected.size, SIDE, SIDE)
    assert np.array_equal(frames.time, expected)
    gap = SECTORS[1].gap_btjd
    assert not np.any((frames.time > gap[0]) & (frames.time < gap[1]))
    assert expected.size == 1282  # as many as the real FFIs of a sector-1 CCD (seeds/004), so TESScut too


def test_the_window_wcs_puts_the_target_at_its_centre(wcs):
    column, row = wcs.world_to_pixel(SkyCoord(TIC_214568914.ra, TIC_214568914.dec, unit="deg"))
    assert abs(column - (SIDE - 1) / 2) < 1 and abs(row - (SIDE - 1) / 2) < 1
    assert wcs.wcs.ctype[1] == "DEC--TAN-SIP" and wcs.sip is not None
    assert wcs.proj_plane_pixel_scales()[0].to_value("arcsec") == pytest.approx(21.0, rel=0.01)


def test_the_asteroid_is_in_the_frames_where_its_track_says(frames, wcs):
    flyby = FLYBYS[0]
    reference = np.median(frames.flux, axis=0)
    checked = 0
    for index in np.flatnonzero(np.abs(frames.time - flyby.closest_btjd) < 0.4)[::4]:
        ra, dec = flyby_positions(flyby, TIC_214568914, frames.time[index : index + 1])
        column, row = (round(float(v[0])) for v in wcs.all_world2pix(ra, dec, 0))
        change = frames.flux[index] - reference
        peak = np.unravel_index(np.argmax(change), change.shape)
        assert abs(peak[0] - row) <= 1 and abs(peak[1] - column) <= 1
        assert change[peak] > 20 * np.median(frames.error[index])  # far above the noise
        checked += 1
    assert checked >= 4
    far = frames.flux[np.abs(frames.time - flyby.closest_btjd) > 1.5] - reference
    far -= np.median(far, axis=(1, 2), keepdims=True)  # the scattered-light background changes
    assert np.max(far) < 50  # nothing moves there: only noise and the target's transits


def test_field_stars_keep_clear_of_the_target():
    x, y, flux = ffi.field_stars(TIC_214568914, SECTORS[1], SIDE)
    centre = (SIDE - 1) / 2
    assert np.min(np.hypot(x - centre, y - centre)) > ffi.FIELD_CLEARANCE_PX - 1
    assert flux.size == ffi.FIELD_STARS and np.all(flux > 0)


def test_ffi_names_follow_spoc():
    name = ffi.ffi_filename(SECTORS[1], 1, 2, 1325.3034)
    assert name.startswith("tess2018206") and name.endswith("-s0001-1-2-0120-s_ffic.fits")


# --------------------------------------------------------------------------------------------
# The built cube (needs the archive's data)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cube_file(archive_env):
    from offline_archive.paths import archive_root
    from offline_archive.store import DataStore

    obs, product = next((o, p) for o, p in catalogue.all_products() if p.kind == "tess_ffi_cube")
    stored = DataStore(archive_root()).get(obs.data_uri(product))
    assert stored is not None
    return stored


@pytest.mark.archive
def test_the_cube_is_kept_in_the_cloud_under_its_mast_key(cube_file):
    import s3fs

    assert (cube_file.bucket, cube_file.key) == ("stpubdata", CUBE_KEY)
    fs = s3fs.S3FileSystem(anon=True)
    assert fs.info(f"s3://stpubdata/{CUBE_KEY}")["size"] == cube_file.size


@pytest.mark.archive
def test_the_cube_holds_every_frame_in_astrocut_layout(cube_file):
    with fits.open(cube_file.path, memmap=True) as cube:
        times = targets.cadence_times(SECTORS[1], 1800)
        assert cube[1].data.shape == (SIDE, SIDE, times.size, 2)
        table = cube[2].data
        assert np.allclose((table["TSTART"] + table["TSTOP"]) / 2, times)
        assert cube[0].header["SECTOR"] == 1 and cube[0].header["CAMERA"] == 1 and cube[0].header["CCD"] == 2
        # Dated by its data, not by the day of the build, so that builds are reproducible.
        assert cube[0].header["DATE"] == tess.file_date(SECTORS[1].end_btjd)


@pytest.mark.archive
def test_the_cube_s_frames_are_not_left_in_the_archive(cube_file):
    """The frames stacked into the CCD 1-2 cube are intermediate: only the cube is kept.

    (CCD 1-1's calibrated FFIs are products in their own right, for notebook 05.)
    """
    from offline_archive.paths import archive_root, data_dir
    from offline_archive.store import read_manifest

    manifest = read_manifest(archive_root())
    assert not any(
        "-s0001-1-2-" in entry["path"] and entry["path"].endswith("_ffic.fits")
        for entry in manifest["products"].values()
    )
    assert not list(data_dir(archive_root()).rglob("*-s0001-1-2-*_ffic.fits"))
    assert not list(data_dir(archive_root()).glob("**/tess/public/ffi/s0001/*/*/1-2/*"))
