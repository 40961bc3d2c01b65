"""TESS full-frame images around a target and the TESScut data cube built from them (kind ``tess_ffi_cube``).

The archive does not simulate whole CCDs: for a target with a cube product it simulates a
square window of the CCD (``window_px`` on a side, centred on the target) at the full-frame
cadence of the sector, with

* the target itself (its transits included, :func:`offline_archive.generate.tess.transit_model`),
* a seeded scatter of fainter field stars, none close enough to the target to fall in its
  light-curve aperture,
* every body passing the target (:mod:`.scene`), trailed over each exposure,
* the sector's scattered-light background, and photon and read noise.

The frames are written as calibrated full-frame images (``*_ffic.fits``: primary header, image,
uncertainty image) into a temporary folder, stacked into a cube by astrocut's ``CubeFactory``,
as MAST builds the cubes TESScut cuts from, and deleted.  Only the cube is kept; it is served
from ``tess/public/mast/tess-<sector>-<camera>-<ccd>-cube.fits`` in the cloud and cut by the
archive's TESScut service.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from astrocut import CubeFactory
from astropy.io import fits
from astropy.wcs import WCS

from ..sky import catalogue, targets
from ..sky.targets import BTJD_OFFSET, Observation, Product, Sector, Target
from . import tess
from .scene import flyby_images, render

__all__ = ["FfiFrames", "ffi_filename", "field_stars", "simulate_frames", "window_header", "write_cube"]

#: Read noise per 2-s read (electrons) and the SIP distortion of the simulated optics.
READ_NOISE_E = tess.READ_NOISE_E
SIP = {
    "A_ORDER": 2,
    "A_2_0": 1.9e-6,
    "A_1_1": 1.6e-6,
    "A_0_2": 3.1e-7,
    "B_ORDER": 2,
    "B_2_0": 3.0e-7,
    "B_1_1": 1.7e-6,
    "B_0_2": 2.0e-6,
}
#: Field stars per window, their magnitude range and the distance (pixels) they keep from the target.
FIELD_STARS = 60
FIELD_TMAG = (12.5, 17.0)
FIELD_CLEARANCE_PX = 8.0
#: Positions per exposure used to draw the trail of a moving body.
TRAIL_SUBSAMPLES = 5


@dataclass(frozen=True)
class FfiFrames:
    """The simulated window of every full-frame image of a sector."""

    time: np.ndarray  # mid-exposure (BTJD)
    flux: np.ndarray  # (frames, rows, columns) e-/s, float32
    error: np.ndarray  # same shape, float32
    quality: np.ndarray  # int32 per frame
    barycorr: np.ndarray  # days, per frame
    cadence_s: float


def _params(product: Product) -> tuple[Target, Sector, int, int]:
    target = tess.target_by_key(str(product.param("target")))
    sector = targets.SECTORS[tess.int_param(product, "sector")]
    return target, sector, tess.int_param(product, "window_px"), tess.int_param(product, "cadence_s")


def window_header(target: Target, sector: Sector, side: int) -> fits.Header:
    """The celestial WCS of a window (TAN with SIP distortion, CD matrix, as SPOC writes FFIs).

    The target sits at the window's centre pixel, offset by its sub-pixel position on the CCD;
    the pixel grid has the same orientation and scale as the target's pixel files.
    """
    where = tess.placement(target, sector)
    x0, y0 = tess._star_pixel(where, side)
    linear = tess._celestial_wcs(where, target, (x0 + 1.0, y0 + 1.0))
    cd = np.diag([linear["CDELT1"], linear["CDELT2"]]) @ np.array(
        [[linear["PC1_1"], linear["PC1_2"]], [linear["PC2_1"], linear["PC2_2"]]]
    )
    header = fits.Header()
    header["WCSAXES"] = (2, "number of WCS axes")
    for key, comment in (
        ("CTYPE1", "Gnomonic projection + SIP distortions"),
        ("CTYPE2", "Gnomonic projection + SIP distortions"),
    ):
        header[key] = (linear[key] + "-SIP", comment)
    for key in ("CUNIT1", "CUNIT2", "CRVAL1", "CRVAL2", "CRPIX1", "CRPIX2"):
        header[key] = linear[key]
    for i in (1, 2):
        for j in (1, 2):
            header[f"CD{i}_{j}"] = (float(cd[i - 1, j - 1]), "coordinate transformation matrix")
    for key, value in SIP.items():
        header[key] = (value, "SIP distortion")
    return header


def field_stars(target: Target, sector: Sector, side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column, row (0-based) and flux (e-/s) of the field stars in a window (seeded by target and sector)."""
    rng = tess.seeded_rng(f"field:{target.key}:{sector.number}")
    x0, y0 = tess._star_pixel(tess.placement(target, sector), side)
    xs, ys, mags = [], [], []
    while len(xs) < FIELD_STARS:
        x, y = rng.uniform(-1.5, side + 0.5, 2)
        tmag = rng.uniform(*FIELD_TMAG)
        if math.hypot(x - x0, y - y0) >= FIELD_CLEARANCE_PX:
            xs.append(x)
            ys.append(y)
            mags.append(tmag)
    return np.array(xs), np.array(ys), np.array([tess.tmag_flux(m) for m in mags])


def simulate_frames(target: Target, sector: Sector, side: int, cadence_s: int, seed: str) -> FfiFrames:
    """Every full-frame image of the window in a sector (noise seeded by ``seed``)."""
    times = targets.cadence_times(sector, cadence_s)
    shape = (side, side)
    wcs = WCS(window_header(target, sector, side))
    x0, y0 = tess._star_pixel(tess.placement(target, sector), side)
    trend = tess.sap_trend(sector, times)
    target_flux = tess.star_flux(target) * tess.transit_model(target, times) * trend
    star_image = render(np.array([x0]), np.array([y0]), np.array([1.0]), shape)
    field_image = render(*field_stars(target, sector, side), shape)
    passing = flyby_images(target, times, cadence_s, wcs, shape, tess.tmag_flux, subsamples=TRAIL_SUBSAMPLES)
    signal = (
        target_flux[:, None, None] * star_image
        + trend[:, None, None] * field_image
        + passing
        + tess.background(sector, times)[:, None, None]
    )
    exposure = cadence_s * tess.DEADC
    reads = cadence_s / tess.FRAME_TIME_S
    error = np.sqrt(signal * exposure + reads * READ_NOISE_E**2) / exposure
    flux = signal + error * tess.seeded_rng(seed).standard_normal(signal.shape)
    quality = tess.quality_flags(target, sector, times, cadence_s) & ~tess.IMPULSIVE_OUTLIER
    return FfiFrames(
        times,
        flux.astype(np.float32),
        error.astype(np.float32),
        quality.astype(np.int32),
        tess.barycentric_correction(target, times),
        float(cadence_s),
    )


def _utc(btjd: float) -> datetime:
    since_j2000 = timedelta(days=btjd + BTJD_OFFSET - 2451545.0, seconds=-tess.TDB_MINUS_UTC_S)
    return datetime(2000, 1, 1, 12, tzinfo=UTC) + since_j2000


def ffi_filename(sector: Sector, camera: int, ccd: int, btjd: float) -> str:
    """SPOC's name for a calibrated FFI: ``tess<yyyydddhhmmss>-s0001-1-2-0120-s_ffic.fits``.

    ``btjd`` is the start of the exposure, which the stamp gives to the nearest second (as in the real
    sector 1 files, ``tess2018206192942`` first: see :mod:`offline_archive.sky.catalogue_ffi`).
    """
    stamp = (_utc(btjd) + timedelta(microseconds=500_000)).strftime("%Y%j%H%M%S")
    return f"tess{stamp}-{sector.label}-{camera}-{ccd}-{catalogue.SPOC_RUN[sector.number]:04d}-s_ffic.fits"


def _templates(
    target: Target, sector: Sector, camera: int, ccd: int, side: int, cadence_s: float
) -> fits.HDUList:
    """An FFI with every card in place; :func:`_write_frames` fills in each frame's values."""
    # Only the cards that astrocut, lightkurve and a reader of the cutouts use: CubeFactory reads
    # every card of every frame twice, so each card costs the build a little.
    primary = fits.Header()
    tess._cards(
        primary,
        [
            ("TELESCOP", "TESS", "telescope"),
            ("INSTRUME", "TESS Photometer", "detector type"),
            ("ORIGIN", "NASA/Ames", "institution responsible for creating this file"),
            ("DATE", tess.file_date(sector.end_btjd), "file creation date."),
            ("CREATOR", "5427 FfiExporter", "pipeline job and program used"),
            ("PROCVER", tess.SPOC_VERSION, "SW version"),
            ("TSTART", 0.0, "observation start time in TJD"),
            ("TSTOP", 0.0, "observation stop time in TJD"),
            ("DATE-OBS", "", "TSTART as UTC calendar date"),
            ("DATE-END", "", "TSTOP as UTC calendar date"),
            ("FFIINDEX", 0, "number of FFI cadence interval"),
            ("CAMERA", camera, "Camera number"),
            ("CCD", ccd, "CCD chip number"),
        ],
    )
    image = fits.Header()
    tess._cards(
        image,
        [
            ("CAMERA", camera, "Camera number"),
            ("CCD", ccd, "CCD chip number"),
            ("TSTART", 0.0, "observation start time in TJD"),
            ("TSTOP", 0.0, "observation stop time in TJD"),
            ("DATE-END", "", "TSTOP as UTC calendar date"),
            ("BARYCORR", 0.0, "[d] barycentric time correction"),
            ("DQUALITY", 0, "data quality flags"),
            ("EXPOSURE", cadence_s / 86400.0 * tess.DEADC, "[d] time on source"),
            ("TIMEDEL", cadence_s / 86400.0, "[d] time resolution of data"),
            ("DEADC", tess.DEADC, "deadtime correction"),
            ("BUNIT", "electrons/s", "physical units of image data"),
        ],
    )
    image.extend(window_header(target, sector, side))
    blank = np.zeros((side, side), dtype=np.float32)
    return fits.HDUList(
        [
            fits.PrimaryHDU(header=primary),
            fits.ImageHDU(blank, header=image, name=f"CAMERA.CCD {camera}.{ccd} cal"),
            fits.ImageHDU(blank, name=f"CAMERA.CCD {camera}.{ccd} uncert"),
        ]
    )


def _write_frames(
    frames: FfiFrames, target: Target, sector: Sector, camera: int, ccd: int, directory: Path
) -> list[Path]:
    """Write one calibrated FFI per frame; returns the paths in time order."""
    side = frames.flux.shape[-1]
    hdul = _templates(target, sector, camera, ccd, side, frames.cadence_s)
    primary, image, uncert = hdul
    half = frames.cadence_s / 86400.0 / 2.0
    paths = []
    for index, mid in enumerate(frames.time):
        start, stop = float(mid - half), float(mid + half)
        primary.header.update(
            {
                "TSTART": start,
                "TSTOP": stop,
                "DATE-OBS": tess.btjd_to_iso(start),
                "DATE-END": tess.btjd_to_iso(stop),
            }
        )
        image.header.update({"TSTART": start, "TSTOP": stop, "DATE-END": tess.btjd_to_iso(stop)})
        primary.header["FFIINDEX"] = index + 1
        image.header["BARYCORR"] = float(frames.barycorr[index])
        image.header["DQUALITY"] = int(frames.quality[index])
        image.data = frames.flux[index]
        uncert.data = frames.error[index]
        path = directory / ffi_filename(sector, camera, ccd, start)
        hdul.writeto(path, output_verify="ignore")  # the template was verified when it was built
        paths.append(path)
    return paths


def write_cube(observation: Observation, product: Product, path: Path) -> None:
    """Write the TESScut cube of a target's FFI window (kind ``tess_ffi_cube``).

    Parameters
    ----------
    observation : Observation
        The FFI observation the cube belongs to (unused: the product's params say everything).
    product : Product
        Params ``target``, ``sector``, ``camera``, ``ccd``, ``window_px`` and ``cadence_s``.
    path : pathlib.Path
        The cube file to write; the FFIs go to a temporary folder next to it and are removed.
    """
    target, sector, side, cadence_s = _params(product)
    camera, ccd = tess.int_param(product, "camera"), tess.int_param(product, "ccd")
    frames = simulate_frames(target, sector, side, cadence_s, seed=product.filename)
    with tempfile.TemporaryDirectory(prefix=".ffi-", dir=path.parent) as tmp:
        files = _write_frames(frames, target, sector, camera, ccd, Path(tmp))
        CubeFactory().make_cube(
            [str(f) for f in files], cube_file=str(path), sector=sector.number, verbose=False
        )
    # CubeFactory stamps today's date; the archive's files are dated by their data, for reproducibility.
    with fits.open(path, mode="update") as cube:
        cube[0].header["DATE"] = tess.file_date(sector.end_btjd)
