"""Unit tests of helpers.lightcurves, on simulated light curves with a known box transit."""

import math

import numpy as np
import pytest

from helpers.lightcurves import TransitMeasurement, bin_cadences, in_transit_mask, measure_transit, phase_days

PERIOD = 6.2679
EPOCH = 1325.5035
DURATION = 2.95 / 24


def box_light_curve(depth_ppm=300.0, noise_ppm=100.0, days=25.0, cadence_s=120.0, seed=1):
    """Two-minute cadences starting on a mid-transit, with Gaussian noise and a box transit."""
    rng = np.random.default_rng(seed)
    time = EPOCH + 2000.0 + np.arange(0.0, days, cadence_s / 86400.0)
    epoch = EPOCH + 2000.0 - 0.3 * PERIOD  # any mid-transit: phases are independent of which
    flux = 1.0 + noise_ppm * 1e-6 * rng.standard_normal(time.size)
    flux[np.abs(phase_days(time, PERIOD, epoch)) < DURATION / 2] -= depth_ppm * 1e-6
    return time, flux, epoch


def test_phase_days_is_zero_at_mid_transit_and_wraps():
    times = np.array([EPOCH, EPOCH + PERIOD, EPOCH - 3 * PERIOD, EPOCH + 0.25, EPOCH - 0.25])
    np.testing.assert_allclose(phase_days(times, PERIOD, EPOCH), [0, 0, 0, 0.25, -0.25], atol=1e-9)
    far = phase_days(EPOCH + np.linspace(-50, 50, 1001), PERIOD, EPOCH)
    assert far.min() >= -PERIOD / 2 and far.max() < PERIOD / 2


def test_phase_days_rejects_a_non_positive_period():
    with pytest.raises(ValueError, match="period must be positive"):
        phase_days([1.0], 0.0, 0.0)


def test_in_transit_mask():
    times = EPOCH + np.array([0.0, 0.06, 0.07, PERIOD - 0.05, 1.0])
    assert list(in_transit_mask(times, PERIOD, EPOCH, DURATION)) == [True, True, False, True, False]


@pytest.mark.parametrize("duration", [0.0, -0.1, PERIOD, 10.0])
def test_in_transit_mask_rejects_impossible_durations(duration):
    with pytest.raises(ValueError, match="duration"):
        in_transit_mask([EPOCH], PERIOD, EPOCH, duration)


def test_measure_transit_recovers_the_injected_depth():
    time, flux, epoch = box_light_curve()
    result = measure_transit(time, flux, PERIOD, epoch, DURATION)
    assert result.n_transits == 4
    assert abs(result.depth_ppm - 300.0) < 4 * result.depth_err_ppm
    # Expected error: 100 ppm per cadence over ~4 transits x 44 core cadences, ~10 ppm.
    assert 5 < result.depth_err_ppm < 15
    assert result.snr > 20
    assert result.is_detected()
    assert "S/N" in str(result) and "4 transits" in str(result)


def test_measure_transit_finds_nothing_in_pure_noise():
    time, flux, epoch = box_light_curve(depth_ppm=0.0)
    result = measure_transit(time, flux, PERIOD, epoch, DURATION)
    assert abs(result.snr) < 4
    assert not result.is_detected()


def test_measure_transit_ignores_nans_and_scales_with_the_flux_unit():
    time, flux, epoch = box_light_curve()
    flux[::7] = np.nan
    in_electrons = measure_transit(time, 5e4 * flux, PERIOD, epoch, DURATION)
    normalised = measure_transit(time, flux, PERIOD, epoch, DURATION)
    assert in_electrons.depth_ppm == pytest.approx(normalised.depth_ppm)
    assert normalised.n_in + normalised.n_out < np.isfinite(flux).sum()


def test_measure_transit_uses_only_the_transit_core():
    time, flux, epoch = box_light_curve(noise_ppm=0.0)
    core = measure_transit(time, flux, PERIOD, epoch, DURATION, core_fraction=0.5)
    whole = measure_transit(time, flux, PERIOD, epoch, DURATION, core_fraction=1.0)
    assert whole.n_in == pytest.approx(2 * core.n_in, rel=0.1)
    assert core.depth_ppm == pytest.approx(300.0)
    assert core.snr > 1e6


def test_measure_transit_with_a_wrong_time_system():
    time, flux, epoch = box_light_curve(days=0.5)
    # The light curve covers half a day between transits: nothing to measure.
    with pytest.raises(ValueError, match="inside transit"):
        measure_transit(time + 2.0, flux, PERIOD, epoch, DURATION)


def test_measure_transit_needs_out_of_transit_data():
    time = EPOCH + np.linspace(-0.02, 0.02, 20)
    with pytest.raises(ValueError, match="outside transit"):
        measure_transit(time, np.ones_like(time), PERIOD, EPOCH, DURATION)


def test_measure_transit_checks_its_inputs():
    with pytest.raises(ValueError, match="differ in shape"):
        measure_transit([1.0, 2.0], [1.0], PERIOD, EPOCH, DURATION)
    with pytest.raises(ValueError, match="core_fraction"):
        measure_transit([1.0], [1.0], PERIOD, EPOCH, DURATION, core_fraction=0.0)


def test_snr_of_degenerate_measurements():
    assert TransitMeasurement(0.0, 0.0, 5, 5, 1).snr == 0.0
    assert TransitMeasurement(-10.0, 0.0, 5, 5, 1).snr == -math.inf
    assert TransitMeasurement(100.0, 10.0, 5, 5, 1).snr == 10.0
    assert not TransitMeasurement(70.0, 10.0, 5, 5, 1).is_detected()
    assert TransitMeasurement(71.0, 10.0, 5, 5, 1).is_detected()
    assert TransitMeasurement(60.0, 10.0, 5, 5, 1).is_detected(threshold=5)


def test_bin_cadences_averages_groups_and_leaves_out_masked_cadences():
    time = np.arange(12.0)
    flux = np.ma.array([1, 1, 1, 1, 1, 2, 2, 2, 2, 9, 5, 5], mask=[0] * 9 + [1, 0, 0], dtype=float)
    binned_time, binned_flux = bin_cadences(time, flux, 5)
    np.testing.assert_allclose(binned_time, [2.0, 7.0])  # the last two cadences make no group
    np.testing.assert_allclose(binned_flux, [1.0, 2.0])  # the masked 9 is left out
    _, all_masked = bin_cadences(time[:5], np.ma.masked_all(5), 5)
    assert np.isnan(all_masked).all()
    _, with_nan = bin_cadences(time[:2], [np.nan, 4.0], 2)
    np.testing.assert_allclose(with_nan, [4.0])


def test_bin_cadences_reduces_white_noise_by_the_square_root_of_the_group():
    time, flux, _ = box_light_curve(depth_ppm=0.0, noise_ppm=1000.0)
    _, binned = bin_cadences(time, flux, 25)
    assert np.std(binned) == pytest.approx(np.std(flux) / 5, rel=0.1)


@pytest.mark.parametrize(
    ("time", "flux", "size", "message"),
    [([1.0, 2.0], [1.0, 2.0], 0, "positive whole number"), ([1.0, 2.0], [1.0, 2.0], 1.5, "positive whole number"),
     ([1.0, 2.0], [1.0], 1, "differ|but flux has"), ([1.0, 2.0], [1.0, 2.0], 3, "no group of 3")],
)  # fmt: skip
def test_bin_cadences_names_bad_input(time, flux, size, message):
    with pytest.raises(ValueError, match=message):
        bin_cadences(time, flux, size)
