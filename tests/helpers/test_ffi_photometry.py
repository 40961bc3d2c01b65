"""helpers.ffi against the offline archive's full-frame images (read from its S3, as in the cloud)."""

from __future__ import annotations

import dataclasses
import io

import fsspec
import numpy as np
import pytest
from astropy.io import fits

from helpers.errors import TutorialError
from helpers.ffi import (
    AperturePhotometry,
    FetchedBytesOnly,
    FfiLayout,
    OffImageError,
    OutsideFetchedBytes,
    locate,
)
from offline_archive.generate import ffi_sector as generated
from offline_archive.generate.tess import background
from offline_archive.sky import catalogue_ffi

pytestmark = pytest.mark.archive

FRAMES = catalogue_ffi.frames()
STAR = catalogue_ffi.FIELD_STAR


def uri(frame: catalogue_ffi.Frame) -> str:
    return f"s3://stpubdata/{frame.s3_dir}/{frame.filename}"


def frame_at(btjd: float) -> catalogue_ffi.Frame:
    return min(FRAMES, key=lambda f: abs((f.tstart + f.tstop) / 2 - btjd))


@pytest.fixture(scope="module")
def photometry(archive_env) -> AperturePhotometry:
    return AperturePhotometry.at(uri(FRAMES[0]), STAR.ra, STAR.dec)


def test_locate_finds_the_pixel_the_star_was_drawn_on(archive_env) -> None:
    window = generated.window()
    x, y = locate(uri(FRAMES[0]), STAR.ra, STAR.dec)
    peak = np.unravel_index(np.argmax(window.star_psf), window.star_psf.shape)
    assert (round(y), round(x)) == peak


def test_a_measurement_reads_the_times_and_a_small_part_of_the_file(photometry) -> None:
    frame = FRAMES[100]
    row = photometry(uri(frame))
    assert row["file"] == frame.filename
    assert row["time"] == pytest.approx((frame.tstart + frame.tstop) / 2)
    assert 0 < row["bytes_read"] < 49_000, "less than the whole file"
    expected_sky = background(catalogue_ffi.SECTOR, np.array([row["time"]]))[0]
    assert row["background"] == pytest.approx(expected_sky, rel=0.1)


def test_at_records_the_layout_astropy_reads_in_the_whole_file(photometry) -> None:
    whole = fsspec.filesystem("s3", anon=True).cat(uri(FRAMES[0]))
    with fits.open(io.BytesIO(whole)) as hdul:
        image = hdul[1]
        assert photometry.layout == FfiLayout(
            size=len(whole),
            data_offset=image.fileinfo()["datLoc"],
            columns=image.header["NAXIS1"],
            rows=image.header["NAXIS2"],
            bitpix=image.header["BITPIX"],
        )


def test_with_the_layout_a_file_costs_its_headers_and_the_rows_of_the_box(photometry) -> None:
    layout = photometry.layout
    rows = 2 * photometry.half_box + 1
    row = photometry(uri(FRAMES[7]))
    assert row["bytes_read"] == layout.data_offset + rows * layout.columns * 4


@pytest.mark.parametrize("index", [0, 250, 900, len(FRAMES) - 1])
def test_the_layout_read_and_the_general_read_measure_the_same(photometry, index) -> None:
    general = dataclasses.replace(photometry, layout=None)
    fast, slow = photometry(uri(FRAMES[index])), general(uri(FRAMES[index]))
    assert {k: v for k, v in fast.items() if k != "bytes_read"} == {
        k: v for k, v in slow.items() if k != "bytes_read"
    }
    assert fast["bytes_read"] < slow["bytes_read"]


@pytest.mark.parametrize(
    "headers_end", [5760, 11520], ids=["headers-longer-than-expected", "headers-shorter"]
)
def test_a_file_laid_out_differently_is_read_the_general_way(photometry, headers_end) -> None:
    wrong = dataclasses.replace(
        photometry, layout=dataclasses.replace(photometry.layout, data_offset=headers_end)
    )
    general = dataclasses.replace(photometry, layout=None)
    row, expected = wrong(uri(FRAMES[40])), general(uri(FRAMES[40]))
    assert (row["flux"], row["background"], row["time"]) == (
        expected["flux"],
        expected["background"],
        expected["time"],
    )
    assert row["bytes_read"] > expected["bytes_read"], "both reads are counted"


def test_the_fetched_bytes_cache_refuses_other_reads_with_an_os_error() -> None:
    cache = FetchedBytesOnly(0, None, 100, data={(0, 10): b"0123456789", (50, 60): b"abcdefghij"})
    assert cache._fetch(52, 55) == b"cde"
    with pytest.raises(OutsideFetchedBytes, match="bytes 20-30 were not fetched"):
        cache._fetch(20, 30)
    with pytest.raises(OSError):
        cache._fetch(5, 15)  # runs past a fetched part


def test_the_flux_drops_by_the_eclipse_depths(photometry) -> None:
    eclipses = STAR.eclipses
    primary = photometry(uri(frame_at(eclipses.epoch_btjd + 3 * eclipses.period_days)))["flux"]
    secondary = photometry(uri(frame_at(eclipses.epoch_btjd + 3.5 * eclipses.period_days)))["flux"]
    outside = photometry(uri(frame_at(eclipses.epoch_btjd + 3.25 * eclipses.period_days)))["flux"]
    assert primary / outside == pytest.approx(1 - eclipses.primary_depth, abs=0.03)
    assert secondary / outside == pytest.approx(1 - eclipses.secondary_depth, abs=0.03)


def test_the_quality_flags_come_from_the_image_header(photometry) -> None:
    flags = [photometry(uri(f))["quality"] for f in FRAMES[:3]]
    assert flags[0] != 0, "the first frame of an orbit is flagged (coarse pointing)"
    assert flags[2] == 0


def test_a_position_off_the_image_is_a_clear_error(archive_env) -> None:
    with pytest.raises(OffImageError, match="outside its 64 x 64 image") as caught:
        locate(uri(FRAMES[0]), STAR.ra + 1.0, STAR.dec)
    assert isinstance(caught.value, TutorialError) and "Next step" in str(caught.value)
    with pytest.raises(OffImageError, match="does not fit"):
        AperturePhotometry(1.0, 30.0)(uri(FRAMES[0]))


def test_a_box_off_the_image_is_refused_before_anything_is_fetched(photometry) -> None:
    with pytest.raises(OffImageError, match="does not fit on the 64 x 64 image"):
        dataclasses.replace(photometry, y=60.0)("s3://stpubdata/no/such/file.fits")


def test_a_missing_file_raises_file_not_found(photometry) -> None:
    with pytest.raises(FileNotFoundError):
        photometry("s3://stpubdata/tess/public/ffi/s0001/2018/206/1-1/no-such-file.fits")


@pytest.mark.parametrize("options", [{"x": float("nan"), "y": 3.0}, {"x": 10.0, "y": 10.0, "radius": 6.0}])
def test_impossible_measurements_are_refused(options) -> None:
    with pytest.raises(ValueError):
        AperturePhotometry(**options)


def test_locate_refuses_a_position_that_is_not_on_the_sky(archive_env) -> None:
    with pytest.raises(ValueError, match="not a sky position"):
        locate(uri(FRAMES[0]), 10.0, 95.0)
