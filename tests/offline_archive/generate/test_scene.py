"""The simulated sky around TIC 214568914: point sources, the asteroid's track and what it does to the photometry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from offline_archive.generate import tess
from offline_archive.generate.scene import pixel_fractions, render, tangent_to_sky
from offline_archive.sky import catalogue, targets
from offline_archive.sky.targets import FLYBYS, PI_MEN, SECTORS, TIC_214568914

FLYBY = FLYBYS[0]


def test_the_psf_conserves_flux_and_centres_on_the_position():
    image = render(np.array([10.3]), np.array([7.8]), np.array([1000.0]), (20, 24))
    assert image.sum() == pytest.approx(1000.0, rel=1e-6)
    rows, columns = np.indices(image.shape)
    assert (image * columns).sum() / image.sum() == pytest.approx(10.3, abs=1e-3)
    assert (image * rows).sum() / image.sum() == pytest.approx(7.8, abs=1e-3)


def test_flux_that_falls_off_the_grid_is_lost():
    fractions = pixel_fractions(np.array([-0.5]), 5)
    assert fractions.sum() == pytest.approx(0.5, abs=1e-6)


def test_tangent_to_sky_inverts_the_catalogue_projection():
    x, y = np.array([0.1, -0.05, 0.0]), np.array([0.02, 0.08, 0.0])
    ra, dec = tangent_to_sky(TIC_214568914.ra, TIC_214568914.dec, x, y)
    for i in range(3):
        back = targets._tangent(TIC_214568914.ra, TIC_214568914.dec, ra[i], dec[i])
        assert back == pytest.approx((x[i], y[i]), abs=1e-9)


def test_the_asteroid_passes_the_target_at_its_closest_approach():
    x, y = FLYBY.offsets_deg(
        np.array([FLYBY.closest_btjd - 0.5, FLYBY.closest_btjd, FLYBY.closest_btjd + 0.5])
    )
    distances = np.hypot(x, y) * 3600
    assert distances[1] == pytest.approx(FLYBY.miss_arcsec)
    assert distances[0] == pytest.approx(distances[2]) and distances[0] > 0.1 * 3600
    assert FLYBY.target == TIC_214568914.key
    assert SECTORS[1].start_btjd < FLYBY.closest_btjd < SECTORS[1].gap_btjd[0]


def test_the_target_is_on_camera_1_ccd_2_never_ccd_1_1():
    assert catalogue.TESS_CCD[(TIC_214568914.key, 1)] == (1, 2)
    assert tess.placement(TIC_214568914, SECTORS[1]).camera == 1


def test_the_flyby_brightens_the_aperture_between_two_dips():
    times = np.arange(1333.5, 1335.5, 120 / 86400)
    light = tess.flyby_light(TIC_214568914, SECTORS[1], times, 120)
    peak = times[np.argmax(light)]
    assert peak == pytest.approx(FLYBY.closest_btjd, abs=0.01)
    assert light.max() > 0.1  # a brightening of more than 10 %
    before, after = light[times < peak - 0.03], light[times > peak + 0.03]
    assert before.min() < -0.005 and after.min() < -0.005  # the background pixels see it first and last
    assert np.all(light[np.abs(times - peak) > 0.3] == pytest.approx(0.0, abs=1e-6))


def test_targets_without_flybys_are_untouched():
    times = targets.cadence_times(SECTORS[1], 120)
    assert not np.any(tess.flyby_light(PI_MEN, SECTORS[1], times, 120))


def test_the_light_curve_product_contains_the_event(tmp_path):
    from offline_archive.generate import write_product

    obs, product = next(
        (o, p)
        for o, p in catalogue.all_products()
        if p.kind == "tess_lc" and p.param("target") == TIC_214568914.key
    )
    path = tmp_path / product.filename
    write_product(obs, product, path)
    from astropy.io import fits

    data = fits.getdata(path, 1)
    flux = data["PDCSAP_FLUX"] / np.nanmedian(data["PDCSAP_FLUX"]) - 1
    peak = np.nanargmax(flux)
    assert data["TIME"][peak] == pytest.approx(FLYBY.closest_btjd, abs=0.01)
    assert flux[peak] > 0.1
    assert math.isclose(tess.star_flux(TIC_214568914), tess.tmag_flux(TIC_214568914.tmag))
