"""Small science files of other missions: an image (``generic_image``) and a spectrum (``generic_spectrum``).

Both carry a primary header built from the product's params (collection, instrument, filters,
ra, dec, mjd, exptime).  The image is a 64x64 float32 frame with a celestial WCS and a star at
the pointing centre; the spectrum is a binary table of WAVELENGTH, FLUX and ERROR over the
observation's wavelength range.  Noise is seeded by a CRC-32 of the file name.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from astropy.io import fits

from ..sky.targets import Observation, Product

IMAGE_SIZE = 64
SPECTRUM_POINTS = 1024
#: Pixel scale (arcsec) of the simulated images, by collection.
PIXEL_SCALE_ARCSEC = {"HST": 0.05, "GALEX": 1.5, "SWIFT": 1.0, "K2": 3.98}
#: TELESCOP of each collection (K2 data say 'Kepler').
TELESCOPE = {"K2": "Kepler"}
#: Lines drawn in the spectra: (rest wavelength in Angstrom, relative strength); emission below 3000 A.
SPECTRAL_LINES = (
    (1215.67, 6.0),
    (1238.82, 0.8),
    (1302.17, 1.5),
    (1334.53, 1.8),
    (1393.76, 1.2),
    (1402.77, 0.8),
    (1548.19, 1.5),
    (2796.35, 2.5),
    (2803.53, 2.0),
    (4861.35, 0.35),
    (5889.95, 0.3),
    (5895.92, 0.25),
    (6562.79, 0.4),
    (8542.09, 0.3),
    (8662.14, 0.25),
    (11400.0, 0.15),
    (13800.0, 0.2),
)


def _rng(name: str) -> np.random.Generator:
    """A random generator seeded by a CRC-32 of a file name."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def _float(product: Product, name: str, default: float) -> float:
    """A numeric parameter of a product, or ``default`` when it is absent."""
    value = product.param(name, default)
    if not isinstance(value, int | float):
        raise TypeError(f"{product.filename}: parameter {name!r} should be a number, not {value!r}")
    return float(value)


def mjd_to_iso(mjd: float) -> str:
    """ISO 8601 date and time (milliseconds) of a modified Julian date."""
    instant = datetime(1858, 11, 17, tzinfo=UTC) + timedelta(days=mjd)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def primary_header(observation: Observation, product: Product) -> fits.Header:
    """Primary header of a generic file: telescope, instrument, filter, pointing, exposure, dates.

    ``INSTRUME`` and ``DETECTOR`` split an instrument written like ``WFC3/UVIS``.
    """
    collection = str(product.param("collection", observation.obs_collection))
    instrument, _, detector = str(product.param("instrument", observation.instrument_name)).partition("/")
    mjd = _float(product, "mjd", observation.t_min)
    exptime = _float(product, "exptime", observation.t_exptime)
    start = mjd_to_iso(mjd)
    header = fits.Header()
    cards: list[tuple[str, object, str]] = [
        ("DATE", mjd_to_iso(mjd + 1.0)[:10], "date this file was written (yyyy-mm-dd)"),
        ("ORIGIN", "offline_archive", "simulated data: not a real observation"),
        ("FILENAME", product.filename, "name of file"),
        ("TELESCOP", TELESCOPE.get(collection, collection), "telescope used to acquire data"),
        ("INSTRUME", instrument, "identifier for instrument used to acquire data"),
        ("DETECTOR", detector or None, "detector in use"),
        ("FILTER", str(product.param("filters", observation.filters)), "element selected from filter wheel"),
        ("TARGNAME", observation.target_name, "proposer's target name"),
        ("RA_TARG", _float(product, "ra", observation.s_ra), "[deg] right ascension of the target"),
        ("DEC_TARG", _float(product, "dec", observation.s_dec), "[deg] declination of the target"),
        ("EQUINOX", 2000.0, "equinox of celestial coordinate system"),
        ("PROPOSID", observation.proposal_id or None, "proposal identifier"),
        ("ROOTNAME", observation.obs_id.lower(), "rootname of the observation set"),
        ("DATE-OBS", start, "UT date and time of start of observation"),
        ("TIME-OBS", start[11:19], "UT time of start of observation (hh:mm:ss)"),
        ("MJD-OBS", mjd, "[d] MJD of start of observation"),
        ("EXPSTART", mjd, "[MJD] exposure start time"),
        ("EXPEND", mjd + exptime / 86400.0, "[MJD] exposure end time"),
        ("EXPTIME", exptime, "[s] exposure duration"),
    ]
    for key, value, comment in cards:
        if value is not None:
            header[key] = (value, comment)
    return header


def _image_wcs(header: fits.Header, ra: float, dec: float, scale_arcsec: float) -> None:
    """A north-up TAN WCS with the pointing at the centre of the frame."""
    centre = (IMAGE_SIZE + 1) / 2.0
    header["WCSAXES"] = 2
    for axis, ctype, crval, cdelt in (
        (1, "RA---TAN", ra, -scale_arcsec / 3600.0),
        (2, "DEC--TAN", dec, scale_arcsec / 3600.0),
    ):
        header[f"CTYPE{axis}"] = ctype
        header[f"CRPIX{axis}"] = centre
        header[f"CRVAL{axis}"] = crval
        header[f"CDELT{axis}"] = cdelt
        header[f"CUNIT{axis}"] = "deg"


def write_image(observation: Observation, product: Product, path: Path) -> None:
    """Write a 64x64 float32 image (counts/s) with a star-like blob at the pointing centre.

    Parameters
    ----------
    observation : Observation
        The observation (its obs_id, target name and proposal go into the header).
    product : Product
        Params collection, instrument, filters, ra, dec, mjd, exptime.
    path : pathlib.Path
        The file to write.
    """
    header = primary_header(observation, product)
    rng = _rng(product.filename)
    y, x = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE]
    centre = (IMAGE_SIZE - 1) / 2.0 + rng.uniform(-0.5, 0.5, 2)
    star = 500.0 * np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2.0 * 1.8**2))
    sky = 2.0 + 0.3 * rng.standard_normal((IMAGE_SIZE, IMAGE_SIZE))
    image = star + sky + np.sqrt(star / max(header["EXPTIME"], 1.0)) * rng.standard_normal(star.shape)
    collection = str(product.param("collection", observation.obs_collection))
    _image_wcs(header, header["RA_TARG"], header["DEC_TARG"], PIXEL_SCALE_ARCSEC.get(collection, 1.0))
    header["BUNIT"] = ("COUNTS/S", "brightness units")
    fits.PrimaryHDU(image.astype(np.float32), header=header).writeto(path, overwrite=True)


def _spectrum(wavelength: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Flux and error (erg/s/cm2/A): a smooth continuum with emission (UV) and absorption lines."""
    continuum = 2e-14 * (wavelength / 5000.0) ** -1.5
    profile = np.ones_like(wavelength)
    width = max(float(np.ptp(wavelength)) / 300.0, 0.5)
    for centre, strength in SPECTRAL_LINES:
        sign = 1.0 if centre < 3000.0 else -1.0
        profile += sign * strength * np.exp(-0.5 * ((wavelength - centre) / width) ** 2)
    flux = continuum * np.clip(profile, 0.05, None)
    error = 0.03 * continuum + 0.02 * flux
    return flux + error * rng.standard_normal(wavelength.size), error


def write_spectrum(observation: Observation, product: Product, path: Path) -> None:
    """Write a 1-D spectrum: a binary table ``SCI`` with WAVELENGTH (Angstrom), FLUX and ERROR.

    Parameters
    ----------
    observation : Observation
        The observation; its ``em_min``/``em_max`` (nm) set the wavelength range.
    product : Product
        Params collection, instrument, filters, ra, dec, mjd, exptime.
    path : pathlib.Path
        The file to write.
    """
    wavelength = np.linspace(observation.em_min * 10.0, observation.em_max * 10.0, SPECTRUM_POINTS)
    flux, error = _spectrum(wavelength, _rng(product.filename))
    unit = "erg/s/cm**2/Angstrom"
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("WAVELENGTH", "D", "Angstrom", array=wavelength),
            fits.Column("FLUX", "E", unit, array=flux),
            fits.Column("ERROR", "E", unit, array=error),
        ],
        name="SCI",
    )
    primary = fits.PrimaryHDU(header=primary_header(observation, product))
    fits.HDUList([primary, table]).writeto(path, overwrite=True)
