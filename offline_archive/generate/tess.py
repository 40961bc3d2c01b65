"""TESS SPOC products: light curves (``tess_lc``), pixel files (``tess_tp``), DV time series (``tess_dvt``).

The photometry is simulated from the definitions in :mod:`offline_archive.sky.targets`:

* the star gives ``15000 * 10**(-0.4 * (Tmag - 10))`` e-/s (:func:`star_flux`), dimmed by a
  trapezoidal transit of every planet of the target (:func:`transit_model`);
* every cadence carries white noise of :func:`noise_ppm` (photon noise plus the TESS noise model's
  systematic floor of 60 ppm in an hour, both scaling as ``1/sqrt(cadence)``): about 340 ppm for
  Pi Men at 120 s, as the published noise model gives for its magnitude;
* SAP_FLUX, and the pixels of a target pixel file, carry a smooth systematic trend
  (:func:`sap_trend`: a slow drift and a thermal ramp at the start of each orbit) that
  PDCSAP_FLUX does not have;
* bodies passing the target (:data:`offline_archive.sky.targets.FLYBYS`) are drawn in the pixels by
  :mod:`.scene`, and the light they add to the optimal aperture, net of what they add to the
  background estimate, is in SAP_FLUX, PDCSAP_FLUX and the DV time series (:func:`flyby_light`);
* QUALITY follows :func:`quality_flags`, built from :func:`quality_events`.  Cadences with a bit of
  :data:`DEFAULT_BITMASK` set have ``PDCSAP_FLUX = NaN`` and are the ones lightkurve drops by
  default, so ``len(lightkurve.read(path))`` equals :func:`expected_good_cadences`.

Random numbers come from :func:`seeded_rng`, seeded by a CRC-32 of the product's file name, so the
same inputs give byte-identical files.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from ..sky import catalogue, targets
from ..sky.targets import BTJD_OFFSET, Observation, Planet, Product, Sector, Target
from .scene import flyby_images

# --- QUALITY bits (TESS Science Data Products Description Document, table 28) -----------------
ATTITUDE_TWEAK = 1
COARSE_POINT = 4
DESAT = 32  # reaction wheel desaturation (momentum dump)
IMPULSIVE_OUTLIER = 512
STRAYLIGHT = 2048
#: The bits lightkurve's ``quality_bitmask="default"`` drops (``TessQualityFlags.DEFAULT_BITMASK``):
#: attitude tweak, safe mode, coarse point, Earth point, Argabrightening, desaturation, manual
#: exclude, impulsive outlier and bad-calibration exclude.
DEFAULT_BITMASK = 1 | 2 | 4 | 8 | 16 | 32 | 128 | 512 | 16384

#: Quality model (times in days unless named otherwise).
DESAT_FIRST_DAYS = 1.0  # first momentum dump after the start of each orbit
DESAT_INTERVAL_DAYS = 3.125
DESAT_SECONDS = 60.0
COARSE_POINT_MINUTES = 12.0  # coarse pointing at the start of each orbit
ATTITUDE_TWEAK_MINUTES = 4.0  # one tweak per sector, 41 % into the first orbit
STRAYLIGHT_DAYS = 0.3  # stray light at the end of each orbit (not in the default mask)
OUTLIERS_PER_SECTOR = 2  # impulsive outliers per target and sector, at seeded times

#: Instrument constants.
PIXEL_SCALE_DEG = 21.0 / 3600.0
FRAME_TIME_S = 2.0
INT_TIME_S = 1.98
DEADC = 0.792
GAIN = 5.22
SKY_E_PER_S = 55.0  # background per pixel
READ_NOISE_E = 10.0  # read noise per 2-s read (electrons)
TDB_MINUS_UTC_S = 69.184  # 32.184 s + 37 leap seconds (valid since 2017)
FILE_DATE_LAG_DAYS = 30.0  # files are dated this long after the end of their (last) sector

TIME_UNIT = "BJD - 2457000, days"
LC_STAMP = 11  # side of the light-curve aperture image
TP_STAMP = 5  # side of a target pixel file's stamp
SPOC_VERSION = "spoc-4.0.14-20200108"


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def seeded_rng(name: str) -> np.random.Generator:
    """A random generator seeded by a stable hash (CRC-32) of a name, usually a file name."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def target_by_key(key: str) -> Target:
    """The target of :data:`offline_archive.sky.targets.TARGETS` with this key.

    Raises
    ------
    KeyError
        If no target has this key.
    """
    for target in targets.TARGETS:
        if target.key == key:
            return target
    raise KeyError(f"no target with key {key!r}")


def _target(target: Target | str) -> Target:
    return target if isinstance(target, Target) else target_by_key(target)


def _sector(sector: Sector | int) -> Sector:
    return sector if isinstance(sector, Sector) else targets.SECTORS[int(sector)]


def btjd_to_iso(btjd: float) -> str:
    """UTC date and time (ISO 8601, milliseconds) of a BTJD (TDB) instant."""
    since_j2000 = timedelta(days=btjd + BTJD_OFFSET - 2451545.0, seconds=-TDB_MINUS_UTC_S)
    utc = datetime(2000, 1, 1, 12, tzinfo=UTC) + since_j2000
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def file_date(end_btjd: float) -> str:
    """The DATE card of a file whose data end at ``end_btjd``: a fixed lag later, day precision."""
    return btjd_to_iso(end_btjd + FILE_DATE_LAG_DAYS)[:10]


def _orbits(sector: Sector) -> tuple[tuple[float, float], tuple[float, float]]:
    """The two spacecraft orbits of a sector, either side of the mid-sector gap."""
    return (sector.start_btjd, sector.gap_btjd[0]), (sector.gap_btjd[1], sector.end_btjd)


def _cards(header: fits.Header, cards: list[tuple[str, object, str]]) -> fits.Header:
    """Append ``(keyword, value, comment)`` cards, skipping None values and shortening long comments."""
    for key, value, comment in cards:
        if value is not None:
            room = 80 - len(fits.Card(key, value).image.rstrip()) - 3
            header[key] = (value, comment[: max(room, 0)])
    return header


# --------------------------------------------------------------------------------------------
# The quality model
# --------------------------------------------------------------------------------------------


#: Display formats (TDISPn) SPOC gives its table columns, by FITS format letter, and the columns
#: that differ.  Sources: spacetelescope/mast_notebooks@1a1364fb _sources/notebooks/TESS/
#: beginner_how_to_use_lc/beginner_how_to_use_lc.ipynb cell 4 (a light curve, executed 2023-10-12)
#: and @25150528 .../beginner_how_to_use_tp/beginner_how_to_use_tp.ipynb cell 4 (a target pixel file,
#: executed 2025-09-11); kept as facts in tests/fidelity/test_spoc_files.py.
DISPLAY_BY_FORMAT = {"D": "D14.7", "E": "E14.7", "J": "I10"}
DISPLAY_BY_NAME = {
    "QUALITY": "B16.16",
    "RAW_CNTS": "I8",
    "PSF_CENTR1": "F10.5",
    "PSF_CENTR2": "F10.5",
    "MOM_CENTR1": "F10.5",
    "MOM_CENTR2": "F10.5",
}


def with_display_formats(columns: fits.ColDefs) -> fits.ColDefs:
    """The columns with the display format SPOC writes for each (see :data:`DISPLAY_BY_FORMAT`)."""
    for column in columns:
        letter = column.format.lstrip("0123456789")[:1]
        display = DISPLAY_BY_NAME.get(column.name, DISPLAY_BY_FORMAT.get(letter))
        if display:
            column.disp = display
    return columns


def quality_events(target: Target | str, sector: Sector | int) -> list[tuple[float, float, int]]:
    """The flagged intervals ``(start_btjd, end_btjd, bit)`` of a target in a sector.

    Spacecraft events are the same for every target of a sector: a momentum dump (bit 32)
    every 3.125 days from one day after the start of each orbit, 12 minutes of coarse pointing
    (bit 4) at the start of each orbit, one 4-minute attitude tweak (bit 1) 41 % into the first
    orbit, and stray light (bit 2048, not in the default mask) over the last 0.3 days of each
    orbit.  Each target also has two impulsive outliers (bit 512) at seeded instants, which may
    fall in the data gap.
    """
    target, sector = _target(target), _sector(sector)
    events: list[tuple[float, float, int]] = []
    for start, end in _orbits(sector):
        events.append((start, start + COARSE_POINT_MINUTES / 1440.0, COARSE_POINT))
        events.append((end - STRAYLIGHT_DAYS, end, STRAYLIGHT))
        dump = start + DESAT_FIRST_DAYS
        while dump < end:
            events.append((dump, dump + DESAT_SECONDS / 86400.0, DESAT))
            dump += DESAT_INTERVAL_DAYS
    (start, end), _ = _orbits(sector)
    tweak = start + 0.41 * (end - start)
    events.append((tweak, tweak + ATTITUDE_TWEAK_MINUTES / 1440.0, ATTITUDE_TWEAK))
    rng = seeded_rng(f"outliers:{target.key}:{sector.number}")
    for instant in rng.uniform(sector.start_btjd + 0.5, sector.end_btjd - 0.5, OUTLIERS_PER_SECTOR):
        events.append((float(instant), float(instant), IMPULSIVE_OUTLIER))
    return events


def quality_flags(
    target: Target | str, sector: Sector | int, times: np.ndarray, cadence_s: float
) -> np.ndarray:
    """QUALITY of each cadence: the bits of every event that overlaps the cadence's exposure.

    Parameters
    ----------
    target, sector : Target or str, Sector or int
        The target (or its key) and the sector (or its number).
    times : numpy.ndarray
        Mid-exposure times (BTJD), as :func:`offline_archive.sky.targets.cadence_times` gives them.
    cadence_s : float
        Cadence in seconds.

    Returns
    -------
    numpy.ndarray
        int32 flags, one per cadence.
    """
    half = cadence_s / 86400.0 / 2.0
    quality = np.zeros(times.size, dtype=np.int32)
    for start, end, bit in quality_events(target, sector):
        quality[(times > start - half) & (times < end + half)] |= bit
    return quality


def expected_good_cadences(target: Target | str, sector: Sector | int, cadence_s: float) -> int:
    """How many cadences of a light curve lightkurve keeps with its default quality mask.

    Parameters
    ----------
    target : Target or str
        The target, or its key (``"pi_men"``).
    sector : Sector or int
        The sector, or its number.
    cadence_s : float
        Cadence in seconds (120 or 20).

    Returns
    -------
    int
        ``len(lightkurve.read(path))`` for the light curve of that target, sector and cadence.
    """
    sector = _sector(sector)
    times = targets.cadence_times(sector, cadence_s)
    quality = quality_flags(target, sector, times, cadence_s)
    return int(np.count_nonzero((quality & DEFAULT_BITMASK) == 0))


# --------------------------------------------------------------------------------------------
# The flux model
# --------------------------------------------------------------------------------------------


def tmag_flux(tmag: float) -> float:
    """Flux (e-/s) of a source of TESS magnitude ``tmag``: ``15000 * 10**(-0.4 * (Tmag - 10))``."""
    return 15000.0 * 10.0 ** (-0.4 * (tmag - 10.0))


def star_flux(target: Target) -> float:
    """PDCSAP flux level (e-/s) of a star: :func:`tmag_flux` of its magnitude (10 if unknown)."""
    return tmag_flux(target.tmag if target.tmag is not None else 10.0)


#: The systematic noise floor of TESS photometry, 60 ppm in an hour, as the TESS noise model of
#: Sullivan et al. (2015, ApJ 809, 77; section 6.1) assumes; per cadence it scales as 1/sqrt(time),
#: as Stassun et al. (2018, AJ 156, 102; the fit that the ``ticgen`` package evaluates) scale it.
SYSTEMATIC_PPM_PER_HOUR = 60.0


def noise_ppm(target: Target, cadence_s: float) -> float:
    """White noise (ppm) per cadence: photon, sky and read noise in the optimal aperture, and the systematic floor.

    The star's photons, the sky's in the optimal aperture's pixels (:data:`SKY_E_PER_S` each) and
    the read noise of every 2-s read of those pixels (:data:`READ_NOISE_E`) add in quadrature, and
    the systematic floor on top: the TESS noise model's level for the star's magnitude and the
    cadence (within some tens of per cent); tests/fidelity/test_noise.py compares the archive's
    photometry with the published model.  Sky and read noise matter for faint stars only.
    """
    if target.noise_ppm_2min is not None:  # a star whose real light curves give their scatter
        return target.noise_ppm_2min * math.sqrt(120.0 / cadence_s)
    star = star_flux(target) * cadence_s
    pixels = math.pi * _optimal_radius(target) ** 2
    variance = star + pixels * (SKY_E_PER_S * cadence_s + cadence_s / FRAME_TIME_S * READ_NOISE_E**2)
    photon = 1e6 * math.sqrt(variance) / star
    floor = SYSTEMATIC_PPM_PER_HOUR * math.sqrt(3600.0 / cadence_s)
    return math.hypot(photon, floor)


def transit_dip(planet: Planet, times: np.ndarray) -> np.ndarray:
    """Fractional dimming by one planet: a trapezoid of the planet's depth and total duration.

    Ingress and egress each last a tenth of the duration, so the flat bottom spans the central
    80 % of the transit.
    """
    duration = planet.duration_hours / 24.0
    period = planet.period_days
    phase = (times - planet.epoch_btjd + period / 2.0) % period - period / 2.0
    ingress = 0.1 * duration
    return planet.depth_ppm * 1e-6 * np.clip((duration / 2.0 - np.abs(phase)) / ingress, 0.0, 1.0)


def transit_model(target: Target, times: np.ndarray) -> np.ndarray:
    """Relative flux (1 out of transit) with the transits of every planet of the target (those drawn)."""
    model = np.ones(times.size)
    for planet in target.planets:
        if planet.transits_drawn:
            model -= transit_dip(planet, times)
    return model


def sap_trend(sector: Sector, times: np.ndarray) -> np.ndarray:
    """Multiplicative systematics of SAP flux: a slow drift and a thermal ramp in each orbit."""
    trend = 1.0 + 1.5e-3 * np.sin(2.0 * np.pi * (times - sector.start_btjd) / 17.0 + sector.number)
    for start, end in _orbits(sector):
        inside = (times >= start) & (times <= end)
        trend[inside] -= 2.5e-3 * np.exp(-(times[inside] - start) / 0.6)
    return trend


def background(sector: Sector, times: np.ndarray) -> np.ndarray:
    """Sky background per pixel (e-/s), rising with scattered light towards the end of each orbit."""
    bkg = np.full(times.size, SKY_E_PER_S)
    for start, end in _orbits(sector):
        inside = (times >= start) & (times <= end)
        bkg[inside] += 400.0 * np.exp((times[inside] - end) / 0.8)
    return bkg


def barycentric_correction(target: Target, times: np.ndarray) -> np.ndarray:
    """TIMECORR (days): light travel time across the Earth's orbit towards the target (approximate)."""
    eps = math.radians(23.4393)
    ra, dec = math.radians(target.ra), math.radians(target.dec)
    beta = math.asin(math.sin(dec) * math.cos(eps) - math.cos(dec) * math.sin(eps) * math.sin(ra))
    lam = math.atan2(math.sin(ra) * math.cos(eps) + math.tan(dec) * math.sin(eps), math.cos(ra))
    sun = np.radians(280.46 + 0.9856474 * (times + BTJD_OFFSET - 2451545.0))
    return 499.005 / 86400.0 * math.cos(beta) * np.cos(lam - sun - np.pi)


def cadence_numbers(sector: Sector, times: np.ndarray, cadence_s: float) -> np.ndarray:
    """CADENCENO: a mission-wide count of cadences, continuing across the data gap."""
    step = cadence_s / 86400.0
    first = 10_000 + round((sector.start_btjd - targets.SECTORS[1].start_btjd) / step)
    return (first + np.round((times - sector.start_btjd) / step - 0.5)).astype(np.int32)


@dataclass(frozen=True)
class Placement:
    """Where a target falls on the detector in a sector."""

    camera: int
    ccd: int
    column: float  # CCD column of the star
    row: float  # CCD row of the star
    rotation: float  # position angle of the pixel grid (radians)


def placement(target: Target, sector: Sector) -> Placement:
    """Camera, CCD and pixel of a target in a sector (tess-point's, :data:`catalogue.TESS_PIXEL`) and a stable (seeded) orientation."""
    camera, ccd, column, row = catalogue.TESS_PIXEL[(target.key, sector.number)]
    rng = seeded_rng(f"placement:{target.key}:{sector.number}")
    return Placement(camera, ccd, float(column), float(row), float(rng.uniform(0.0, 2.0 * np.pi)))


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


def _primary_header(target: Target, creator: str, data_end_btjd: float) -> fits.Header:
    """Primary-header cards common to every SPOC file of a target."""
    return _cards(
        fits.Header(),
        [
            ("EXTNAME", "PRIMARY", "name of extension"),
            ("ORIGIN", "NASA/Ames", "institution responsible for creating this file"),
            ("DATE", file_date(data_end_btjd), "file creation date."),
            ("CREATOR", creator, "pipeline job and program used"),
            ("PROCVER", SPOC_VERSION, "SW version"),
            ("FILEVER", "1.0", "file format version"),
            ("TIMVERSN", "OGIP/93-003", "OGIP memo number for file format"),
            ("TELESCOP", "TESS", "telescope"),
            ("INSTRUME", "TESS Photometer", "detector type"),
            ("OBJECT", f"TIC {target.tic}", "string version of target id"),
            ("TICID", target.tic, "unique tess target identifier"),
        ],
    )


def _target_cards(header: fits.Header, target: Target) -> fits.Header:
    """Position and stellar parameters of the target (missing ones are left out)."""
    return _cards(
        header,
        [
            ("RADESYS", "ICRS", "reference frame of celestial coordinates"),
            ("RA_OBJ", target.ra, "[deg] right ascension"),
            ("DEC_OBJ", target.dec, "[deg] declination"),
            ("EQUINOX", 2000.0, "equinox of celestial coordinate system"),
            ("TESSMAG", target.tmag, "[mag] TESS magnitude"),
            ("TEFF", target.teff, "[K] Effective temperature"),
            ("RADIUS", target.radius_rsun, "[solar radii] stellar radius"),
            ("TICVER", 8, "TICVER"),
        ],
    )


def _sector_primary(
    target: Target, sector: Sector, creator: str, times: np.ndarray, cadence_s: float
) -> fits.PrimaryHDU:
    """Primary HDU of a light curve or target pixel file."""
    where = placement(target, sector)
    step = cadence_s / 86400.0
    header = _primary_header(target, creator, sector.end_btjd)
    _cards(
        header,
        [
            ("TSTART", float(times[0] - step / 2), "observation start time in TJD"),
            ("TSTOP", float(times[-1] + step / 2), "observation stop time in TJD"),
            ("DATE-OBS", btjd_to_iso(times[0] - step / 2), "TSTART as UTC calendar date"),
            ("DATE-END", btjd_to_iso(times[-1] + step / 2), "TSTOP as UTC calendar date"),
            ("SECTOR", sector.number, "Observing sector"),
            ("CAMERA", where.camera, "Camera number"),
            ("CCD", where.ccd, "CCD chip number"),
        ],
    )
    return fits.PrimaryHDU(header=_target_cards(header, target))


def _time_cards(header: fits.Header, target: Target, times: np.ndarray, cadence_s: float) -> fits.Header:
    """Timing cards of a light-curve or pixel table (HDU 1)."""
    step = cadence_s / 86400.0
    tstart, tstop = float(times[0] - step / 2), float(times[-1] + step / 2)
    num_frames = max(round(cadence_s / FRAME_TIME_S), 1)
    return _cards(
        header,
        [
            ("TELESCOP", "TESS", "telescope"),
            ("INSTRUME", "TESS Photometer", "detector type"),
            ("OBJECT", f"TIC {target.tic}", "string version of target id"),
            ("TICID", target.tic, "unique tess target identifier"),
            ("RADESYS", "ICRS", "reference frame of celestial coordinates"),
            ("RA_OBJ", target.ra, "[deg] right ascension"),
            ("DEC_OBJ", target.dec, "[deg] declination"),
            ("EXPOSURE", times.size * step * DEADC, "[d] time on source"),
            ("TIMEREF", "SOLARSYSTEM", "barycentric correction applied to times"),
            ("TASSIGN", "SPACECRAFT", "where time is assigned"),
            ("TIMESYS", "TDB", "time system is Barycentric Dynamical Time (TDB)"),
            ("BJDREFI", 2457000, "integer part of BTJD reference date"),
            ("BJDREFF", 0.0, "fraction of the day in BTJD reference date"),
            ("TIMEUNIT", "d", "time unit for TIME, TSTART and TSTOP"),
            ("TELAPSE", tstop - tstart, "[d] TSTOP - TSTART"),
            ("LIVETIME", (tstop - tstart) * DEADC, "[d] TELAPSE multiplied by DEADC"),
            ("TSTART", tstart, "observation start time in BTJD"),
            ("TSTOP", tstop, "observation stop time in BTJD"),
            ("DATE-OBS", btjd_to_iso(tstart), "TSTART as UTC calendar date"),
            ("DATE-END", btjd_to_iso(tstop), "TSTOP as UTC calendar date"),
            ("DEADC", DEADC, "deadtime correction"),
            ("TIMEPIXR", 0.5, "bin time beginning=0 middle=0.5 end=1"),
            ("TIERRELA", 1.16e-05, "[d] relative time error"),
            ("INT_TIME", INT_TIME_S * DEADC, "[s] photon accumulation time per frame"),
            ("READTIME", 0.02, "[s] readout time per frame"),
            ("FRAMETIM", FRAME_TIME_S, "[s] frame time (INT_TIME + READTIME)"),
            ("NUM_FRM", num_frames, "number of frames per time stamp"),
            ("TIMEDEL", step, "[d] time resolution of data"),
            ("BACKAPP", True, "background is subtracted"),
            ("DEADAPP", True, "deadtime applied"),
            ("VIGNAPP", True, "vignetting or collimator correction applied"),
            ("GAINA", GAIN, "[electrons/count] CCD output A gain"),
        ],
    )


def _celestial_wcs(where: Placement, target: Target, crpix: tuple[float, float]) -> dict[str, object]:
    """TAN projection of an image whose star sits at the 1-based pixel ``crpix``."""
    cos, sin = math.cos(where.rotation), math.sin(where.rotation)
    return {
        "CTYPE1": "RA---TAN",
        "CTYPE2": "DEC--TAN",
        "CRPIX1": crpix[0],
        "CRPIX2": crpix[1],
        "CRVAL1": target.ra,
        "CRVAL2": target.dec,
        "CUNIT1": "deg",
        "CUNIT2": "deg",
        "CDELT1": -PIXEL_SCALE_DEG,
        "CDELT2": PIXEL_SCALE_DEG,
        "PC1_1": cos,
        "PC1_2": -sin,
        "PC2_1": sin,
        "PC2_2": cos,
    }


def _physical_wcs(where: Placement, crpix: tuple[float, float]) -> dict[str, object]:
    """The 'P' alternate WCS: CCD column and row of the image's first pixel."""
    return {
        "CTYPE1P": "RAWX",
        "CTYPE2P": "RAWY",
        "CUNIT1P": "PIXEL",
        "CUNIT2P": "PIXEL",
        "CRPIX1P": 1,
        "CRPIX2P": 1,
        "CRVAL1P": round(where.column - crpix[0] + 1.0),
        "CRVAL2P": round(where.row - crpix[1] + 1.0),
        "CDELT1P": 1.0,
        "CDELT2P": 1.0,
    }


#: How an image WCS keyword is spelled for table column n (``CRVAL1`` -> ``1CRVL5``, ``PC1_2`` -> ``12PC5``).
_TABLE_WCS = {
    "CTYPE": "{i}CTYP{n}",
    "CRPIX": "{i}CRPX{n}",
    "CRVAL": "{i}CRVL{n}",
    "CUNIT": "{i}CUNI{n}",
    "CDELT": "{i}CDLT{n}",
}
_TABLE_WCS_P = {
    "CTYPE": "{i}CTY{n}P",
    "CRPIX": "{i}CRP{n}P",
    "CRVAL": "{i}CRV{n}P",
    "CUNIT": "{i}CUN{n}P",
    "CDELT": "{i}CDL{n}P",
}


def _table_wcs_cards(wcs: dict[str, object], column: int) -> list[tuple[str, object, str]]:
    """An image WCS rewritten for the image column ``column`` of a binary table."""
    cards: list[tuple[str, object, str]] = [(f"WCAX{column}", 2, "number of WCS axes")]
    for key, value in wcs.items():
        if key.startswith("PC"):
            name = f"{key[2]}{key[4]}PC{column}"
        elif key.endswith("P"):
            name = _TABLE_WCS_P[key[:-2]].format(i=key[-2], n=column)
        else:
            name = _TABLE_WCS[key[:-1]].format(i=key[-1], n=column)
        cards.append((name, value, f"{key} of column {column}"))
    return cards


def _star_pixel(where: Placement, side: int) -> tuple[float, float]:
    """0-based (x, y) of the star in a ``side`` x ``side`` stamp centred on its CCD pixel."""
    half = side // 2
    return half + where.column - round(where.column), half + where.row - round(where.row)


def _aperture_mask(where: Placement, side: int, optimal_radius: float) -> np.ndarray:
    """APERTURE bits: 1 collected, 2 optimal aperture, 4 background, 8 flux-weighted centroid."""
    x0, y0 = _star_pixel(where, side)
    y, x = np.mgrid[0:side, 0:side]
    dist = np.hypot(x - x0, y - y0)
    mask = np.ones((side, side), dtype=np.int32)
    mask[dist <= optimal_radius] |= 2 | 8
    mask[dist >= optimal_radius + 1.5] |= 4
    return mask


def _aperture_hdu(target: Target, sector: Sector, side: int, optimal_radius: float) -> fits.ImageHDU:
    """The APERTURE extension: the aperture bits with the stamp's celestial and physical WCS."""
    where = placement(target, sector)
    mask = _aperture_mask(where, side, optimal_radius)
    x0, y0 = _star_pixel(where, side)
    crpix = (x0 + 1.0, y0 + 1.0)
    wcs = _celestial_wcs(where, target, crpix) | _physical_wcs(where, crpix)
    hdu = fits.ImageHDU(mask, name="APERTURE")
    _cards(
        hdu.header,
        [
            ("TELESCOP", "TESS", "telescope"),
            ("OBJECT", f"TIC {target.tic}", "string version of target id"),
            ("TICID", target.tic, "unique tess target identifier"),
            ("WCSAXES", 2, "number of WCS axes"),
            *((key, value, "") for key, value in wcs.items()),
            ("WCSNAMEP", "PHYSICAL", "name of world coordinate system alternate P"),
            ("NPIXSAP", int(np.count_nonzero(mask & 2)), "number of pixels in optimal aperture"),
            ("NPIXMISS", 0, "number of optimal aperture pixels missing"),
        ],
    )
    return hdu


def _optimal_radius(target: Target) -> float:
    """Radius (pixels) of the optimal aperture: larger for brighter stars."""
    tmag = target.tmag if target.tmag is not None else 10.0
    return 1.6 + 0.45 * max(0.0, 10.0 - tmag)


# --------------------------------------------------------------------------------------------
# Light curves and target pixel files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """The simulated photometry of one target, sector and cadence."""

    time: np.ndarray
    timecorr: np.ndarray
    cadenceno: np.ndarray
    quality: np.ndarray
    model: np.ndarray  # relative flux with transits, noiseless
    flyby: np.ndarray  # relative flux that passing bodies add to the optimal aperture (usually 0)
    trend: np.ndarray  # SAP systematics (multiplicative)
    bkg: np.ndarray  # sky per pixel (e-/s)
    flux: float  # PDCSAP level (e-/s)
    sigma: float  # relative noise per cadence
    cadence_s: float

    @property
    def bad(self) -> np.ndarray:
        """Cadences with a default-mask quality bit."""
        return (self.quality & DEFAULT_BITMASK) != 0


def _series(target: Target, sector: Sector, cadence_s: float) -> _Series:
    times = targets.cadence_times(sector, cadence_s)
    return _Series(
        time=times,
        timecorr=barycentric_correction(target, times),
        cadenceno=cadence_numbers(sector, times, cadence_s),
        quality=quality_flags(target, sector, times, cadence_s),
        model=transit_model(target, times),
        flyby=flyby_light(target, sector, times, cadence_s),
        trend=sap_trend(sector, times),
        bkg=background(sector, times),
        flux=star_flux(target),
        sigma=noise_ppm(target, cadence_s) * 1e-6,
        cadence_s=cadence_s,
    )


def int_param(product: Product, name: str) -> int:
    """An integer parameter of a product; TypeError if it is missing or not an integer."""
    value = product.param(name)
    if not isinstance(value, int):
        raise TypeError(f"{product.filename}: parameter {name!r} should be an integer, not {value!r}")
    return value


def _timeseries_params(product: Product) -> tuple[Target, Sector, int]:
    target = target_by_key(str(product.param("target")))
    return target, targets.SECTORS[int_param(product, "sector")], int_param(product, "cadence_s")


def stamp_wcs(target: Target, sector: Sector, side: int) -> WCS:
    """Celestial WCS of a ``side`` x ``side`` stamp centred on the target's pixel."""
    x0, y0 = _star_pixel(placement(target, sector), side)
    header = fits.Header(_celestial_wcs(placement(target, sector), target, (x0 + 1.0, y0 + 1.0)))
    return WCS(header)


def flyby_light(target: Target, sector: Sector, times: np.ndarray, cadence_s: float) -> np.ndarray:
    """Relative flux that passing bodies add to the target's optimal-aperture photometry.

    What a body adds inside the optimal aperture counts in full; what it adds to the background
    pixels raises the background estimate (their mean), which is subtracted from every aperture
    pixel.  A body crossing the stamp therefore dims the photometry while it is on the background
    pixels and brightens it while it is in the aperture.

    Returns
    -------
    numpy.ndarray
        One value per time; all zeros for a target without flybys.
    """
    if not targets.flybys_of(target.key):
        return np.zeros(times.size)
    mask = _aperture_mask(placement(target, sector), LC_STAMP, _optimal_radius(target))
    images = flyby_images(
        target, times, cadence_s, stamp_wcs(target, sector, LC_STAMP), (LC_STAMP, LC_STAMP), tmag_flux
    )
    aperture, back = (mask & 2) != 0, (mask & 4) != 0
    added = images[:, aperture].sum(axis=1) - np.count_nonzero(aperture) * images[:, back].mean(axis=1)
    return added / star_flux(target)


def _outlier_spikes(series: _Series, rng: np.random.Generator) -> np.ndarray:
    """Relative flux added to impulsive-outlier cadences (a few tens of sigma)."""
    spikes = np.zeros(series.time.size)
    hit = (series.quality & IMPULSIVE_OUTLIER) != 0
    spikes[hit] = series.sigma * rng.uniform(15.0, 40.0, int(hit.sum()))
    return spikes


def _centroids(series: _Series, where: Placement, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Centroid and pointing columns: a slow drift plus jitter, larger during flagged cadences."""
    n = series.time.size
    drift = 0.004 * np.sin(2.0 * np.pi * (series.time - series.time[0]) / 3.125)
    kick = np.where((series.quality & (ATTITUDE_TWEAK | COARSE_POINT | DESAT)) != 0, 0.05, 0.0)
    pos1 = drift + kick + 5e-4 * rng.standard_normal(n)
    pos2 = -0.6 * drift + kick + 5e-4 * rng.standard_normal(n)
    jitter = max(1e-4, 0.2 * series.sigma)
    err = np.full(n, jitter, dtype=np.float32)
    return {
        "MOM_CENTR1": where.column + pos1 + jitter * rng.standard_normal(n),
        "MOM_CENTR2": where.row + pos2 + jitter * rng.standard_normal(n),
        "PSF_CENTR1": where.column + 0.01 + pos1 + jitter * rng.standard_normal(n),
        "PSF_CENTR2": where.row - 0.01 + pos2 + jitter * rng.standard_normal(n),
        "ERR": err,
        "POS_CORR1": pos1.astype(np.float32),
        "POS_CORR2": pos2.astype(np.float32),
    }


def _lc_columns(series: _Series, target: Target, sector: Sector, rng: np.random.Generator) -> fits.ColDefs:
    """The LIGHTCURVE table: SAP and PDCSAP flux, background, quality, centroids, pointing."""
    n = series.time.size
    where = placement(target, sector)
    npix = int(np.count_nonzero(_aperture_mask(where, LC_STAMP, _optimal_radius(target)) & 2))
    noise = series.sigma * rng.standard_normal(n) + _outlier_spikes(series, rng)
    pdcsap = series.flux * (series.model + series.flyby + noise)
    pdcsap[series.bad] = np.nan
    sap = 0.985 * series.flux * (series.model + series.flyby + noise) * series.trend
    flux_err = np.full(n, series.flux * series.sigma)
    bkg_err = math.sqrt(SKY_E_PER_S * npix)
    sap_bkg = npix * series.bkg + bkg_err * rng.standard_normal(n)
    cen = _centroids(series, where, rng)
    e_s = "e-/s"
    return with_display_formats(
        fits.ColDefs(
            [
                fits.Column("TIME", "D", TIME_UNIT, array=series.time),
                fits.Column("TIMECORR", "E", "d", array=series.timecorr),
                fits.Column("CADENCENO", "J", array=series.cadenceno),
                fits.Column("SAP_FLUX", "E", e_s, array=sap),
                fits.Column("SAP_FLUX_ERR", "E", e_s, array=0.985 * flux_err),
                fits.Column("SAP_BKG", "E", e_s, array=sap_bkg),
                fits.Column("SAP_BKG_ERR", "E", e_s, array=np.full(n, bkg_err)),
                fits.Column("PDCSAP_FLUX", "E", e_s, array=pdcsap),
                fits.Column("PDCSAP_FLUX_ERR", "E", e_s, array=flux_err),
                fits.Column("QUALITY", "J", array=series.quality),
                fits.Column("PSF_CENTR1", "D", "pixel", array=cen["PSF_CENTR1"]),
                fits.Column("PSF_CENTR1_ERR", "E", "pixel", array=cen["ERR"]),
                fits.Column("PSF_CENTR2", "D", "pixel", array=cen["PSF_CENTR2"]),
                fits.Column("PSF_CENTR2_ERR", "E", "pixel", array=cen["ERR"]),
                fits.Column("MOM_CENTR1", "D", "pixel", array=cen["MOM_CENTR1"]),
                fits.Column("MOM_CENTR1_ERR", "E", "pixel", array=cen["ERR"]),
                fits.Column("MOM_CENTR2", "D", "pixel", array=cen["MOM_CENTR2"]),
                fits.Column("MOM_CENTR2_ERR", "E", "pixel", array=cen["ERR"]),
                fits.Column("POS_CORR1", "E", "pixels", array=cen["POS_CORR1"]),
                fits.Column("POS_CORR2", "E", "pixels", array=cen["POS_CORR2"]),
            ]
        )
    )


def write_lc(observation: Observation, product: Product, path: Path) -> None:
    """Write a SPOC light curve (``*_lc.fits``, kind ``tess_lc``) that lightkurve reads.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused: the product's params say everything).
    product : Product
        Params ``target`` (a target key), ``sector`` (number) and ``cadence_s``.
    path : pathlib.Path
        The file to write; its directory must exist.
    """
    target, sector, cadence_s = _timeseries_params(product)
    series = _series(target, sector, cadence_s)
    rng = seeded_rng(product.filename)
    table = fits.BinTableHDU.from_columns(_lc_columns(series, target, sector, rng), name="LIGHTCURVE")
    _time_cards(table.header, target, series.time, cadence_s)
    good = series.model[~series.bad]
    _cards(
        table.header,
        [
            ("PDCVAR", float(np.std(good) * 1e3), "target variability"),
            ("PDCMETHD", "msMap", "PDC algorithm used for target"),
            ("CROWDSAP", 0.9985, "Ratio of target flux to total flux in optimal aperture"),
            ("FLFRCSAP", 0.985, "Frac. of target flux w/in the optimal aperture"),
            *(
                (
                    f"CDPP{hours:.1f}".replace(".", "_"),
                    round(series.sigma * 1e6 / math.sqrt(hours * 3600 / cadence_s), 2),
                    f"[ppm] RMS CDPP on {hours:.1f}-hr time scales",
                )
                for hours in (0.5, 1.0, 2.0)
            ),
        ],
    )
    primary = _sector_primary(target, sector, "SPOC LightCurveExporterPipelineModule", series.time, cadence_s)
    aperture = _aperture_hdu(target, sector, LC_STAMP, _optimal_radius(target))
    fits.HDUList([primary, table, aperture]).writeto(path, overwrite=True)


def _psf_weights(x0: float, y0: float, side: int, width: float = 0.85) -> np.ndarray:
    """Fraction of the star's flux in each pixel of the stamp (a Gaussian PSF, summing to 1)."""
    y, x = np.mgrid[0:side, 0:side]
    psf = np.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2.0 * width**2))
    return psf / psf.sum()


def _pixel_columns(series: _Series, target: Target, sector: Sector, rng: np.random.Generator) -> fits.ColDefs:
    """The PIXELS table: 5x5 calibrated, background and raw images per cadence."""
    n, side = series.time.size, TP_STAMP
    where = placement(target, sector)
    psf = _psf_weights(*_star_pixel(where, side), side)
    sigma_abs = series.flux * series.sigma
    clean = series.flux * series.model * series.trend * (1.0 + _outlier_spikes(series, rng))
    passing = flyby_images(
        target, series.time, series.cadence_s, stamp_wcs(target, sector, side), (side, side), tmag_flux
    )
    flux = (
        clean[:, None, None] * psf + passing + sigma_abs * np.sqrt(psf) * rng.standard_normal((n, side, side))
    )
    bkg_err = math.sqrt(SKY_E_PER_S)
    bkg = series.bkg[:, None, None] + 0.2 * bkg_err * rng.standard_normal((n, side, side))
    flux_err = np.broadcast_to(np.hypot(sigma_abs * np.sqrt(psf), bkg_err), (n, side, side))
    counts = (flux + bkg) * series.cadence_s * DEADC / GAIN
    raw = np.clip(np.round(counts), 0, np.iinfo(np.int32).max)
    cen = _centroids(series, where, rng)
    dim, fmt, e_s = f"({side},{side})", f"{side * side}", "e-/s"
    return with_display_formats(
        fits.ColDefs(
            [
                fits.Column("TIME", "D", TIME_UNIT, array=series.time),
                fits.Column("TIMECORR", "E", "d", array=series.timecorr),
                fits.Column("CADENCENO", "J", array=series.cadenceno),
                fits.Column("RAW_CNTS", fmt + "J", "count", null=-1, dim=dim, array=raw.astype(np.int32)),
                fits.Column("FLUX", fmt + "E", e_s, dim=dim, array=flux.astype(np.float32)),
                fits.Column("FLUX_ERR", fmt + "E", e_s, dim=dim, array=flux_err.astype(np.float32)),
                fits.Column("FLUX_BKG", fmt + "E", e_s, dim=dim, array=bkg.astype(np.float32)),
                fits.Column(
                    "FLUX_BKG_ERR",
                    fmt + "E",
                    e_s,
                    dim=dim,
                    array=np.full((n, side, side), 0.2 * bkg_err, dtype=np.float32),
                ),
                fits.Column("QUALITY", "J", array=series.quality),
                # "pixel" in a target pixel file, "pixels" in a light curve, as SPOC writes them.
                fits.Column("POS_CORR1", "E", "pixel", array=cen["POS_CORR1"]),
                fits.Column("POS_CORR2", "E", "pixel", array=cen["POS_CORR2"]),
            ]
        )
    )


def _pixel_wcs_cards(target: Target, sector: Sector) -> list[tuple[str, object, str]]:
    """The WCS of the image columns RAW_CNTS to FLUX_BKG_ERR (4 to 8), as SPOC writes it."""
    where = placement(target, sector)
    x0, y0 = _star_pixel(where, TP_STAMP)
    crpix = (x0 + 1.0, y0 + 1.0)
    wcs = _celestial_wcs(where, target, crpix) | _physical_wcs(where, crpix)
    return [card for column in range(4, 9) for card in _table_wcs_cards(wcs, column)]


def write_tp(observation: Observation, product: Product, path: Path) -> None:
    """Write a SPOC target pixel file (``*_tp.fits``, kind ``tess_tp``) with a 5x5 stamp.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``sector`` and ``cadence_s``, as for :func:`write_lc`.
    path : pathlib.Path
        The file to write.
    """
    target, sector, cadence_s = _timeseries_params(product)
    series = _series(target, sector, cadence_s)
    rng = seeded_rng(product.filename)
    table = fits.BinTableHDU.from_columns(_pixel_columns(series, target, sector, rng), name="PIXELS")
    _cards(table.header, _pixel_wcs_cards(target, sector))
    _time_cards(table.header, target, series.time, cadence_s)
    creator = "SPOC TargetPixelExporterPipelineModule"
    primary = _sector_primary(target, sector, creator, series.time, cadence_s)
    aperture = _aperture_hdu(target, sector, TP_STAMP, min(_optimal_radius(target), 1.6))
    fits.HDUList([primary, table, aperture, _cosmic_ray_hdu()]).writeto(path, overwrite=True)


def _cosmic_ray_hdu() -> fits.BinTableHDU:
    """The empty ``TARGET COSMIC RAY`` table a real target pixel file ends with.

    Recorded as ``0R x 4C [J, I, I, E]`` (tests/fidelity/test_spoc_files.py); the column names are
    not in that record: these are SPOC's names for the cadence, pixel column and row, and the value.
    """
    columns = [
        fits.Column("CADENCENO", "J", disp="I10", array=np.zeros(0, np.int32)),
        fits.Column("RAWX", "I", "pixel", disp="I6", array=np.zeros(0, np.int16)),
        fits.Column("RAWY", "I", "pixel", disp="I6", array=np.zeros(0, np.int16)),
        fits.Column("COSMIC_RAY", "E", "e-/s", disp="E14.7", array=np.zeros(0, np.float32)),
    ]
    hdu = fits.BinTableHDU.from_columns(columns)
    hdu.header["EXTNAME"] = ("TARGET COSMIC RAY", "name of extension")
    return hdu


# --------------------------------------------------------------------------------------------
# Data validation
# --------------------------------------------------------------------------------------------


def dv_sectors(target: Target | str, first: int, last: int) -> tuple[int, ...]:
    """Sectors in ``[first, last]`` where the catalogue has a 120-s light curve of the target."""
    key = _target(target).key
    found = {
        int_param(p, "sector")
        for _, p in catalogue.all_products()
        if p.kind == "tess_lc" and p.param("target") == key and p.param("cadence_s") == 120
    }
    return tuple(s for s in sorted(found) if first <= s <= last)


@dataclass(frozen=True)
class DvSeries:
    """The light curve a DV run searched: 120-s cadences of its sectors, relative flux."""

    sectors: tuple[int, ...]
    sector: np.ndarray  # sector number of each cadence
    time: np.ndarray
    timecorr: np.ndarray
    cadenceno: np.ndarray
    quality: np.ndarray
    flux: np.ndarray  # detrended relative flux (0 out of transit), NaN at default-mask cadences
    residual_trend: np.ndarray  # what detrending removed
    sigma: float  # relative noise per cadence


@dataclass(frozen=True)
class Tce:
    """A threshold-crossing event: what DV reports about one planet."""

    number: int
    planet: Planet
    period: float
    epoch: float  # first mid-transit time in the data (BTJD)
    depth_ppm: float
    duration_hours: float
    radius_earth: float | None
    ratio: float  # planet radius / star radius
    snr: float
    transits: int  # transits with data


def dv_run_key(product: Product) -> str:
    """The part of a DV file name shared by every file of its run (stamp, sectors, TIC)."""
    return "-".join(product.filename.split("-")[:4])


def dv_series(target: Target | str, first: int, last: int, seed_key: str) -> DvSeries:
    """Simulate the light curve of a DV run (noise seeded by ``seed_key``, see :func:`dv_run_key`)."""
    target = _target(target)
    sectors = dv_sectors(target, first, last)
    if not sectors:
        raise ValueError(f"no 120-s light curve of {target.key} in sectors {first}-{last}")
    parts = [_series(target, targets.SECTORS[s], 120) for s in sectors]
    sigma = parts[0].sigma
    rng = seeded_rng(seed_key)
    model = np.concatenate([p.model + p.flyby for p in parts])
    flux = model - 1.0 + sigma * rng.standard_normal(model.size)
    flux[np.concatenate([p.bad for p in parts])] = np.nan
    return DvSeries(
        sectors=sectors,
        sector=np.repeat(np.array(sectors, dtype=np.int16), [p.time.size for p in parts]),
        time=np.concatenate([p.time for p in parts]),
        timecorr=np.concatenate([p.timecorr for p in parts]),
        cadenceno=np.concatenate([p.cadenceno for p in parts]),
        quality=np.concatenate([p.quality for p in parts]),
        flux=flux,
        residual_trend=0.2 * (np.concatenate([p.trend for p in parts]) - 1.0),
        sigma=sigma,
    )


def fold_phase(planet: Planet, times: np.ndarray, epoch: float | None = None) -> np.ndarray:
    """Days from the nearest transit, in ``[-P/4, 3P/4)`` as DV reports PHASE."""
    epoch = planet.epoch_btjd if epoch is None else epoch
    return (times - epoch + planet.period_days / 4.0) % planet.period_days - planet.period_days / 4.0


def _limb_darkened_depth(u1: float, u2: float, impact: float) -> float:
    """Central transit depth over (Rp/R*)**2 for quadratic limb darkening (a small planet).

    A star is darker at its limb, so a planet crossing nearer its centre hides more than its share
    of the light: the intensity under the planet over the disc's mean intensity.
    """
    mu = math.sqrt(1.0 - impact**2)
    return (1.0 - u1 * (1.0 - mu) - u2 * (1.0 - mu) ** 2) / (1.0 - u1 / 3.0 - u2 / 6.0)


#: That factor for a Sun-like star in the TESS band (u1 0.35, u2 0.20) at impact parameter 0.5:
#: 1.117.  SPOC's sector-1 fit of Pi Men c (TCE table of 2021-05-12, tests/fidelity) has 301.808 ppm
#: for a radius ratio of 0.0164966, a factor of 1.109.
LIMB_DARKENED_DEPTH = _limb_darkened_depth(0.35, 0.20, 0.5)


def tces(target: Target | str, series: DvSeries) -> list[Tce]:
    """The TCEs of a DV run, one per planet of the target, with their fitted parameters."""
    target = _target(target)
    result = []
    for number, planet in enumerate(target.planets, start=1):
        t0 = float(series.time[0])
        cycles = math.ceil((t0 - planet.epoch_btjd) / planet.period_days)
        epoch = planet.epoch_btjd + cycles * planet.period_days
        phase = fold_phase(planet, series.time, epoch)
        inside = (np.abs(phase) < planet.duration_hours / 48.0) & np.isfinite(series.flux)
        cycles = np.unique(np.round((series.time[inside] - epoch) / planet.period_days))
        ratio = math.sqrt(planet.depth_ppm * 1e-6 / LIMB_DARKENED_DEPTH)
        radius = ratio * target.radius_rsun * 109.1 if target.radius_rsun else None
        result.append(
            Tce(
                number=number,
                planet=planet,
                period=planet.period_days,
                epoch=round(epoch, 5),
                depth_ppm=planet.depth_ppm,
                duration_hours=planet.duration_hours,
                radius_earth=None if radius is None else round(radius, 3),
                ratio=round(ratio, 5),
                snr=round(planet.depth_ppm * 1e-6 / series.sigma * math.sqrt(int(inside.sum())), 2),
                transits=int(cycles.size),
            )
        )
    return result


#: Display formats of the DV columns, as a real ``dvt.fits`` declares them (TDISPn): source
#: spacetelescope/mast_notebooks@246ffd90 _sources/notebooks/TESS/beginner_how_to_use_dvt/
#: beginner_how_to_use_dvt.ipynb, executed 2024-07-10 (``fits.getdata(dvt_file, ext=1).columns``).
DV_DISP = {"D": "D14.7", "E": "E14.7", "J": "I10"}
#: The transit durations (hours) of the single-event statistics in a real ``dvt.fits`` file's
#: ``Statistics`` extension (SES_CORR_0_5 ... SES_NORM_15_0), same source (ext=3, 38 columns).
SES_DURATIONS_H = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.5, 5.0, 6.0, 7.5, 9.0, 10.5, 12.5, 15.0)


def _dv_column(
    name: str, fmt: str, unit: str | None, array: np.ndarray, disp: str | None = None
) -> fits.Column:
    return fits.Column(name, fmt, unit, array=array, disp=disp or DV_DISP[fmt])


def _tce_columns(series: DvSeries, tce: Tce, gapped: np.ndarray) -> fits.ColDefs:
    """One TCE table: initial, whitened and detrended flux with the planet's model."""
    model = -transit_dip(tce.planet, series.time)
    detrended = np.where(gapped, np.nan, series.flux)
    rel = "dimensionless"
    return fits.ColDefs(
        [
            _dv_column("TIME", "D", TIME_UNIT, series.time),
            _dv_column("TIMECORR", "E", "d", series.timecorr),
            _dv_column("CADENCENO", "J", None, series.cadenceno),
            _dv_column("PHASE", "E", "days", fold_phase(tce.planet, series.time, tce.epoch)),
            _dv_column("LC_INIT", "E", rel, detrended + series.residual_trend),
            _dv_column("LC_INIT_ERR", "E", rel, np.where(np.isnan(detrended), np.nan, series.sigma)),
            _dv_column("LC_WHITE", "E", rel, detrended / series.sigma),
            _dv_column("LC_DETREND", "E", rel, detrended),
            _dv_column("MODEL_INIT", "E", rel, model),
            _dv_column("MODEL_WHITE", "E", rel, model / series.sigma),
        ]
    )


def _ses_label(hours: float) -> str:
    return f"{hours:.1f}".replace(".", "_")


def _statistics_hdu(target: Target, series: DvSeries) -> fits.BinTableHDU:
    """The ``Statistics`` extension every real ``dvt.fits`` ends with (see :data:`SES_DURATIONS_H`).

    It holds the light curve the search used (PDCSAP flux, its residual and de-weights, the
    quality flags) and, for each trial duration, the single-event statistic as its correlation
    and normalisation terms (SES = SES_CORR / SES_NORM), computed here from the simulated flux.
    """
    flux0 = star_flux(target)
    good = np.isfinite(series.flux)
    relative = np.where(good, series.flux, 0.0)
    columns = [
        _dv_column("TIME", "D", TIME_UNIT, series.time),
        _dv_column("TIMECORR", "E", "d", series.timecorr),
        _dv_column("CADENCENO", "J", None, series.cadenceno),
        _dv_column("PDCSAP_FLUX", "E", "e-/s", np.where(good, flux0 * (1.0 + series.flux), np.nan)),
        _dv_column("PDCSAP_FLUX_ERR", "E", "sigma", np.where(good, flux0 * series.sigma, np.nan)),
        _dv_column("RESIDUAL_LC", "E", "dimensionless", np.where(good, series.flux, np.nan)),
        _dv_column("DEWEIGHTS", "E", "proportion", good.astype(np.float32)),
        _dv_column("QUALITY", "J", None, series.quality.astype(np.int32), disp="B16.16"),
    ]
    corr, norm = [], []
    for hours in SES_DURATIONS_H:
        width = max(1, round(hours * 3600.0 / 120.0))
        box = np.ones(width)
        summed = np.convolve(-relative, box, mode="same")
        counted = np.convolve(good.astype(float), box, mode="same")
        scale = np.where(counted > 0, np.sqrt(np.maximum(counted, 1.0)) * series.sigma, np.nan)
        norm.append(_dv_column(f"SES_NORM_{_ses_label(hours)}", "E", None, 1.0 / scale))
        corr.append(_dv_column(f"SES_CORR_{_ses_label(hours)}", "E", None, summed / scale**2))
    hdu = fits.BinTableHDU.from_columns(columns + corr + norm)
    # Set on the header, not as ``name=``: astropy would upper-case it, and the real name is mixed-case.
    hdu.header["EXTNAME"] = ("Statistics", "name of extension")
    return hdu


def _tce_hdu(target: Target, series: DvSeries, tce: Tce, gapped: np.ndarray) -> fits.BinTableHDU:
    hdu = fits.BinTableHDU.from_columns(_tce_columns(series, tce, gapped), name=f"TCE_{tce.number}")
    _cards(
        hdu.header,
        [
            ("TELESCOP", "TESS", "telescope"),
            ("OBJECT", f"TIC {target.tic}", "string version of target id"),
            ("TICID", target.tic, "unique tess target identifier"),
            ("RA_OBJ", target.ra, "[deg] right ascension"),
            ("DEC_OBJ", target.dec, "[deg] declination"),
            ("TIMEREF", "SOLARSYSTEM", "barycentric correction applied to times"),
            ("TIMESYS", "TDB", "time system is Barycentric Dynamical Time (TDB)"),
            ("BJDREFI", 2457000, "integer part of BTJD reference date"),
            ("BJDREFF", 0.0, "fraction of the day in BTJD reference date"),
            ("TIMEUNIT", "d", "time unit for TIME"),
            ("TIMEDEL", 120.0 / 86400.0, "[d] time resolution of data"),
            ("TPERIOD", tce.period, "[d] detected orbital period"),
            ("TEPOCH", tce.epoch, "[BTJD] epoch of first transit"),
            ("TDEPTH", tce.depth_ppm, "[ppm] fitted transit depth"),
            ("TDUR", tce.duration_hours, "[hours] fitted transit duration"),
            ("RATIO_RS", tce.ratio, "planet radius / star radius"),
            ("PRADIUS", tce.radius_earth, "[Earth radii] planet radius"),
            ("TSNR", tce.snr, "transit signal-to-noise ratio"),
            ("MAXMES", tce.snr, "maximum multiple event statistic"),
            ("NTRANS", tce.transits, "number of transits with data"),
        ],
    )
    return hdu


def dv_params(product: Product) -> tuple[Target, int, int]:
    """Target, first and last sector of a DV product."""
    target = target_by_key(str(product.param("target")))
    return target, int_param(product, "first_sector"), int_param(product, "last_sector")


def write_dvt(observation: Observation, product: Product, path: Path) -> None:
    """Write a DV time series (``*_dvt.fits``, kind ``tess_dvt``): one ``TCE_n`` table per planet,
    then the ``Statistics`` table, as in a real file.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``first_sector`` and ``last_sector``.
    path : pathlib.Path
        The file to write.
    """
    target, first, last = dv_params(product)
    series = dv_series(target, first, last, dv_run_key(product))
    found = tces(target, series)
    header = _primary_header(target, "SPOC DvTimeSeriesExporter", float(series.time[-1]))
    step = 60.0 / 86400.0
    _cards(
        header,
        [
            ("TSTART", float(series.time[0] - step), "observation start time in TJD"),
            ("TSTOP", float(series.time[-1] + step), "observation stop time in TJD"),
            ("DATE-OBS", btjd_to_iso(series.time[0] - step), "TSTART as UTC calendar date"),
            ("DATE-END", btjd_to_iso(series.time[-1] + step), "TSTOP as UTC calendar date"),
            ("SECT_BEG", first, "first sector of the search"),
            ("SECT_END", last, "last sector of the search"),
            ("NUMSECT", len(series.sectors), "number of sectors with data"),
            ("SECTORS", ",".join(str(s) for s in series.sectors), "sectors with data"),
        ],
    )
    _target_cards(header, target)
    header["NUMTCES"] = (len(found), "number of TCEs found")
    hdus: list[fits.PrimaryHDU | fits.BinTableHDU] = [fits.PrimaryHDU(header=header)]
    gapped = ~np.isfinite(series.flux)
    for tce in found:
        hdus.append(_tce_hdu(target, series, tce, gapped))
        gapped = gapped | (np.abs(fold_phase(tce.planet, series.time)) < 0.75 * tce.duration_hours / 24.0)
    hdus.append(_statistics_hdu(target, series))
    fits.HDUList(hdus).writeto(path, overwrite=True)
