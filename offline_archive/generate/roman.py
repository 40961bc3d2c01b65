"""Files of the Roman buckets (:mod:`offline_archive.sky.catalogue_roman`).

Kinds, dispatched by :func:`write_object`:

* ``tutorial_catalog``: the input catalogue of the tutorial images, in Roman I-Sim's format (ECSV:
  ``ra``, ``dec``, ``type`` SER for a Sersic galaxy or PSF for a star, Sersic index ``n``,
  ``half_light_radius``, ``pa``, ``ba`` and one flux column per WFI imaging filter, in maggies;
  galaxies first, then stars, as the tutorial stacks them);
* ``tutorial_cal``: a Level 2 calibrated rate image (``roman_datamodels.ImageModel``, DN/s) drawn
  from that catalogue, with its gwcs WCS in ``meta.wcs``;
* ``tutorial_uncal``: a Level 1 ramp (``ScienceRawModel``, DN, resultants x rows x columns) of the
  same exposure, with its border of reference pixels;
* ``tutorial_coadd``: a Level 3 mosaic (``MosaicModel``, MJy/sr) of one detector's dithered
  exposures, with the exposures that cover each pixel in ``context`` and their count in ``weight``;
* ``hlwas_source_catalog``, ``hlwas_segmentation_map``: Level 4 products of one HLWAS exposure: a
  Parquet source catalogue (``ImageSourceCatalogModel.to_parquet``, romancal's columns) and its
  segmentation map (``SegmentationMapModel``), measured here by a plain threshold segmentation of a
  simulated image that is not itself stored;
* ``openuniverse_fits``: an OpenUniverse image as IRSA distributes it, a gzipped FITS file
  (PRIMARY, SCI, ERR, DQ).

Models are built with roman_datamodels' own API: ``<Model>.create_fake_data(defaults=..., shape=...)``
with the real arrays and metadata as defaults, then ``validate()`` and ``save()`` (which compresses
the arrays with lz4, roman_datamodels' default).  ``save()`` stamps the current time into
``meta.file_date``; the file is then rewritten once through ``asdf`` with a fixed date, so that
every build writes identical bytes (the Parquet catalogue likewise through ``pyarrow``).

The error arrays of an image are computed from its measured (noisy) rates and a per-pixel read
noise, as a pipeline computes them, so that they compress as little as real ones do: the share of
a file that its metadata, or its ``data`` array, takes is then close to a real file's.
"""

from __future__ import annotations

import gzip
import io
import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.table import Table
from astropy.wcs import WCS

from ..sky import catalogue_roman as cat
from ..sky.catalogue_roman import BucketObject

#: Exposure time (s) of every simulated exposure, frame time (s), resultants of a ramp, the sky
#: level (DN/s per pixel), read noise (DN), the ramp's bias (DN) and the PSF's sigma (pixels).
EXPTIME = 60.0
FRAME_TIME = 3.04
NRESULTANTS = 6
SKY = 0.85
READ_NOISE = 5.0
BIAS = 18000.0
PSF_SIGMA = 0.75
#: AB magnitude that gives 1 DN/s, and the pixel's solid angle (sr).
ZERO_POINT = 26.2
PIXEL_AREA = (cat.PIXEL_SCALE / 206264.806) ** 2
#: MJy/sr of 1 DN/s (3631 Jy at AB 0).
MJY_PER_SR_PER_DN_S = 3631e-6 * 10 ** (-0.4 * ZERO_POINT) / PIXEL_AREA
#: Arrays of at most this many elements are written inline (roman_datamodels' own threshold).
INLINE_THRESHOLD = 512
#: The fixed creation date written into every file, and the start of the tutorial visit.
FILE_DATE = "2026-07-01T12:00:00"
VISIT_START = "2026-10-31T00:00:00"
#: Seconds from the start of one exposure to the start of the next.
EXPOSURE_CADENCE = 100.0
#: The tutorial catalogue: sources over the detectors and their dithers (arcsec box around the
#: pointing: x from, x to, y from, y to), and how many of each.
CATALOG_BOX = (-75.0, 105.0, -70.0, 95.0)
N_GALAXIES = 260
N_STARS = 640
#: The segmentation: smoothing (pixels), threshold (sigma of the smoothed sky) and smallest source.
SEGMENT_SMOOTH = 1.0
SEGMENT_THRESHOLD = 3.0
SEGMENT_MIN_AREA = 6


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def offset_position(centre: tuple[float, float], x_arcsec: float, y_arcsec: float) -> tuple[float, float]:
    """(RA, Dec) in degrees of a point ``x``, ``y`` arcsec from ``centre`` (x towards the west, as
    the image's columns run with no roll, y towards the north)."""
    ra, dec = centre
    return ra - x_arcsec / 3600.0 / math.cos(math.radians(dec)), dec + y_arcsec / 3600.0


def detector_centre(exposure: int, detector: int) -> tuple[float, float]:
    """Sky centre (deg) of a stand-in detector in one exposure of the tutorial visit."""
    dx, dy = cat.DETECTOR_OFFSETS[detector]
    px, py = cat.dither_position(exposure)
    return offset_position(cat.TUTORIAL_FIELD, dx + px, dy + py)


def image_wcs(ra: float, dec: float, roll_deg: float, size: int = cat.SIZE) -> WCS:
    """A gnomonic FITS WCS with (ra, dec) at the centre of a ``size`` x ``size`` image."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.cunit = ["deg", "deg"]
    wcs.wcs.crval = [ra, dec]
    wcs.wcs.crpix = [(size + 1) / 2.0, (size + 1) / 2.0]
    s = cat.PIXEL_SCALE / 3600.0
    t = math.radians(roll_deg)
    wcs.wcs.cd = [[-s * math.cos(t), s * math.sin(t)], [s * math.sin(t), s * math.cos(t)]]
    wcs.wcs.radesys = "ICRS"
    return wcs


def exposure_wcs(exposure: int, detector: int) -> WCS:
    """The celestial WCS of one tutorial exposure on one detector."""
    return image_wcs(*detector_centre(exposure, detector), cat.ROLL)


def mosaic_wcs(detector: int = cat.MOSAIC_DETECTOR) -> WCS:
    """The mosaic's WCS: the detector's centre averaged over the four dither positions."""
    centres = np.array([detector_centre(e, detector) for e in range(1, 5)])
    return image_wcs(float(centres[:, 0].mean()), float(centres[:, 1].mean()), cat.ROLL)


def to_gwcs(wcs: WCS, size: int = cat.SIZE):
    """The gwcs equivalent of a FITS WCS (gwcs counts pixels from 0, as astropy's ``pixel_to_world``)."""
    import astropy.units as u
    from astropy.coordinates import ICRS
    from gwcs import WCS as GWCS
    from gwcs import coordinate_frames as cf
    from gwcs.utils import make_fitswcs_transform

    header = wcs.to_header()
    header["NAXIS"] = 2  # make_fitswcs_transform reads the axes from NAXIS
    header["NAXIS1"] = header["NAXIS2"] = size
    transform = make_fitswcs_transform(header)
    detector = cf.Frame2D(name="detector", axes_names=("x", "y"), unit=(u.pix, u.pix))
    sky = cf.CelestialFrame(
        reference_frame=ICRS(), name="world", unit=(u.deg, u.deg), axes_names=("lon", "lat")
    )
    result = GWCS([(detector, transform), (sky, None)])
    result.bounding_box = ((-0.5, size - 0.5), (-0.5, size - 0.5))
    return result


def _inside(
    wcs: WCS, ra: np.ndarray, dec: np.ndarray, margin: float = 0.0, size: int = cat.SIZE
) -> np.ndarray:
    x, y = wcs.wcs_world2pix(ra, dec, 0)
    return (x > -0.5 - margin) & (x < size - 0.5 + margin) & (y > -0.5 - margin) & (y < size - 0.5 + margin)


def _s_region(wcs: WCS, size: int = cat.SIZE) -> str:
    corners = np.array([[-0.5, -0.5], [size - 0.5, -0.5], [size - 0.5, size - 0.5], [-0.5, size - 0.5]])
    ra, dec = wcs.wcs_pix2world(corners[:, 0], corners[:, 1], 0)
    return "POLYGON ICRS " + " ".join(f"{a:.8f} {d:.8f}" for a, d in zip(ra, dec, strict=True))


# --------------------------------------------------------------------------------------------
# Catalogues
# --------------------------------------------------------------------------------------------


def _scatter(
    rng: np.random.Generator,
    n: int,
    centre: tuple[float, float],
    half_deg: float,
) -> tuple[np.ndarray, np.ndarray]:
    ra0, dec0 = centre
    dec = dec0 + rng.uniform(-half_deg, half_deg, n)
    ra = ra0 + rng.uniform(-half_deg, half_deg, n) / math.cos(math.radians(dec0))
    return ra, dec


def _in_box(rng: np.random.Generator, n: int, centre: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    x0, x1, y0, y1 = CATALOG_BOX
    return offset_position(centre, rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))


@lru_cache(maxsize=1)
def tutorial_catalog() -> Table:
    """The input catalogue of the tutorial images, in Roman I-Sim's format (fluxes in maggies).

    Galaxies (``type`` SER, brighter than AB 22, half-light radii of a few tenths of an arcsecond)
    come first, then stars (``type`` PSF, Sersic index -1, AB 16.5 to 21, the same flux in every
    band as a Gaia star of the tutorial's has).
    """
    rng = _rng("tutorial-full-catalog")
    g_ra, g_dec = _in_box(rng, N_GALAXIES, cat.TUTORIAL_FIELD)
    s_ra, s_dec = _in_box(rng, N_STARS, cat.TUTORIAL_FIELD)
    # Number counts rising towards the faint limit, as a power law does.
    g_mag = 22.0 + np.log10(rng.uniform(0.01, 1.0, N_GALAXIES)) / 0.4  # counts grow as 10^(0.4 m)
    s_mag = np.clip(16.5 + 4.5 * rng.uniform(0.0, 1.0, N_STARS) ** 0.5, 16.5, 21.0)
    is_star = np.arange(N_GALAXIES + N_STARS) >= N_GALAXIES
    mag = np.concatenate([g_mag, s_mag])
    n_total = mag.size
    table = Table()
    table["ra"] = np.concatenate([g_ra, s_ra])
    table["dec"] = np.concatenate([g_dec, s_dec])
    table["type"] = np.where(is_star, "PSF", "SER")
    table["n"] = np.where(is_star, -1.0, np.round(rng.uniform(0.8, 4.0, n_total), 2))
    hlr = 0.3 * 10 ** (-0.1 * (mag - 22.0)) * rng.lognormal(0.0, 0.25, n_total)
    table["half_light_radius"] = np.where(is_star, 0.0, np.round(hlr, 3))
    table["pa"] = np.where(is_star, 0.0, np.round(rng.uniform(0.0, 360.0, n_total), 1))
    table["ba"] = np.where(is_star, 1.0, np.round(rng.uniform(0.3, 1.0, n_total), 2))
    colour = rng.normal(0.0, 0.15, n_total)
    for i, band in enumerate(cat.CATALOG_BANDS):
        slope = (i - 2) * 0.05  # galaxies redden a little through the bands; stars stay flat
        table[band] = 10 ** (-0.4 * (mag + np.where(is_star, 0.0, slope * (1 + colour))))
    table["ra"].unit = table["dec"].unit = "deg"
    table["half_light_radius"].unit = "arcsec"
    table["pa"].unit = "deg"
    table.meta["comments"] = [
        "Input catalogue of the tutorial images (simulated data of the offline archive)",
        "fluxes in maggies: AB magnitude = -2.5 log10(flux)",
    ]
    return table


def _sources(table: Table, band: str) -> tuple[tuple, tuple]:
    """A Roman I-Sim catalogue as ``render``'s (stars, galaxies) in one band."""
    mag = -2.5 * np.log10(np.asarray(table[band]))
    star = np.asarray(table["type"]) == "PSF"
    ra, dec = np.asarray(table["ra"]), np.asarray(table["dec"])
    shapes = (np.asarray(table[name]) for name in ("half_light_radius", "ba", "pa"))
    galaxies = tuple(column[~star] for column in (ra, dec, mag, *shapes))
    return (ra[star], dec[star], mag[star]), galaxies


@lru_cache(maxsize=4)
def openuniverse_catalogs(sensor: int, ddec: float) -> dict[str, Table]:
    """The point sources, galaxies and transients inside one OpenUniverse detector's field of view."""
    centre = (cat.OU_FIELD[0], cat.OU_FIELD[1] + ddec)
    wcs = image_wcs(*centre, 0.0)
    rng = _rng(f"openuniverse-{cat.OU_BAND}-{cat.OU_HEALPIX}-{sensor}")
    half = cat.SIZE * cat.PIXEL_SCALE / 3600.0 / 2.0
    band = cat.OU_BAND
    ra, dec = _scatter(rng, 190, centre, half)
    keep = _inside(wcs, ra, dec)
    n = int(keep.sum())
    galaxies = Table(
        {
            "galaxy_id": np.arange(n, dtype=np.int64) + 10_000_000 * sensor,
            "ra": ra[keep],
            "dec": dec[keep],
            "redshift": np.round(rng.gamma(2.2, 0.45, n), 4),
            f"mag_{band}": np.round(rng.uniform(19.5, 26.0, n), 3),
            "half_light_radius": np.round(rng.lognormal(np.log(0.4), 0.45, n), 3),
            "ba": np.round(rng.uniform(0.25, 1.0, n), 3),
            "pa": np.round(rng.uniform(0.0, 180.0, n), 2),
        }
    )
    ra, dec = _scatter(rng, 40, centre, half)
    keep = _inside(wcs, ra, dec)
    n = int(keep.sum())
    stars = Table(
        {
            "star_id": np.arange(n, dtype=np.int64) + 20_000_000 * sensor,
            "ra": ra[keep],
            "dec": dec[keep],
            f"mag_{band}": np.round(rng.uniform(17.0, 25.0, n), 3),
        }
    )
    ra, dec = _scatter(rng, 2, centre, half * 0.7)
    transients = Table({"ra": ra, "dec": dec, f"peak_mag_{band}": np.round(rng.uniform(22.0, 24.5, 2), 3)})
    return {"point_sources": stars, "galaxies": galaxies, "transients": transients}


# --------------------------------------------------------------------------------------------
# Pixels
# --------------------------------------------------------------------------------------------


def _add_source(
    image: np.ndarray,
    x: float,
    y: float,
    rate: float,
    sigma: float,
    hlr_pix: float = 0.0,
    ba: float = 1.0,
    pa_deg: float = 0.0,
) -> None:
    """Add one source (a Gaussian PSF, or an exponential disc seen through it) centred at (x, y)."""
    size = image.shape[0]
    scale = math.hypot(sigma, hlr_pix)
    half = math.ceil(5.0 * scale) + 1
    ix, iy = round(x), round(y)
    x0, x1, y0, y1 = max(ix - half, 0), min(ix + half + 1, size), max(iy - half, 0), min(iy + half + 1, size)
    if x0 >= x1 or y0 >= y1:
        return
    gy, gx = np.mgrid[y0:y1, x0:x1]
    dx, dy = gx - x, gy - y
    if hlr_pix <= 0:
        profile = np.exp(-0.5 * (dx**2 + dy**2) / sigma**2)
        total = 2.0 * math.pi * sigma**2
    else:
        t = math.radians(pa_deg)
        major = dx * math.sin(t) + dy * math.cos(t)
        minor = dx * math.cos(t) - dy * math.sin(t)
        r = np.sqrt(major**2 + (minor / ba) ** 2 + sigma**2)
        profile = np.exp(-1.678 * r / max(hlr_pix, 0.3))
        total = 2.0 * math.pi * (max(hlr_pix, 0.3) / 1.678) ** 2 * ba
    image[y0:y1, x0:x1] += rate * profile / total


def render(
    wcs: WCS,
    stars: tuple[np.ndarray, np.ndarray, np.ndarray],
    galaxies: tuple[np.ndarray, ...] = (),
    size: int = cat.SIZE,
) -> np.ndarray:
    """Noiseless image (DN/s) of stars ``(ra, dec, mag)`` and galaxies ``(ra, dec, mag, hlr", ba, pa)``."""
    image = np.full((size, size), SKY, dtype=np.float64)
    margin = 12.0
    ra, dec, mag = stars
    keep = _inside(wcs, ra, dec, margin, size)
    xs, ys = wcs.wcs_world2pix(ra[keep], dec[keep], 0)
    for x, y, m in zip(xs, ys, mag[keep], strict=True):
        _add_source(image, x, y, 10 ** (-0.4 * (m - ZERO_POINT)), PSF_SIGMA)
    if galaxies:
        ra, dec, mag, hlr, ba, pa = galaxies
        keep = _inside(wcs, ra, dec, margin, size)
        xs, ys = wcs.wcs_world2pix(ra[keep], dec[keep], 0)
        for x, y, m, h, b, p in zip(xs, ys, mag[keep], hlr[keep], ba[keep], pa[keep], strict=True):
            _add_source(image, x, y, 10 ** (-0.4 * (m - ZERO_POINT)), PSF_SIGMA, h / cat.PIXEL_SCALE, b, p)
    return image


def observe(signal: np.ndarray, rng: np.random.Generator, coverage: np.ndarray | None = None) -> dict:
    """The calibrated arrays of an exposure of ``signal`` (DN/s): rates, errors, variances, flags.

    The Poisson variance is computed from the measured rates and the read-noise variance from a
    read noise that differs from pixel to pixel, as a pipeline computes them.  ``coverage`` (the
    number of exposures behind each pixel of a mosaic) divides both variances.
    """
    n = np.ones(signal.shape) if coverage is None else np.maximum(coverage, 1)
    read_noise = READ_NOISE * rng.lognormal(0.0, 0.08, signal.shape)
    true_var = (np.clip(signal, 0.0, None) / EXPTIME + read_noise**2 / EXPTIME**2) / n
    data = signal + np.sqrt(true_var) * rng.standard_normal(signal.shape)
    var_poisson = np.clip(data, 0.0, None) / EXPTIME / n
    var_rnoise = read_noise**2 / EXPTIME**2 / n
    dq = np.zeros(signal.shape, dtype=np.uint32)
    hot = rng.integers(0, signal.shape[0], (2, 300))
    dq[hot[0], hot[1]] = 2048  # hot pixels
    return {
        "data": data.astype(np.float32),
        "err": np.sqrt(var_poisson + var_rnoise),
        "var_poisson": var_poisson,
        "var_rnoise": var_rnoise,
        "dq": dq,
    }


def l2_arrays(signal: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A Level 2 image's arrays, in the schema's types."""
    arrays = observe(signal, rng)
    return {
        "data": arrays["data"],
        "err": arrays["err"].astype(np.float16),
        "var_poisson": arrays["var_poisson"].astype(np.float16),
        "var_rnoise": arrays["var_rnoise"].astype(np.float16),
        "chisq": (rng.chisquare(4, signal.shape) / 4.0).astype(np.float16),
        "dumo": (0.02 * rng.standard_normal(signal.shape)).astype(np.float16),
        "dq": arrays["dq"],
    }


@lru_cache(maxsize=8)
def tutorial_signal(exposure: int, detector: int) -> np.ndarray:
    """The noiseless rates (DN/s) of one tutorial exposure on one detector."""
    stars, galaxies = _sources(tutorial_catalog(), cat.BAND)
    return render(exposure_wcs(exposure, detector), stars, galaxies)


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------


def _observation(exposure: int, program: int = 32, visit: int = 4) -> dict:
    return {
        "program": program,
        "execution_plan": 1,
        "pass": 1,
        "segment": 1,
        "observation": 1,
        "visit": visit,
        "visit_file_group": 1,
        "visit_file_sequence": 1,
        "visit_file_activity": "01",
        "exposure": exposure,
        "observation_id": f"{program:05d}01001001001{visit:03d}",
        "visit_id": f"{program:05d}01001001001{visit:03d}",
    }


def _exposure_meta(exposure: int, level: int, optical_element: str = cat.BAND) -> dict:
    from astropy.time import Time, TimeDelta

    start = Time(VISIT_START, scale="utc") + TimeDelta((exposure - 1) * EXPOSURE_CADENCE, format="sec")
    meta = {
        "start_time": start,
        "end_time": start + TimeDelta(EXPTIME, format="sec"),
        "nresultants": NRESULTANTS,
        "ma_table_name": "C2A_IMG_HLWAS",
        "ma_table_number": 1018,
        "frame_time": FRAME_TIME,
        "type": "WFI_IMAGE",
    }
    if level == 2:
        meta |= {"exposure_time": EXPTIME, "effective_exposure_time": EXPTIME}
    return meta


def _pointing_meta(
    filename: str,
    detector: int,
    wcs: WCS,
    level: int,
    exposure: int,
    band: str = cat.BAND,
    observation: dict | None = None,
) -> dict:
    """The metadata of a Level 1 or 2 file: instrument, exposure, observation, pointing, WCS."""
    from astropy.time import Time

    ra, dec = (float(v) for v in wcs.wcs.crval)
    aperture = f"WFI{detector:02d}_FULL"
    meta = {
        "filename": filename,
        "file_date": Time(FILE_DATE, scale="utc"),
        "origin": "STSCI/SOC",  # the schema allows only STSCI, STSCI/SOC and IPAC/SSC
        "product_type": f"l{level}",
        "instrument": {"name": "WFI", "detector": f"WFI{detector:02d}", "optical_element": band},
        "exposure": _exposure_meta(exposure, level, band),
        "observation": observation or _observation(exposure),
        "pointing": {
            "target_ra": cat.TUTORIAL_FIELD[0],
            "target_dec": cat.TUTORIAL_FIELD[1],
            "ra_v1": ra,
            "dec_v1": dec,
            "pa_v3": cat.ROLL,
            "target_aperture": aperture,
        },
        "wcsinfo": {
            "aperture_name": aperture,
            "ra_ref": ra,
            "dec_ref": dec,
            "roll_ref": cat.ROLL,
            "v2_ref": 0.0,
            "v3_ref": 0.0,
            "v3yangle": -60.0,
            "vparity": -1,
            "s_region": _s_region(wcs),
        },
    }
    if level == 2:
        meta["photometry"] = {
            "conversion_megajanskys": MJY_PER_SR_PER_DN_S,
            "conversion_megajanskys_uncertainty": 0.03 * MJY_PER_SR_PER_DN_S,
            "pixel_area": PIXEL_AREA,
        }
        meta["wcs"] = to_gwcs(wcs)
    return meta


# --------------------------------------------------------------------------------------------
# Writing Roman models
# --------------------------------------------------------------------------------------------


def _reference_pixels(size: int = cat.SIZE, resultants: int = NRESULTANTS) -> dict[str, np.ndarray]:
    """The reference-pixel arrays of a Level 2 image (empty: flat zeros, as after calibration)."""
    border = cat.REFERENCE_BORDER
    return {
        "amp33": np.zeros((resultants, size, 128), dtype=np.uint16),
        **{
            f"border_ref_pix_{side}": np.zeros(
                (resultants, size, border) if side in ("left", "right") else (resultants, border, size),
                dtype=np.float32,
            )
            for side in ("left", "right", "top", "bottom")
        },
        **{
            f"dq_border_ref_pix_{side}": np.zeros(
                (size, border) if side in ("left", "right") else (border, size), dtype=np.uint32
            )
            for side in ("left", "right", "top", "bottom")
        },
    }


def build_model(model_class: str, defaults: dict, shape: tuple[int, ...]):
    """A roman_datamodels model of a class holding ``defaults``, validated against its schema."""
    from roman_datamodels import datamodels as rdm

    model = getattr(rdm, model_class).create_fake_data(defaults=defaults, shape=shape)
    model.validate()
    return model


def build_image_model(arrays: dict[str, np.ndarray], meta: dict):
    """An ``ImageModel`` holding ``arrays`` and ``meta``, validated against its schema."""
    return build_model("ImageModel", {**arrays, **_reference_pixels(), "meta": meta}, arrays["data"].shape)


def save_model(model, path: Path) -> None:
    """Save a model, then fix its creation date and name through asdf."""
    import asdf
    from astropy.time import Time

    first = path.with_name(f".{path.stem}.first-save.asdf")
    try:
        model.save(first)
        # save() validated the model; the rewrite only changes the date and the name.  Small
        # arrays (the WCS matrices) stay inline in the tree, as save() writes them, so that reading
        # the metadata needs no binary block.
        with asdf.config_context() as config:
            config.validate_on_read = False
            config.validate_on_write = False
            config.array_inline_threshold = INLINE_THRESHOLD
            with asdf.open(first, lazy_load=False, memmap=False) as af:
                af["roman"]["meta"]["file_date"] = Time(FILE_DATE, scale="utc")
                af["roman"]["meta"]["filename"] = path.name  # save() wrote the first file's name
                af.write_to(path)
    finally:
        first.unlink(missing_ok=True)


def write_tutorial_cal(obj: BucketObject, path: Path) -> None:
    """A Level 2 calibrated image of the tutorial visit."""
    exposure, detector = int(obj.param("exposure")), int(obj.param("detector"))  # type: ignore[arg-type]
    arrays = l2_arrays(tutorial_signal(exposure, detector), _rng(obj.key))
    wcs = exposure_wcs(exposure, detector)
    model = build_image_model(arrays, _pointing_meta(path.name, detector, wcs, 2, exposure))
    save_model(model, path)


def ramp(signal: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Level 1 ramp (DN, resultants x rows x columns) of ``signal`` (DN/s), reference border included.

    Resultant ``k`` holds the counts accumulated after ``k + 1`` equal parts of the exposure, on top
    of the bias, with Poisson and read noise; the reference pixels see the bias and read noise only.
    """
    border = cat.REFERENCE_BORDER
    size = signal.shape[0] + 2 * border
    rate = np.zeros((size, size))
    rate[border:-border, border:-border] = np.clip(signal, 0.0, None)
    times = EXPTIME * np.arange(1, NRESULTANTS + 1) / NRESULTANTS
    counts = np.cumsum(rng.poisson(rate[None] * np.diff(times, prepend=0.0)[:, None, None]), axis=0)
    noisy = BIAS + counts + READ_NOISE * rng.standard_normal((NRESULTANTS, size, size))
    return np.clip(np.round(noisy), 0, 65535).astype(np.uint16)


def write_tutorial_uncal(obj: BucketObject, path: Path) -> None:
    """A Level 1 ramp of the tutorial visit (the same exposure and detector as a Level 2 image)."""
    exposure, detector = int(obj.param("exposure")), int(obj.param("detector"))  # type: ignore[arg-type]
    rng = _rng(obj.key)
    data = ramp(tutorial_signal(exposure, detector), rng)
    amp33 = (BIAS + READ_NOISE * rng.standard_normal((NRESULTANTS, data.shape[1], 128))).astype(np.uint16)
    meta = _pointing_meta(path.name, detector, exposure_wcs(exposure, detector), 1, exposure)
    model = build_model("ScienceRawModel", {"data": data, "amp33": amp33, "meta": meta}, data.shape)
    save_model(model, path)


def mosaic_coverage(detector: int = cat.MOSAIC_DETECTOR) -> np.ndarray:
    """Which of the detector's four exposures cover each mosaic pixel, as bits (1, 2, 4, 8)."""
    wcs = mosaic_wcs(detector)
    y, x = np.mgrid[0 : cat.SIZE, 0 : cat.SIZE]
    ra, dec = wcs.wcs_pix2world(x.ravel(), y.ravel(), 0)
    bits = np.zeros(x.size, dtype=np.uint32)
    for exposure in range(1, 5):
        bits |= np.where(_inside(exposure_wcs(exposure, detector), ra, dec), 1 << (exposure - 1), 0).astype(
            np.uint32
        )
    return bits.reshape(x.shape)


def write_tutorial_coadd(obj: BucketObject, path: Path) -> None:
    """A Level 3 mosaic (MJy/sr) of one detector's four dithered exposures.

    Drawn from the catalogue on the mosaic's own grid, with the noise of as many exposures as cover
    each pixel (``context`` says which, ``weight`` how many), rather than resampled from the files.
    """
    from astropy.time import Time, TimeDelta

    detector = int(obj.param("detector"))  # type: ignore[arg-type]
    wcs = mosaic_wcs(detector)
    stars, galaxies = _sources(tutorial_catalog(), cat.BAND)
    context = mosaic_coverage(detector)
    count = np.zeros(context.shape)
    for bit in range(4):
        count += (context >> bit) & 1
    arrays = observe(render(wcs, stars, galaxies), _rng(obj.key), coverage=count)
    # DN/s to MJy/sr: rates and errors scale with the unit, variances with its square.
    unit = {"data": 1, "err": 1, "var_poisson": 2, "var_rnoise": 2}
    arrays = {
        name: (arrays[name] * MJY_PER_SR_PER_DN_S**power).astype(np.float32) for name, power in unit.items()
    }
    first = Time(VISIT_START, scale="utc")
    last = first + TimeDelta(3 * EXPOSURE_CADENCE + EXPTIME, format="sec")
    ra, dec = (float(v) for v in wcs.wcs.crval)
    meta = {
        "filename": path.name,
        "file_date": Time(FILE_DATE, scale="utc"),
        "origin": "STSCI/SOC",
        "product_type": "l3",
        "instrument": {"name": "WFI", "optical_element": cat.BAND},
        "observation": {
            "program": 32,
            "execution_plan": 1,
            "pass": 1,
            "segment": 1,
            "observation": 1,
            "visit": 4,
            "exposure": -1,
            "exposure_grouping": cat.VISIT,
        },
        "coadd_info": {
            "time_first": first,
            "time_last": last,
            "time_mean": first + (last - first) / 2,
            "exposure_time": float(EXPTIME * count[count > 0].mean()),
        },
        "wcsinfo": {
            "ra_ref": ra,
            "dec_ref": dec,
            "x_ref": (cat.SIZE - 1) / 2.0,
            "y_ref": (cat.SIZE - 1) / 2.0,
            "pixel_scale_ref": cat.PIXEL_SCALE / 3600.0,
            "pixel_scale": cat.PIXEL_SCALE / 3600.0,
            "projection": "TAN",
            "s_region": _s_region(wcs),
            "image_shape": [cat.SIZE, cat.SIZE],
            "ra": ra,
            "dec": dec,
            "orientation": cat.ROLL,
            "orientation_ref": cat.ROLL,
            "skycell_name": "none",
            "rotation_matrix": [[1.0, 0.0], [0.0, 1.0]],
        },
        "wcs": to_gwcs(wcs),
    }
    defaults = {
        "data": arrays["data"],
        "err": arrays["err"],
        "var_poisson": arrays["var_poisson"],
        "var_rnoise": arrays["var_rnoise"],
        "weight": count.astype(np.float32),
        "context": context[None, :, :],
        "meta": meta,
    }
    save_model(build_model("MosaicModel", defaults, (cat.SIZE, cat.SIZE)), path)


# --------------------------------------------------------------------------------------------
# Level 4: a segmentation map and its source catalogue (one HLWAS exposure)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def hlwas_exposure() -> tuple[WCS, dict[str, np.ndarray]]:
    """The simulated HLWAS exposure whose Level 4 products are kept (not stored itself)."""
    rng = _rng(cat.HLWAS_EXPOSURE)
    wcs = image_wcs(*cat.HLWAS_FIELD, cat.ROLL)
    half = cat.SIZE * cat.PIXEL_SCALE / 3600.0 / 2.0 * 1.05
    s_ra, s_dec = _scatter(rng, 60, cat.HLWAS_FIELD, half)
    g_ra, g_dec = _scatter(rng, 160, cat.HLWAS_FIELD, half)
    stars = (s_ra, s_dec, rng.uniform(17.0, 23.5, s_ra.size))
    g_mag = rng.uniform(19.0, 24.0, g_ra.size)
    galaxies = (
        g_ra,
        g_dec,
        g_mag,
        0.3 * 10 ** (-0.1 * (g_mag - 22.0)) * rng.lognormal(0.0, 0.25, g_ra.size),
        rng.uniform(0.3, 1.0, g_ra.size),
        rng.uniform(0.0, 360.0, g_ra.size),
    )
    return wcs, observe(render(wcs, stars, galaxies), rng)


@lru_cache(maxsize=1)
def segmentation() -> tuple[np.ndarray, Table]:
    """The segmentation map (labels 1..N, 0 for sky) of the HLWAS exposure and its source catalogue.

    Sources are the connected groups of at least :data:`SEGMENT_MIN_AREA` pixels where the image,
    smoothed by a Gaussian, stands :data:`SEGMENT_THRESHOLD` sigma above the sky.  The catalogue has
    romancal's columns (``ImageSourceCatalogModel.create_empty_catalog``); what a threshold
    segmentation measures is filled in (positions, box, area, fluxes, shapes), the rest is NaN.
    """
    from roman_datamodels import datamodels as rdm
    from scipy import ndimage

    wcs, arrays = hlwas_exposure()
    data = arrays["data"].astype(np.float64) - SKY
    smooth = ndimage.gaussian_filter(data, SEGMENT_SMOOTH)
    sigma = 1.4826 * np.median(np.abs(smooth - np.median(smooth)))
    labels, n = ndimage.label(smooth > SEGMENT_THRESHOLD * sigma)
    areas = ndimage.sum(np.ones_like(data), labels, index=np.arange(1, n + 1))
    keep = np.flatnonzero(areas >= SEGMENT_MIN_AREA) + 1
    relabel = np.zeros(n + 1, dtype=np.uint32)
    relabel[keep] = np.arange(1, keep.size + 1, dtype=np.uint32)
    segm = relabel[labels]
    index = np.arange(1, keep.size + 1)

    positive = np.clip(data, 0.0, None)
    flux = ndimage.sum(data, segm, index)
    weight = ndimage.sum(positive, segm, index)
    y, x = np.mgrid[0 : data.shape[0], 0 : data.shape[1]]
    xc = ndimage.sum(positive * x, segm, index) / weight
    yc = ndimage.sum(positive * y, segm, index) / weight
    xx = ndimage.sum(positive * x * x, segm, index) / weight - xc**2
    yy = ndimage.sum(positive * y * y, segm, index) / weight - yc**2
    xy = ndimage.sum(positive * x * y, segm, index) / weight - xc * yc
    spread = np.sqrt(((xx - yy) / 2) ** 2 + xy**2)
    major = np.sqrt(np.clip((xx + yy) / 2 + spread, 1e-6, None))
    minor = np.sqrt(np.clip((xx + yy) / 2 - spread, 1e-6, None))
    angle = np.degrees(0.5 * np.arctan2(2 * xy, xx - yy))
    boxes = ndimage.find_objects(segm)
    area_pix = ndimage.sum(np.ones_like(data), segm, index)
    ra, dec = wcs.wcs_pix2world(xc, yc, 0)
    njy = flux * MJY_PER_SR_PER_DN_S * PIXEL_AREA * 1e15  # MJy/sr x sr -> MJy -> nJy
    variance = ndimage.sum(arrays["var_poisson"] + arrays["var_rnoise"], segm, index)
    njy_err = np.sqrt(variance) * MJY_PER_SR_PER_DN_S * PIXEL_AREA * 1e15
    scale = cat.PIXEL_SCALE

    template = rdm.ImageSourceCatalogModel.create_fake_data().create_empty_catalog()
    table = Table()
    for name in template.colnames:
        dtype = template[name].dtype
        fill = np.nan if dtype.kind == "f" else (False if dtype.kind == "b" else 0)
        table[name] = np.full(keep.size, fill, dtype=dtype)
        table[name].unit = template[name].unit
    measured = {
        "label": index,
        "flagged_spatial_id": index,
        "bbox_xmin": [b[1].start for b in boxes],
        "bbox_xmax": [b[1].stop - 1 for b in boxes],
        "bbox_ymin": [b[0].start for b in boxes],
        "bbox_ymax": [b[0].stop - 1 for b in boxes],
        "segment_area": area_pix * scale**2,
        "x_centroid": xc,
        "y_centroid": yc,
        "ra_centroid": ra,
        "dec_centroid": dec,
        "ra": ra,
        "dec": dec,
        "segment_flux": njy,
        "segment_flux_err": njy_err,
        "kron_flux": njy,
        "kron_flux_err": njy_err,
        "kron_abmag": -2.5 * np.log10(np.clip(njy, 1e-3, None)) + 31.4,
        "kron_abmag_err": 1.0857 * njy_err / np.clip(njy, 1e-3, None),
        "semimajor": major * scale,
        "semiminor": minor * scale,
        "ellipticity": 1.0 - minor / major,
        "orientation_pix": angle,
        "fwhm": 2.3548 * np.sqrt(major * minor) * scale,
        "is_extended": np.sqrt(major * minor) > 1.4 * PSF_SIGMA,
    }
    for name, values in measured.items():
        table[name] = np.asarray(values).astype(table[name].dtype)
    table.meta = dict(template.meta)
    return segm, table


def _hlwas_meta(filename: str) -> dict:
    wcs = image_wcs(*cat.HLWAS_FIELD, cat.ROLL)
    meta = _pointing_meta(
        filename, 1, wcs, 2, 3, band=cat.HLWAS_BAND, observation=_observation(3, program=342, visit=18)
    )
    meta["pointing"] |= {"target_ra": cat.HLWAS_FIELD[0], "target_dec": cat.HLWAS_FIELD[1]}
    meta["product_type"] = "l4"
    del meta["wcs"]
    return meta


def write_hlwas_segmentation_map(obj: BucketObject, path: Path) -> None:
    """The segmentation map of the HLWAS exposure (``SegmentationMapModel``)."""
    segm, _ = segmentation()
    model = build_model("SegmentationMapModel", {"data": segm, "meta": _hlwas_meta(path.name)}, segm.shape)
    save_model(model, path)


def write_hlwas_source_catalog(obj: BucketObject, path: Path) -> None:
    """The source catalogue of the HLWAS exposure, as romancal writes it (``to_parquet``).

    ``to_parquet`` stamps the current time into the file's ``roman.meta.file_date``; the table is
    rewritten once through pyarrow with the fixed date, so that every build writes identical bytes.
    """
    import tempfile

    import pyarrow.parquet as pq

    _, table = segmentation()
    model = build_model("ImageSourceCatalogModel", {"meta": _hlwas_meta(path.name)}, ())
    model.source_catalog = table
    # to_parquet records the name it writes to: write under the final name, beside the file.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".parquet-") as tmp:
        first = Path(tmp) / path.name
        model.to_parquet(first)
        written = pq.read_table(first)
    metadata = dict(written.schema.metadata)
    metadata[b"roman.meta.file_date"] = FILE_DATE.encode()
    pq.write_table(written.replace_schema_metadata(metadata), path, compression=None)


# --------------------------------------------------------------------------------------------
# OpenUniverse (IRSA)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def openuniverse_image(sensor: int, ddec: float) -> tuple[WCS, dict[str, np.ndarray]]:
    """The WCS and calibrated arrays of one OpenUniverse detector image."""
    wcs = image_wcs(cat.OU_FIELD[0], cat.OU_FIELD[1] + ddec, 0.0)
    catalogs = openuniverse_catalogs(sensor, ddec)
    band = cat.OU_BAND
    stars = catalogs["point_sources"]
    galaxies = catalogs["galaxies"]
    transients = catalogs["transients"]
    star_ra = np.concatenate([np.asarray(stars["ra"]), np.asarray(transients["ra"])])
    star_dec = np.concatenate([np.asarray(stars["dec"]), np.asarray(transients["dec"])])
    star_mag = np.concatenate(
        [np.asarray(stars[f"mag_{band}"]), np.asarray(transients[f"peak_mag_{band}"]) + 0.8]
    )
    gal = tuple(
        np.asarray(galaxies[c]) for c in ("ra", "dec", f"mag_{band}", "half_light_radius", "ba", "pa")
    )
    signal = render(wcs, (star_ra, star_dec, star_mag), gal)
    return wcs, observe(signal, _rng(f"openuniverse-pixels-{sensor}"))


def write_openuniverse_fits(obj: BucketObject, path: Path) -> None:
    """An OpenUniverse image as IRSA distributes it: gzipped FITS with SCI, ERR and DQ."""
    sensor, ddec = int(obj.param("sensor")), float(obj.param("ddec"))  # type: ignore[arg-type]
    wcs, arrays = openuniverse_image(sensor, ddec)
    primary = fits.PrimaryHDU()
    for key, value, comment in (
        ("TELESCOP", "ROMAN", "simulated telescope"),
        ("INSTRUME", "WFI", "simulated instrument"),
        ("FILTER", cat.OU_BAND, "optical element"),
        ("SCA", sensor, "sensor chip assembly (detector)"),
        ("HEALPIX", int(cat.OU_HEALPIX), "HEALPix cell of the image"),
        ("SIMMODEL", "simple_model", "simulation"),
        ("EXPTIME", EXPTIME, "[s] exposure time"),
        ("ORIGIN", "offline_archive", "simulated data"),
    ):
        primary.header[key] = (value, comment)
    header = wcs.to_header()
    header["BUNIT"] = ("DN/s", "brightness unit")
    hdus = [
        primary,
        fits.ImageHDU(arrays["data"], header=header, name="SCI"),
        fits.ImageHDU(arrays["err"].astype(np.float32), header=header, name="ERR"),
        fits.ImageHDU(arrays["dq"].astype(np.int32), header=header, name="DQ"),
    ]
    buffer = io.BytesIO()
    fits.HDUList(hdus).writeto(buffer)
    # mtime=0 and no file name in the gzip header: the same bytes on every build.
    path.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0))


def write_tutorial_catalog(obj: BucketObject, path: Path) -> None:
    """The input catalogue (ECSV) of the tutorial images."""
    tutorial_catalog().write(path, format="ascii.ecsv", overwrite=True)


WRITERS = {
    "tutorial_catalog": write_tutorial_catalog,
    "tutorial_cal": write_tutorial_cal,
    "tutorial_uncal": write_tutorial_uncal,
    "tutorial_coadd": write_tutorial_coadd,
    "hlwas_source_catalog": write_hlwas_source_catalog,
    "hlwas_segmentation_map": write_hlwas_segmentation_map,
    "openuniverse_fits": write_openuniverse_fits,
}


def write_object(obj: BucketObject, path: Path) -> None:
    """Write one bucket object.

    Raises
    ------
    ValueError
        If no writer knows ``obj.kind``.
    """
    if obj.kind not in WRITERS:
        raise ValueError(
            f"{obj.key}: unknown object kind {obj.kind!r}; known kinds: {', '.join(sorted(WRITERS))}"
        )
    WRITERS[obj.kind](obj, Path(path))
