"""The Kepler long-cadence light curves (``kepler_llc``): lightkurve reads them as Kepler's, on BKJD, with the planet's transits."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.generate import kepler, write_product
from offline_archive.sky import catalogue, catalogue_kepler
from offline_archive.sky.targets import HAT_P_7

(OBSERVATION,) = [o for o in catalogue.observations() if o.obs_id == "kplr010666592_lc_Q111111111111111111"]


@pytest.fixture(
    scope="module", params=[p.param("quarter") for p in OBSERVATION.products], ids=lambda q: f"Q{q}"
)
def written(request, tmp_path_factory):
    product = next(p for p in OBSERVATION.products if p.param("quarter") == request.param)
    path = tmp_path_factory.mktemp("kepler") / product.filename
    write_product(OBSERVATION, product, path)
    return request.param, path


def test_lightkurve_reads_a_kepler_light_curve_on_bkjd(written):
    import lightkurve as lk

    quarter, path = written
    lc = lk.read(path)
    assert isinstance(lc, lk.KeplerLightCurve)
    assert (lc.quarter, lc.meta["KEPLERID"], lc.time.format) == (quarter, 10666592, "bkjd")
    assert len(lc) == kepler.expected_good_cadences(quarter)
    span = catalogue_kepler.QUARTERS[quarter]
    assert span.start_bkjd <= lc.time.value.min() and lc.time.value.max() <= span.end_bkjd + 1e-6


def test_the_transits_are_where_the_planet_puts_them(written):
    import lightkurve as lk

    _, path = written
    lc = lk.read(path).remove_nans().normalize()
    flux = np.asarray(getattr(lc.flux.value, "unmasked", lc.flux.value), dtype=float)
    (planet,) = HAT_P_7.planets
    btjd = lc.time.value + catalogue_kepler.BKJD_OFFSET - 2457000.0
    phase = (btjd - planet.epoch_btjd + planet.period_days / 2) % planet.period_days - planet.period_days / 2
    inside = np.abs(phase) < 0.3 * planet.duration_hours / 24
    depth = 1 - float(np.median(flux[inside]))
    assert depth == pytest.approx(planet.depth_ppm * 1e-6, rel=0.05)
    assert float(np.std(flux[np.abs(phase) > planet.duration_hours / 24])) == pytest.approx(
        kepler.NOISE_PPM * 1e-6, rel=0.2
    )


def test_headers_name_the_star_and_the_time_axis(written):
    quarter, path = written
    with fits.open(path) as hdul:
        assert [h.name for h in hdul] == ["PRIMARY", "LIGHTCURVE", "APERTURE"]
        assert hdul[0].header["OBJECT"] == "KIC 10666592" and hdul[0].header["QUARTER"] == quarter
        assert (hdul[1].header["BJDREFI"], hdul[1].header["TIMESYS"]) == (2454833, "TDB")
        assert hdul[1].columns["TIME"].unit == "BJD - 2454833"
