"""Kepler long-cadence light curves (``kepler_llc``): ``kplr<KIC>-<stamp>_llc.fits``.

The layout is that of the Kepler Archive Manual's light-curve files (a primary header, the
LIGHTCURVE table with TIME in BKJD, SAP and PDCSAP flux, SAP_QUALITY, centroids and pointing, and
an APERTURE image), which lightkurve reads as a ``KeplerLightCurve``.  The photometry is simulated:

* the star's transits are drawn from its planets (:func:`offline_archive.generate.tess.transit_model`,
  the same trapezoid as the TESS files, so both missions show the same planet);
* white noise of :data:`NOISE_PPM` per 29.4-minute cadence, SAP_FLUX with a slow drift that
  PDCSAP_FLUX does not have;
* a momentum dump (SAP_QUALITY bit 32, with PDCSAP_FLUX NaN) every :data:`DESAT_INTERVAL_DAYS`.

Random numbers are seeded by the file name, so the same inputs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy.io import fits

from ..sky.catalogue_kepler import BKJD_OFFSET, LONG_CADENCE_S, QUARTERS, Quarter, bkjd_to_mjd
from ..sky.targets import BTJD_OFFSET, Observation, Product, Target
from .tess import _cards, btjd_to_iso, seeded_rng, target_by_key, transit_model

#: PDCSAP flux level of the simulated star (e-/s) and its white noise per long cadence (ppm).
FLUX_E_PER_S = 4.2e5
NOISE_PPM = 60.0
DESAT_INTERVAL_DAYS = 3.0
DESAT = 32
#: Frame timing of the long cadence (s): integration, readout, frames per cadence.
INT_TIME_S = 6.019802903
READ_TIME_S = 0.518948526
NUM_FRAMES = 270
DEADC = 0.92063492
TIME_UNIT = "BJD - 2454833"


def long_cadence_times(quarter: Quarter) -> np.ndarray:
    """Mid-cadence times (BKJD) of a quarter's long cadences."""
    step = LONG_CADENCE_S / 86400.0
    count = int((quarter.end_bkjd - quarter.start_bkjd) / step) + 1
    return quarter.start_bkjd + step * np.arange(count)


def quality(times: np.ndarray) -> np.ndarray:
    """SAP_QUALITY: bit 32 (reaction-wheel desaturation) on the cadence of each momentum dump."""
    flags = np.zeros(times.size, dtype=np.int32)
    dumps = np.arange(times[0] + 1.0, times[-1], DESAT_INTERVAL_DAYS)
    step = LONG_CADENCE_S / 86400.0
    for dump in dumps:
        flags[np.abs(times - dump) < step / 2] |= DESAT
    return flags


def expected_good_cadences(quarter: int) -> int:
    """How many cadences of a quarter lightkurve keeps with its default quality mask."""
    return int(np.count_nonzero(quality(long_cadence_times(QUARTERS[quarter])) == 0))


def _bkjd_iso(bkjd: float) -> str:
    return btjd_to_iso(bkjd + BKJD_OFFSET - BTJD_OFFSET)


def _columns(target: Target, times: np.ndarray, flags: np.ndarray, rng: np.random.Generator) -> fits.ColDefs:
    n = times.size
    # transit_model works in BTJD: shift the times, not the planet.
    model = transit_model(target, times + BKJD_OFFSET - BTJD_OFFSET)
    sigma = NOISE_PPM * 1e-6
    relative = model + sigma * rng.standard_normal(n)
    pdcsap = FLUX_E_PER_S * relative
    pdcsap[flags != 0] = np.nan
    drift = 1.0 - 2e-3 * (times - times[0]) / max(times[-1] - times[0], 1.0)
    sap = 0.97 * FLUX_E_PER_S * relative * drift
    err = np.full(n, FLUX_E_PER_S * sigma, dtype=np.float32)
    jitter = 2e-4 * rng.standard_normal((4, n))
    column, row = 600.0, 400.0  # simulated CCD position (not the star's real one)
    e_s = "e-/s"
    return fits.ColDefs(
        [
            fits.Column("TIME", "D", TIME_UNIT, array=times),
            fits.Column("TIMECORR", "E", "d", array=np.zeros(n)),
            fits.Column("CADENCENO", "J", array=1105 + np.arange(n)),
            fits.Column("SAP_FLUX", "E", e_s, array=sap),
            fits.Column("SAP_FLUX_ERR", "E", e_s, array=0.97 * err),
            fits.Column("SAP_BKG", "E", e_s, array=np.full(n, 2400.0) + 20.0 * rng.standard_normal(n)),
            fits.Column("SAP_BKG_ERR", "E", e_s, array=np.full(n, 20.0)),
            fits.Column("PDCSAP_FLUX", "E", e_s, array=pdcsap),
            fits.Column("PDCSAP_FLUX_ERR", "E", e_s, array=err),
            fits.Column("SAP_QUALITY", "J", array=flags),
            fits.Column("PSF_CENTR1", "D", "pixel", array=column + jitter[0]),
            fits.Column("PSF_CENTR1_ERR", "E", "pixel", array=np.full(n, 2e-4)),
            fits.Column("PSF_CENTR2", "D", "pixel", array=row + jitter[1]),
            fits.Column("PSF_CENTR2_ERR", "E", "pixel", array=np.full(n, 2e-4)),
            fits.Column("MOM_CENTR1", "D", "pixel", array=column + jitter[2]),
            fits.Column("MOM_CENTR1_ERR", "E", "pixel", array=np.full(n, 2e-4)),
            fits.Column("MOM_CENTR2", "D", "pixel", array=row + jitter[3]),
            fits.Column("MOM_CENTR2_ERR", "E", "pixel", array=np.full(n, 2e-4)),
            fits.Column("POS_CORR1", "E", "pixels", array=jitter[0]),
            fits.Column("POS_CORR2", "E", "pixels", array=jitter[1]),
        ]
    )


def write_llc(observation: Observation, product: Product, path: Path) -> None:
    """Write a Kepler long-cadence light curve (kind ``kepler_llc``) that lightkurve reads.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused: the product's params say everything).
    product : Product
        Params ``target`` (a target key), ``kic`` and ``quarter``.
    path : pathlib.Path
        The file to write; its directory must exist.
    """
    target = target_by_key(str(product.param("target")))
    kic = int(str(product.param("kic")))
    quarter = QUARTERS[int(str(product.param("quarter")))]
    times = long_cadence_times(quarter)
    flags = quality(times)
    rng = seeded_rng(product.filename)
    step = LONG_CADENCE_S / 86400.0
    tstart, tstop = float(times[0] - step / 2), float(times[-1] + step / 2)
    star = [
        ("OBJECT", f"KIC {kic}", "string version of KEPLERID"),
        ("KEPLERID", kic, "unique Kepler target identifier"),
        ("RADESYS", "ICRS", "reference frame of celestial coordinates"),
        ("RA_OBJ", target.ra, "[deg] right ascension"),
        ("DEC_OBJ", target.dec, "[deg] declination"),
        ("EQUINOX", 2000.0, "equinox of celestial coordinate system"),
    ]
    primary = fits.PrimaryHDU()
    _cards(
        primary.header,
        [
            ("EXTNAME", "PRIMARY", "name of extension"),
            ("ORIGIN", "NASA/Ames", "institution responsible for creating this file"),
            ("CREATOR", "FluxExporter2PipelineModule", "pipeline job and program used"),
            ("FILEVER", "6.1", "file format version"),
            ("TIMVERSN", "OGIP/93-003", "OGIP memo number for file format"),
            ("TELESCOP", "Kepler", "telescope"),
            ("INSTRUME", "Kepler Photometer", "detector type"),
            *star,
            ("OBSMODE", "long cadence", "observing mode"),
            ("MISSION", "Kepler", "Mission name"),
            ("QUARTER", quarter.number, "Observing quarter"),
        ],
    )
    table = fits.BinTableHDU.from_columns(_columns(target, times, flags, rng), name="LIGHTCURVE")
    _cards(
        table.header,
        [
            ("TELESCOP", "Kepler", "telescope"),
            ("INSTRUME", "Kepler Photometer", "detector type"),
            *star,
            ("TIMEREF", "SOLARSYSTEM", "barycentric correction applied to times"),
            ("TASSIGN", "SPACECRAFT", "where time is assigned"),
            ("TIMESYS", "TDB", "time system is barycentric JD"),
            ("BJDREFI", 2454833, "integer part of BJD reference date"),
            ("BJDREFF", 0.0, "fraction of the day in BJD reference date"),
            ("TIMEUNIT", "d", "time unit for TIME, TSTART and TSTOP"),
            ("TELAPSE", tstop - tstart, "[d] TSTOP - TSTART"),
            ("LIVETIME", (tstop - tstart) * DEADC, "[d] TELAPSE multiplied by DEADC"),
            ("TSTART", tstart, "observation start time in BJD-BJDREF"),
            ("TSTOP", tstop, "observation stop time in BJD-BJDREF"),
            ("LC_START", bkjd_to_mjd(tstart), "mid point of first cadence in MJD"),
            ("LC_END", bkjd_to_mjd(tstop), "mid point of last cadence in MJD"),
            ("DEADC", DEADC, "deadtime correction"),
            ("TIMEPIXR", 0.5, "bin time beginning=0 middle=0.5 end=1"),
            ("INT_TIME", INT_TIME_S, "[s] photon accumulation time per frame"),
            ("READTIME", READ_TIME_S, "[s] readout time per frame"),
            ("FRAMETIM", INT_TIME_S + READ_TIME_S, "[s] frame time (INT_TIME + READTIME)"),
            ("NUM_FRM", NUM_FRAMES, "number of frames per time stamp"),
            ("TIMEDEL", step, "[d] time resolution of data"),
            ("DATE-OBS", _bkjd_iso(tstart) + "Z", "TSTART as UTC calendar date"),
            ("DATE-END", _bkjd_iso(tstop) + "Z", "TSTOP as UTC calendar date"),
            ("BACKAPP", True, "background is subtracted"),
            ("DEADAPP", True, "deadtime applied"),
            ("VIGNAPP", True, "vignetting or collimator correction applied"),
            ("PDCMETHD", "MAP", "PDC algorithm used for target"),
        ],
    )
    aperture = fits.ImageHDU(
        np.full((7, 7), 1, dtype=np.int32) | np.pad(np.full((3, 3), 2), 2), name="APERTURE"
    )
    _cards(aperture.header, [("TELESCOP", "Kepler", "telescope"), *star])
    fits.HDUList([primary, table, aperture]).writeto(path, overwrite=True)
