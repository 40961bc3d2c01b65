"""Files of the Roman simulation buckets (:mod:`offline_archive.sky.catalogue_roman`).

Kinds, dispatched by :func:`write_object`:

* ``romanisim_catalog``: an input catalogue in Roman I-Sim's format (ECSV: ``ra``, ``dec``, ``type``
  PSF or SER, Sersic ``n``, ``half_light_radius``, ``pa``, ``ba`` and one flux column per band in
  maggies); ``romanisim_readme``: a short text file describing them;
* ``romanisim_cal``, ``stips_image``: Level 2 calibrated images (``roman_datamodels.ImageModel``)
  drawn from a catalogue;
* ``openuniverse_asdf``: an OpenUniverse image as an ``ImageModel`` with its source catalogues
  (point sources, galaxies, transients) in a ``catalogs`` entry of the ASDF tree, next to ``roman``
  (the Level 2 image schema has no field for a catalogue);
* ``openuniverse_fits``: the same image as IRSA distributes it, a gzipped FITS file (PRIMARY,
  SCI, ERR, DQ) with the same pixels and an equivalent celestial WCS.

Images are built with roman_datamodels' own API: ``ImageModel.create_fake_data(defaults=...,
shape=...)`` with the real arrays and metadata as defaults, then ``validate()`` and ``save()``.
Every image carries a gwcs WCS in ``roman.meta.wcs`` (where the schema keeps it) made from the same
gnomonic projection as the FITS twin's header.  ``save()`` stamps the current time into
``meta.file_date``; the file is then rewritten once through ``asdf`` with a fixed date (and the
catalogues, for OpenUniverse), so that every build writes identical bytes.
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

#: Exposure time (s) of every simulated image, the sky level (DN/s per pixel), read noise (DN) and
#: the PSF's Gaussian sigma (pixels).
EXPTIME = 139.8
SKY = 0.85
READ_NOISE = 5.0
PSF_SIGMA = 0.75
#: AB magnitude that gives 1 DN/s.
ZERO_POINT = 26.2
#: Arrays of at most this many elements are written inline (roman_datamodels' own threshold).
INLINE_THRESHOLD = 512
#: The fixed creation date written into every file.
FILE_DATE = "2024-10-15T12:00:00"
START_TIME = "2026-11-02T03:14:15"
#: Roll of the detector's y axis east of north (deg), per field.
ROLL = {"dense": 24.0, "galaxies": 301.0, "stips": 90.0, "openuniverse": 0.0}
FIELDS = {
    "dense": cat.DENSE_FIELD,
    "galaxies": cat.GALAXY_FIELD,
    "stips": cat.STIPS_FIELD,
    "openuniverse": cat.OU_FIELD,
}
#: Bands of the Roman I-Sim catalogues.
ROMANISIM_BANDS = ("F129", "F158")
#: Columns of the OpenUniverse catalogues stored with the ASDF images.
OU_GALAXY_COLUMNS = (
    "galaxy_id",
    "ra",
    "dec",
    "redshift",
    f"mag_{cat.OU_BAND}",
    "half_light_radius",
    "ba",
    "pa",
)
OU_STAR_COLUMNS = ("star_id", "ra", "dec", f"mag_{cat.OU_BAND}")
OU_TRANSIENT_COLUMNS = (
    "transient_id",
    "ra",
    "dec",
    "model_name",
    "start_mjd",
    "end_mjd",
    "peak_mjd",
    f"peak_mag_{cat.OU_BAND}",
)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def field_centre(field: str, dra: float = 0.0, ddec: float = 0.0) -> tuple[float, float]:
    """Centre (deg) of a detector: the field's centre moved by (dra, ddec) degrees on the sky."""
    ra, dec = FIELDS[field]
    return ra + dra / math.cos(math.radians(dec)), dec + ddec


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


@lru_cache(maxsize=4)
def romanisim_catalog(field: str) -> Table:
    """An input catalogue in Roman I-Sim's format for the dense or the galaxy field.

    The dense field is stars only (``type`` PSF), spread over both of its detectors; the galaxy
    field is mostly Sersic galaxies with a few stars.  Fluxes are in maggies (AB: m = -2.5 log10 f).
    """
    rng = _rng(f"romanisim-{field}")
    if field == "dense":
        n_star, n_gal = 2400, 0
        centre, half = field_centre("dense", 0.0, 0.0625), 0.105
    else:
        n_star, n_gal = 25, 320
        centre, half = field_centre("galaxies"), 0.012
    ra, dec = _scatter(rng, n_star + n_gal, centre, half)
    is_star = np.arange(n_star + n_gal) < n_star
    mag158 = np.where(
        is_star,
        27.5 - 2.5 * np.log10(rng.pareto(1.4, is_star.size) + 1.0) * 2.2,
        rng.uniform(20.5, 26.5, is_star.size),
    )
    mag158 = np.clip(mag158, 16.0, 28.0)
    colour = np.where(is_star, rng.normal(0.25, 0.15, is_star.size), rng.normal(0.1, 0.2, is_star.size))
    table = Table()
    table["ra"] = ra
    table["dec"] = dec
    table["type"] = np.where(is_star, "PSF", "SER")
    table["n"] = np.where(is_star, -1.0, np.round(rng.uniform(0.8, 4.0, is_star.size), 2))
    table["half_light_radius"] = np.where(
        is_star, 0.0, np.round(rng.lognormal(np.log(0.35), 0.4, is_star.size), 3)
    )
    table["pa"] = np.where(is_star, 0.0, np.round(rng.uniform(0.0, 180.0, is_star.size), 1))
    table["ba"] = np.where(is_star, 1.0, np.round(rng.uniform(0.3, 1.0, is_star.size), 2))
    table["F129"] = 10 ** (-0.4 * (mag158 + colour))
    table["F158"] = 10 ** (-0.4 * mag158)
    table["ra"].unit = table["dec"].unit = "deg"
    table["half_light_radius"].unit = "arcsec"
    table["pa"].unit = "deg"
    table.meta["comments"] = [
        f"Roman I-Sim input catalogue of the {field} field (simulated)",
        "fluxes in maggies: AB magnitude = -2.5 log10(flux)",
    ]
    return table


@lru_cache(maxsize=4)
def openuniverse_catalogs(sensor: int, ddec: float) -> dict[str, Table]:
    """The point sources, galaxies and transients inside one OpenUniverse detector's field of view."""
    wcs = image_wcs(*field_centre("openuniverse", 0.0, ddec), ROLL["openuniverse"])
    rng = _rng(f"openuniverse-{cat.OU_BAND}-{cat.OU_HEALPIX}-{sensor}")
    half = cat.SIZE * cat.PIXEL_SCALE / 3600.0 / 2.0
    centre = field_centre("openuniverse", 0.0, ddec)
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
    ra, dec = _scatter(rng, 2, (centre[0], centre[1]), half * 0.7)
    peak = np.round(rng.uniform(62000.0, 62300.0, 2), 3)
    transients = Table(
        {
            "transient_id": np.arange(2, dtype=np.int64) + 30_000_000 * sensor,
            "ra": ra,
            "dec": dec,
            "model_name": ["salt3", "salt3"],
            "start_mjd": peak - 20.0,
            "end_mjd": peak + 60.0,
            "peak_mjd": peak,
            f"peak_mag_{band}": np.round(rng.uniform(22.0, 24.5, 2), 3),
        }
    )
    for table in (galaxies, stars, transients):
        table["ra"].unit = table["dec"].unit = "deg"
    galaxies["half_light_radius"].unit = "arcsec"
    galaxies["pa"].unit = "deg"
    for column in ("start_mjd", "end_mjd", "peak_mjd"):
        transients[column].unit = "d"
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


def observe(signal: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The calibrated arrays of an exposure of ``signal`` (DN/s): data, errors, variances, flags."""
    poisson = np.clip(signal, 0.0, None) / EXPTIME
    rnoise = np.full(signal.shape, READ_NOISE**2 / EXPTIME**2)
    data = signal + np.sqrt(poisson + rnoise) * rng.standard_normal(signal.shape)
    dq = np.zeros(signal.shape, dtype=np.uint32)
    hot = rng.integers(0, signal.shape[0], (2, 300))
    dq[hot[0], hot[1]] = 2048  # hot pixels
    chisq = rng.chisquare(4, signal.shape) / 4.0
    return {
        "data": data.astype(np.float32),
        "err": np.sqrt(poisson + rnoise).astype(np.float16),
        "var_poisson": poisson.astype(np.float16),
        "var_rnoise": rnoise.astype(np.float16),
        "chisq": chisq.astype(np.float16),
        "dumo": (0.02 * rng.standard_normal(signal.shape)).astype(np.float16),
        "dq": dq,
    }


# --------------------------------------------------------------------------------------------
# Writing Roman models
# --------------------------------------------------------------------------------------------


def _meta(
    filename: str, band: str, detector: int, wcs: WCS, roll: float, program: int, origin: str = "STSCI/SOC"
) -> dict:
    from astropy.time import Time, TimeDelta

    start = Time(START_TIME, scale="utc")
    ra, dec = (float(v) for v in wcs.wcs.crval)
    return {
        "filename": filename,
        "file_date": Time(FILE_DATE, scale="utc"),
        "origin": origin,  # the schema allows only STSCI, STSCI/SOC and IPAC/SSC
        "product_type": "l2",
        "instrument": {"name": "WFI", "detector": f"WFI{detector:02d}", "optical_element": band},
        "exposure": {
            "start_time": start,
            "end_time": start + TimeDelta(EXPTIME, format="sec"),
            "exposure_time": EXPTIME,
            "effective_exposure_time": EXPTIME,
            "nresultants": 6,
            "ma_table_name": "C2A_IMG_HLWAS",
            "ma_table_number": 4,
            "frame_time": 3.04,
            "type": "WFI_IMAGE",
        },
        "observation": {
            "program": program,
            "execution_plan": 1,
            "pass": 1,
            "segment": 1,
            "observation": 1,
            "visit": 1,
            "visit_file_group": 1,
            "visit_file_sequence": 1,
            "visit_file_activity": "01",
            "exposure": 1,
            "observation_id": f"{program:05d}0101001001001001",
        },
        "pointing": {
            "target_ra": ra,
            "target_dec": dec,
            "ra_v1": ra,
            "dec_v1": dec,
            "pa_v3": roll,
            "target_aperture": f"WFI{detector:02d}_FULL",
        },
        "wcsinfo": {
            "aperture_name": f"WFI{detector:02d}_FULL",
            "ra_ref": ra,
            "dec_ref": dec,
            "roll_ref": roll,
            "v2_ref": 0.0,
            "v3_ref": 0.0,
            "v3yangle": -60.0,
            "vparity": -1,
            "s_region": _s_region(wcs),
        },
        "photometry": {
            "conversion_megajanskys": 0.41,
            "conversion_megajanskys_uncertainty": 0.012,
            "pixel_area": (cat.PIXEL_SCALE / 206264.806) ** 2,
        },
        "wcs": to_gwcs(wcs),
    }


def _s_region(wcs: WCS, size: int = cat.SIZE) -> str:
    corners = np.array([[-0.5, -0.5], [size - 0.5, -0.5], [size - 0.5, size - 0.5], [-0.5, size - 0.5]])
    ra, dec = wcs.wcs_pix2world(corners[:, 0], corners[:, 1], 0)
    return "POLYGON ICRS " + " ".join(f"{a:.8f} {d:.8f}" for a, d in zip(ra, dec, strict=True))


def _reference_pixels(size: int = cat.SIZE, resultants: int = 6) -> dict[str, np.ndarray]:
    """The reference-pixel arrays of a Level 2 image (empty: flat zeros, as after calibration)."""
    return {
        "amp33": np.zeros((resultants, size, 128), dtype=np.uint16),
        **{
            f"border_ref_pix_{side}": np.zeros(
                (resultants, size, 4) if side in ("left", "right") else (resultants, 4, size),
                dtype=np.float32,
            )
            for side in ("left", "right", "top", "bottom")
        },
        **{
            f"dq_border_ref_pix_{side}": np.zeros(
                (size, 4) if side in ("left", "right") else (4, size), dtype=np.uint32
            )
            for side in ("left", "right", "top", "bottom")
        },
    }


def build_image_model(arrays: dict[str, np.ndarray], meta: dict):
    """An ``ImageModel`` holding ``arrays`` and ``meta``, validated against its schema."""
    from roman_datamodels import datamodels as rdm

    defaults = {**arrays, **_reference_pixels(), "meta": meta}
    model = rdm.ImageModel.create_fake_data(defaults=defaults, shape=arrays["data"].shape)
    model.validate()
    return model


def save_model(model, path: Path, extra: dict | None = None) -> None:
    """Save a model, then fix its creation date (and add ``extra`` tree entries) through asdf."""
    import asdf
    from astropy.time import Time

    first = path.with_name(f".{path.stem}.first-save.asdf")
    try:
        model.save(first)
        # save() validated the model; the rewrite only changes the date and adds entries beside it.
        # Small arrays (the WCS matrices, short catalogue columns) stay inline in the tree, as save()
        # writes them, so that reading the metadata needs no binary block.
        with asdf.config_context() as config:
            config.validate_on_read = False
            config.validate_on_write = False
            config.array_inline_threshold = INLINE_THRESHOLD
            with asdf.open(first, lazy_load=False, memmap=False) as af:
                af["roman"]["meta"]["file_date"] = Time(FILE_DATE, scale="utc")
                af["roman"]["meta"]["filename"] = path.name  # save() wrote the first file's name
                for key, value in (extra or {}).items():
                    af[key] = value
                af.write_to(path)
    finally:
        first.unlink(missing_ok=True)


def write_romanisim_cal(obj: BucketObject, path: Path) -> None:
    """A Roman I-Sim calibrated image drawn from its input catalogue."""
    field, band = str(obj.param("field")), str(obj.param("band"))
    detector = int(obj.param("detector"))  # type: ignore[arg-type]
    wcs = image_wcs(*field_centre(field, float(obj.param("dra")), float(obj.param("ddec"))), ROLL[field])
    table = romanisim_catalog(field)
    mag = -2.5 * np.log10(np.asarray(table[band]))
    star = np.asarray(table["type"]) == "PSF"
    ra, dec = np.asarray(table["ra"]), np.asarray(table["dec"])
    galaxies = (
        ra[~star],
        dec[~star],
        mag[~star],
        np.asarray(table["half_light_radius"])[~star],
        np.asarray(table["ba"])[~star],
        np.asarray(table["pa"])[~star],
    )
    signal = render(wcs, (ra[star], dec[star], mag[star]), galaxies if (~star).any() else ())
    arrays = observe(signal, _rng(obj.key))
    program = 1 if field == "dense" else 32
    model = build_image_model(arrays, _meta(Path(obj.key).name, band, detector, wcs, ROLL[field], program))
    save_model(model, path)


def write_stips_image(obj: BucketObject, path: Path) -> None:
    """A STIPS-like image of a crowded disc field (its own seeded stars), as an ImageModel."""
    rng = _rng(obj.key)
    wcs = image_wcs(*field_centre("stips"), ROLL["stips"])
    half = cat.SIZE * cat.PIXEL_SCALE / 3600.0 / 2.0 * 1.1
    ra, dec = _scatter(rng, 1600, FIELDS["stips"], half)
    mag = np.clip(22.0 + 1.8 * rng.standard_normal(ra.size) ** 2, 17.0, 28.0)
    arrays = observe(render(wcs, (ra, dec, mag)), rng)
    model = build_image_model(
        arrays, _meta(Path(obj.key).name, str(obj.param("band")), 1, wcs, ROLL["stips"], 7)
    )
    save_model(model, path)


@lru_cache(maxsize=4)
def openuniverse_image(sensor: int, ddec: float) -> tuple[WCS, dict[str, np.ndarray]]:
    """The WCS and calibrated arrays of one OpenUniverse detector image (shared by its two formats)."""
    wcs = image_wcs(*field_centre("openuniverse", 0.0, ddec), ROLL["openuniverse"])
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


def write_openuniverse_asdf(obj: BucketObject, path: Path) -> None:
    """An OpenUniverse image as a Roman ImageModel, with its catalogues next to it in the tree."""
    sensor, ddec = int(obj.param("sensor")), float(obj.param("ddec"))  # type: ignore[arg-type]
    wcs, arrays = openuniverse_image(sensor, ddec)
    model = build_image_model(
        arrays,
        _meta(Path(obj.key).name, cat.OU_BAND, sensor, wcs, ROLL["openuniverse"], 1, origin="IPAC/SSC"),
    )
    save_model(model, path, extra={"catalogs": dict(openuniverse_catalogs(sensor, ddec))})


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


def write_romanisim_catalog(obj: BucketObject, path: Path) -> None:
    """An input catalogue (ECSV) of Roman I-Sim."""
    romanisim_catalog(str(obj.param("field"))).write(path, format="ascii.ecsv", overwrite=True)


README = """\
Input catalogues of the Roman I-Sim images in ../DENSE_REGION and ../GALAXIES (simulated data of the
offline archive).  One row per source: ra, dec (deg), type (PSF: a star, SER: a Sersic galaxy), Sersic
index n, half_light_radius (arcsec), pa (deg), ba (axis ratio) and the flux in each band in maggies
(AB magnitude = -2.5 log10 flux).
"""


def write_romanisim_readme(obj: BucketObject, path: Path) -> None:
    path.write_text(README)


WRITERS = {
    "romanisim_catalog": write_romanisim_catalog,
    "romanisim_readme": write_romanisim_readme,
    "romanisim_cal": write_romanisim_cal,
    "stips_image": write_stips_image,
    "openuniverse_asdf": write_openuniverse_asdf,
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
