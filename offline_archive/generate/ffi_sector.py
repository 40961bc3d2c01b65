"""TESS calibrated full-frame images (``tess_ffic``), in the real files' HDU layout.

A real FFI holds the whole CCD (2136 x 2078 pixels, 35 MB).  These are 64 x 64 windows of the
CCD around :data:`offline_archive.sky.catalogue_ffi.FIELD_STAR`, with the real layout:

* HDU 0: a primary header with the mission, sector, camera, CCD and the exposure's TSTART,
  TSTOP (BTJD), DATE-OBS and DATE-END;
* HDU 1: the calibrated image (e-/s, float32) with the timing cards, DQUALITY and a celestial
  WCS: a TAN projection about the field star at its real CCD pixel, with the sky's local scale
  there (:data:`offline_archive.sky.catalogue_ffi.STAR_PIXEL`, ``STAR_CD``: tess-point's
  geometry of sector 1), whose reference pixel is shifted to the window, so that sky positions
  near the star fall where they do on the real CCD;
* HDU 2: the uncertainty of each pixel (e-/s, float32), with the same WCS.

Each image is a sky background that rises with scattered light towards the end of each
orbit (:func:`offline_archive.generate.tess.background`), a handful of constant field stars,
and the field star, whose eclipses follow its :class:`offline_archive.sky.targets.Eclipses`.  Pixel noise
is photon and read noise of the 30-minute exposure, seeded by the file name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from scipy.special import erf

from ..sky import catalogue_ffi
from ..sky.targets import Eclipses, Observation, Product
from .tess import (
    DEADC,
    FRAME_TIME_S,
    GAIN,
    IMPULSIVE_OUTLIER,
    INT_TIME_S,
    SPOC_VERSION,
    _cards,
    background,
    btjd_to_iso,
    file_date,
    quality_flags,
    seeded_rng,
    star_flux,
)

#: Side of the stored window (pixels).
SIDE = 64
#: Size of the whole CCD image (columns, rows) and the WCS's 1-based reference pixel (the star's).
CCD_SHAPE = (2136, 2078)
CCD_CRPIX = catalogue_ffi.STAR_PIXEL
#: Width (sigma, pixels) of the Gaussian point-spread function.
PSF_SIGMA = 0.9
READ_NOISE_E = 10.0
FIELD_STARS = 9


def eclipse_model(eclipses: Eclipses, times: np.ndarray) -> np.ndarray:
    """Relative flux (1 out of eclipse) of an eclipsing binary at ``times`` (BTJD).

    Each eclipse is a rounded dip, ``depth * sqrt(1 - (2 dt / duration)**2)``; the secondary
    eclipse falls half a period after the primary.
    """
    half = eclipses.duration_hours / 24.0 / 2.0
    flux = np.ones(times.size)
    for offset, depth in ((0.0, eclipses.primary_depth), (0.5, eclipses.secondary_depth)):
        epoch = eclipses.epoch_btjd + offset * eclipses.period_days
        dt = (times - epoch + eclipses.period_days / 2.0) % eclipses.period_days - eclipses.period_days / 2.0
        flux -= depth * np.sqrt(np.clip(1.0 - (dt / half) ** 2, 0.0, None))
    return flux


def ccd_wcs() -> WCS:
    """The celestial WCS of the CCD near the star: TAN about the star at its pixel, with tess-point's local scale."""
    star = catalogue_ffi.FIELD_STAR
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [star.ra, star.dec]
    wcs.wcs.crpix = list(CCD_CRPIX)
    wcs.wcs.cd = [list(row) for row in catalogue_ffi.STAR_CD]
    wcs.wcs.radesys = "ICRS"
    return wcs


@dataclass(frozen=True)
class Window:
    """The stored part of the CCD and what is in it (the same in every image)."""

    column0: int  # 1-based CCD column of the window's first pixel
    row0: int
    header_wcs: fits.Header  # the window's WCS cards
    star_psf: np.ndarray  # the field star's share of its flux in each pixel
    field: np.ndarray  # the constant field stars (e-/s)
    gradient: np.ndarray  # relative background across the window


def _pixel_psf(x0: float, y0: float, sigma: float = PSF_SIGMA) -> np.ndarray:
    """Fraction of a star's flux in each pixel: a Gaussian integrated over the pixels."""
    edges = np.arange(SIDE + 1) - 0.5
    scale = sigma * math.sqrt(2.0)
    fx = np.diff(0.5 * erf((edges - x0) / scale))
    fy = np.diff(0.5 * erf((edges - y0) / scale))
    return np.outer(fy, fx)


@lru_cache(maxsize=1)
def window() -> Window:
    """Where the window lies on the CCD, and its static content."""
    star = catalogue_ffi.FIELD_STAR
    wcs = ccd_wcs()
    column, row = (float(v) for v in wcs.world_to_pixel_values(star.ra, star.dec))  # 0-based
    column0, row0 = round(column) - SIDE // 2 + 1, round(row) - SIDE // 2 + 1  # 1-based CCD pixel
    local = wcs.deepcopy()
    local.wcs.crpix = [CCD_CRPIX[0] - column0 + 1, CCD_CRPIX[1] - row0 + 1]
    x_star, y_star = column - (column0 - 1), row - (row0 - 1)
    rng = seeded_rng(f"ffi-field:{catalogue_ffi.OBS_ID}")
    field = np.zeros((SIDE, SIDE))
    placed = 0
    while placed < FIELD_STARS:
        x, y = rng.uniform(2.0, SIDE - 3.0, 2)
        if math.hypot(x - x_star, y - y_star) < 9.0:  # keep the star's neighbourhood clear
            continue
        field += rng.uniform(300.0, 6000.0) * _pixel_psf(x, y)
        placed += 1
    yy, xx = np.mgrid[0:SIDE, 0:SIDE] / SIDE
    gradient = 1.0 + 0.04 * xx - 0.03 * yy
    return Window(column0, row0, local.to_header(), _pixel_psf(x_star, y_star), field, gradient)


@lru_cache(maxsize=1)
def _quality() -> np.ndarray:
    """DQUALITY of every frame: the spacecraft's events (no target-specific outliers)."""
    frames = catalogue_ffi.frames()
    mid = np.array([(f.tstart + f.tstop) / 2.0 for f in frames])
    flags = quality_flags(catalogue_ffi.FIELD_STAR, catalogue_ffi.SECTOR, mid, catalogue_ffi.CADENCE_S)
    return flags & ~IMPULSIVE_OUTLIER


def _primary(tstart: float, tstop: float) -> fits.PrimaryHDU:
    sector = catalogue_ffi.SECTOR
    header = _cards(
        fits.Header(),
        [
            ("NEXTEND", 2, "number of standard extensions"),
            ("ORIGIN", "NASA/Ames", "institution responsible for creating this file"),
            ("DATE", file_date(sector.end_btjd), "file creation date."),
            ("TSTART", tstart, "observation start time in TJD"),
            ("TSTOP", tstop, "observation stop time in TJD"),
            ("DATE-OBS", btjd_to_iso(tstart), "TSTART as UTC calendar date"),
            ("DATE-END", btjd_to_iso(tstop), "TSTOP as UTC calendar date"),
            ("CREATOR", "5014 FfiExporter", "pipeline job and program used"),
            ("PROCVER", SPOC_VERSION, "SW version"),
            ("FILEVER", "1.0", "file format version"),
            ("TIMVERSN", "OGIP/93-003", "OGIP memo number for file format"),
            ("TELESCOP", "TESS", "telescope"),
            ("INSTRUME", "TESS Photometer", "detector type"),
            ("DATA_REL", 1, "data release version number"),
            ("SECTOR", sector.number, "Observing sector"),
            ("CAMERA", catalogue_ffi.CAMERA, "Camera number"),
            ("CCD", catalogue_ffi.CCD, "CCD chip number"),
        ],
    )
    return fits.PrimaryHDU(header=header)


def _image_cards(kind: str, tstart: float, tstop: float, quality: int) -> fits.Header:
    where = window()
    exposure = (tstop - tstart) * DEADC
    header = _cards(
        fits.Header(),
        [
            ("EXTNAME", f"CAMERA.CCD {catalogue_ffi.CAMERA}.{catalogue_ffi.CCD} {kind}", "extension name"),
            ("INHERIT", True, "inherit the primary header"),
            ("TIMEREF", "SOLARSYSTEM", "barycentric correction applied to times"),
            ("TASSIGN", "SPACECRAFT", "where time is assigned"),
            ("TIMESYS", "TDB", "time system is Barycentric Dynamical Time (TDB)"),
            ("BJDREFI", 2457000, "integer part of BTJD reference date"),
            ("BJDREFF", 0.0, "fraction of the day in BTJD reference date"),
            ("TIMEUNIT", "d", "time unit for TSTART and TSTOP"),
            ("TELAPSE", tstop - tstart, "[d] TSTOP - TSTART"),
            ("LIVETIME", exposure, "[d] TELAPSE multiplied by DEADC"),
            ("TSTART", tstart, "observation start time in BTJD"),
            ("TSTOP", tstop, "observation stop time in BTJD"),
            ("DATE-OBS", btjd_to_iso(tstart), "TSTART as UTC calendar date"),
            ("DATE-END", btjd_to_iso(tstop), "TSTOP as UTC calendar date"),
            ("DEADC", DEADC, "deadtime correction"),
            ("TIMEPIXR", 0.5, "bin time beginning=0 middle=0.5 end=1"),
            ("INT_TIME", INT_TIME_S * DEADC, "[s] photon accumulation time per frame"),
            ("FRAMETIM", FRAME_TIME_S, "[s] frame time (INT_TIME + READTIME)"),
            ("NUM_FRM", round(catalogue_ffi.CADENCE_S / FRAME_TIME_S), "number of frames per time stamp"),
            ("TIMEDEL", catalogue_ffi.CADENCE_S / 86400.0, "[d] time resolution of data"),
            ("EXPOSURE", exposure, "[d] time on source"),
            ("BACKAPP", False, "background is subtracted"),
            ("VIGNAPP", True, "vignetting or collimator correction applied"),
            ("GAINA", GAIN, "[electrons/count] CCD output A gain"),
            ("READNOIA", READ_NOISE_E / GAIN, "[ADU] read noise CCD output A"),
            ("BUNIT", "electrons/s", "physical units of image data"),
            ("DQUALITY", quality, "data quality flags"),
            ("IMAGTYPE", kind, "FFI image type: raw, cal, uncert"),
            ("CRVAL1P", where.column0, "CCD column of the window's first pixel"),
            ("CRVAL2P", where.row0, "CCD row of the window's first pixel"),
        ],
    )
    header.extend(where.header_wcs)
    return header


#: The cards that differ from one image to the next (the others are the same in every file).
_TIME_CARDS = ("TSTART", "TSTOP", "DATE-OBS", "DATE-END", "TELAPSE", "LIVETIME", "EXPOSURE", "DQUALITY")


@lru_cache(maxsize=1)
def _template() -> fits.HDUList:
    """The HDUs of the first image, reused for every file a process writes.

    Building ~150 header cards costs far more than writing a 64 x 64 image, so each file only
    updates the cards of :data:`_TIME_CARDS` and the pixels; every one of them is set for every
    file, so a file's content does not depend on which files the process wrote before.
    """
    first = catalogue_ffi.frames()[0]
    hdul = fits.HDUList(
        [
            _primary(first.tstart, first.tstop),
            fits.ImageHDU(
                np.zeros((SIDE, SIDE), np.float32), header=_image_cards("cal", first.tstart, first.tstop, 0)
            ),
            fits.ImageHDU(
                np.zeros((SIDE, SIDE), np.float32),
                header=_image_cards("uncert", first.tstart, first.tstop, 0),
            ),
        ]
    )
    hdul.verify("exception")  # once: the files then change only values of the same types
    return hdul


def _set_times(hdul: fits.HDUList, tstart: float, tstop: float, quality: int) -> None:
    exposure = (tstop - tstart) * DEADC
    values = {
        "TSTART": tstart,
        "TSTOP": tstop,
        "DATE-OBS": btjd_to_iso(tstart),
        "DATE-END": btjd_to_iso(tstop),
        "TELAPSE": tstop - tstart,
        "LIVETIME": exposure,
        "EXPOSURE": exposure,
        "DQUALITY": quality,
    }
    for hdu in hdul:
        for key in _TIME_CARDS:
            if key in hdu.header:
                hdu.header[key] = values[key]


def write_ffic(observation: Observation, product: Product, path: Path) -> None:
    """Write one calibrated full-frame image (see the module's description)."""
    index = int(product.param("frame"))  # type: ignore[arg-type]
    tstart, tstop = float(product.param("tstart")), float(product.param("tstop"))  # type: ignore[arg-type]
    where = window()
    star = catalogue_ffi.FIELD_STAR
    mid = np.array([(tstart + tstop) / 2.0])
    relative = eclipse_model(star.eclipses, mid)[0] if star.eclipses else 1.0
    sky = background(catalogue_ffi.SECTOR, mid)[0] * where.gradient
    model = sky + where.field + star_flux(star) * relative * where.star_psf
    seconds = (tstop - tstart) * 86400.0 * DEADC
    sigma = (
        np.sqrt(model * seconds + READ_NOISE_E**2 * round(catalogue_ffi.CADENCE_S / FRAME_TIME_S)) / seconds
    )
    image = model + seeded_rng(product.filename).normal(0.0, 1.0, model.shape) * sigma
    hdul = _template()
    _set_times(hdul, tstart, tstop, int(_quality()[index]))
    hdul[1].data[...] = image  # in place: the header already describes a float32 image
    hdul[2].data[...] = sigma
    hdul.writeto(path, overwrite=True, output_verify="ignore")
