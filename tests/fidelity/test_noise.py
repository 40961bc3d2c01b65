"""The archive's photometry is as noisy as TESS's: each target's scatter against a TESS noise model.

The model is the published TESS noise model for a star of a given TESS magnitude: Sullivan et al.
(2015, ApJ 809, 77), as fitted by Stassun et al. (2018, AJ 156, 102, the TIC paper, section 3.3.3:
the 1-hour noise as a polynomial in Tmag) and evaluated by the ``ticgen`` package (PyPI 1.0.4,
pinned 2026-12-03: ``ticgen.Star(Tmag=..., integration=minutes).oneSigmaNoise``, ppm per
integration).  It includes the 60 ppm/hour systematic floor that the model assumes.

For every kind of photometry the archive simulates, of every target that has it (light curves,
target pixel files, the full-frame images of notebook 05, the full-frame images that TESScut cuts
from), the point-to-point scatter of the star's relative flux must lie within a factor of two
of the model for its magnitude and cadence.  The scatter is measured robustly (the median
absolute deviation of successive differences, divided by sqrt(2)), so that transits, eclipses,
slow trends and a few outliers do not count as noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.generate import ffi, ffi_sector, tess, write_product
from offline_archive.sky import catalogue, catalogue_ffi, targets

ticgen = pytest.importorskip("ticgen")

FACTOR = 2.0


def model_ppm(tmag: float, cadence_s: float) -> float:
    """The TESS noise model (ppm per cadence) for a star of TESS magnitude ``tmag``."""
    return float(ticgen.Star(Tmag=tmag, integration=cadence_s / 60.0).oneSigmaNoise)


def point_to_point_ppm(flux: np.ndarray) -> float:
    """Robust point-to-point scatter (ppm) of a relative flux series."""
    flux = np.asarray(flux, dtype=float)
    flux = flux[np.isfinite(flux)] / np.nanmedian(flux)
    diffs = np.diff(flux)
    return float(1.4826 * np.median(np.abs(diffs - np.median(diffs))) / np.sqrt(2.0) * 1e6)


def _within(measured: float, expected: float) -> bool:
    return expected / FACTOR <= measured <= expected * FACTOR


def _products(subgroup: str) -> list[tuple[targets.Observation, targets.Product]]:
    return [(o, p) for o, p in catalogue.all_products() if p.subgroup == subgroup]


def _target(obs: targets.Observation) -> targets.Target:
    return next(t for t in targets.TARGETS if t.key == obs.target)


def test_the_model_is_the_published_one() -> None:
    # Stassun et al. 2018: about 60 ppm in an hour for bright stars, a few thousand at Tmag 14.
    assert model_ppm(5.0, 3600) == pytest.approx(61, abs=3)
    assert 2000 < model_ppm(14.0, 3600) < 4000
    assert model_ppm(10.0, 120) == pytest.approx(model_ppm(10.0, 3600) * np.sqrt(30), rel=1e-9)


LIGHT_CURVES = _products("LC") + _products("FAST-LC")


@pytest.mark.parametrize("observation,product", LIGHT_CURVES, ids=[p.filename for _, p in LIGHT_CURVES])
def test_light_curve_scatter_follows_the_noise_model(tmp_path, observation, product) -> None:
    path = tmp_path / product.filename
    write_product(observation, product, path)
    with fits.open(path) as hdul:
        flux = hdul["LIGHTCURVE"].data["PDCSAP_FLUX"]
        cadence_s = float(np.nanmedian(np.diff(hdul["LIGHTCURVE"].data["TIME"]))) * 86400
    target = _target(observation)
    measured, expected = point_to_point_ppm(flux), model_ppm(target.tmag, cadence_s)
    assert _within(measured, expected), f"{product.filename}: {measured:.0f} ppm, model {expected:.0f} ppm"


PIXEL_FILES = _products("TP")


@pytest.mark.parametrize("observation,product", PIXEL_FILES, ids=[p.filename for _, p in PIXEL_FILES])
def test_pixel_file_photometry_follows_the_noise_model(tmp_path, observation, product) -> None:
    path = tmp_path / product.filename
    write_product(observation, product, path)
    with fits.open(path) as hdul:
        aperture = (hdul["APERTURE"].data & 2) != 0
        pixels = hdul["PIXELS"].data
        flux = pixels["FLUX"][:, aperture].sum(axis=1)
        good = pixels["QUALITY"] == 0
    target = _target(observation)
    measured, expected = point_to_point_ppm(flux[good]), model_ppm(target.tmag, 120)
    assert _within(measured, expected), f"{product.filename}: {measured:.0f} ppm, model {expected:.0f} ppm"


def _aperture_photometry(images: np.ndarray, x: float, y: float, radius: float = 2.5) -> np.ndarray:
    """Background-subtracted flux in a circular aperture of each image (0-based pixel x, y)."""
    yy, xx = np.mgrid[0 : images.shape[1], 0 : images.shape[2]]
    r = np.hypot(xx - x, yy - y)
    inside, annulus = r <= radius, (r > radius + 3) & (r < radius + 8)
    background = np.median(images[:, annulus], axis=1)
    return images[:, inside].sum(axis=1) - background * inside.sum()


def test_notebook_05s_ffis_follow_the_noise_model(tmp_path) -> None:
    """The calibrated FFIs of sector 1, camera 1, CCD 1, measured out of eclipse around the binary."""
    obs = next(o for o in catalogue.observations() if o.obs_id == catalogue_ffi.OBS_ID)
    star = catalogue_ffi.FIELD_STAR
    eclipses = star.eclipses
    products = []
    for product in obs.products:  # a run of consecutive frames of the first orbit, out of eclipse
        mid = (float(product.param("tstart")) + float(product.param("tstop"))) / 2
        if ffi_sector.eclipse_model(eclipses, np.array([mid]))[0] == 1.0 and mid < 1334.0:
            products.append(product)
    products = products[:120]
    assert len(products) == 120
    images = []
    for product in products:
        path = tmp_path / product.filename
        write_product(obs, product, path)
        images.append(fits.getdata(path, 1))
    x, y = _star_xy()
    flux = _aperture_photometry(np.array(images, dtype=float), x, y)
    measured, expected = point_to_point_ppm(flux), model_ppm(star.tmag, catalogue_ffi.CADENCE_S)
    assert _within(measured, expected), f"{measured:.0f} ppm, model {expected:.0f} ppm"


def _star_xy() -> tuple[float, float]:
    """0-based pixel of notebook 05's star in the FFI windows."""
    from astropy.wcs import WCS

    star = catalogue_ffi.FIELD_STAR
    wcs = WCS(ffi_sector.window().header_wcs)
    x, y = wcs.world_to_pixel_values(star.ra, star.dec)
    return float(x), float(y)


CUBE_TARGETS = [o for o in catalogue.observations() if any(p.kind == "tess_ffi_cube" for p in o.products)]


@pytest.mark.parametrize("observation", CUBE_TARGETS, ids=[o.obs_id for o in CUBE_TARGETS])
def test_tesscut_frames_follow_the_noise_model(observation) -> None:
    """The FFI windows TESScut cuts from, measured on the target (its flyby is too brief to matter)."""
    params = dict(observation.products[0].params)
    target = next(t for t in targets.TARGETS if t.key == params["target"])
    sector = targets.SECTORS[observation.sequence_number]
    side, cadence_s = int(params["window_px"]), int(params["cadence_s"])
    frames = ffi.simulate_frames(target, sector, side, cadence_s, seed=f"noise-test:{observation.obs_id}")
    x, y = tess._star_pixel(tess.placement(target, sector), side)
    flux = _aperture_photometry(frames.flux.astype(float), x, y)
    good = frames.quality == 0
    measured, expected = point_to_point_ppm(flux[good]), model_ppm(target.tmag, cadence_s)
    assert _within(measured, expected), f"{observation.obs_id}: {measured:.0f} ppm, model {expected:.0f} ppm"
