"""helpers.ephemeris: mission time axes, transit times and linear ephemerides, on synthetic light curves."""

from __future__ import annotations

import lightkurve  # noqa: F401  (registers the bkjd and btjd Time formats)
import numpy as np
import pytest
from astropy.time import Time

from helpers.ephemeris import Ephemeris, fit_ephemeris, measure_transit_times, to_btjd, trapezoid

PERIOD, EPOCH, DURATION, DEPTH = 2.2, 100.0, 0.16, 0.006


def _light_curve(
    start: float, days: float, cadence_days: float, noise: float, seed: int, shift=lambda n: 0.0
):
    rng = np.random.default_rng(seed)
    t = np.arange(start, start + days, cadence_days)
    flux = np.ones_like(t)
    for n in range(int((start - EPOCH) / PERIOD) - 1, int((start + days - EPOCH) / PERIOD) + 2):
        flux *= trapezoid(t, EPOCH + n * PERIOD + shift(n), DEPTH, 1.0, DURATION)
    return t, flux + noise * rng.standard_normal(t.size)


def test_bkjd_and_btjd_origins_are_2167_days_apart() -> None:
    assert to_btjd(Time(0.0, format="bkjd")) == pytest.approx(2454833.0 - 2457000.0)
    assert to_btjd(Time(12.5, format="btjd")) == pytest.approx(12.5)
    assert to_btjd(Time(2457000.0, format="jd", scale="tdb")) == pytest.approx(0.0)


def test_to_btjd_refuses_plain_numbers() -> None:
    with pytest.raises(TypeError, match="astropy Time"):
        to_btjd(np.array([1.0, 2.0]))


def test_transit_times_are_recovered_within_their_errors() -> None:
    t, f = _light_curve(EPOCH - 0.5, 30.0, 2.0 / 1440, 5e-4, seed=1)
    table = measure_transit_times(t, f, PERIOD, EPOCH, DURATION)
    assert list(table["epoch"]) == list(range(14))  # every transit of the 30 days, each complete
    truth = EPOCH + table["epoch"] * PERIOD
    pulls = (table["time"] - truth) / table["error"]
    assert np.all(np.abs(pulls) < 5) and 0.3 < np.std(pulls) < 2.0


def test_partial_transits_and_gaps_are_left_out() -> None:
    t, f = _light_curve(EPOCH - 0.5, 10.0, 2.0 / 1440, 5e-4, seed=2)
    keep = ~((t > EPOCH + PERIOD - DURATION) & (t < EPOCH + PERIOD + DURATION / 4))  # ingress of orbit 1 lost
    table = measure_transit_times(t[keep], f[keep], PERIOD, EPOCH, DURATION)
    assert 1 not in list(table["epoch"])
    assert list(table["epoch"]) == [0, 2, 3, 4]


def test_empty_light_curve_gives_an_empty_table() -> None:
    table = measure_transit_times(np.array([]), np.array([]), PERIOD, EPOCH, DURATION)
    assert len(table) == 0 and table.colnames == ["epoch", "time", "error", "n_points"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"flux": np.ones(3)}, "differ in length"),
        ({"period": 0.0}, "positive"),
        ({"duration": -1.0}, "positive"),
    ],
)
def test_bad_input_is_named(kwargs, message) -> None:
    args = {
        "time_btjd": np.ones(4),
        "flux": np.ones(4),
        "period": PERIOD,
        "epoch_btjd": EPOCH,
        "duration": DURATION,
    }
    with pytest.raises(ValueError, match=message):
        measure_transit_times(**(args | kwargs))


def test_ephemeris_fit_recovers_the_period() -> None:
    rng = np.random.default_rng(3)
    epochs = np.arange(0, 50)
    errors = np.full(epochs.size, 1e-4)
    times = 5.0 + 2.2047 * epochs + errors * rng.standard_normal(epochs.size)
    eph = fit_ephemeris(epochs, times, errors)
    assert isinstance(eph, Ephemeris) and eph.n_transits == 50
    assert abs(eph.period - 2.2047) < 4 * eph.period_error
    # the textbook value for equal errors: sigma_P = sigma / sqrt(sum (n - mean n)^2)
    assert eph.period_error == pytest.approx(1e-4 / np.sqrt(np.sum((epochs - epochs.mean()) ** 2)), rel=0.3)
    predicted, error = eph.predict(1000)
    assert predicted == pytest.approx(5.0 + 2204.7, abs=0.01) and error > eph.t0_error


def test_a_longer_baseline_shrinks_the_period_error() -> None:
    errors = np.full(20, 2e-4)
    early = fit_ephemeris(np.arange(20), 1.0 + 3.0 * np.arange(20), errors)
    epochs = np.concatenate([np.arange(10), 1000 + np.arange(10)])
    joined = fit_ephemeris(epochs, 1.0 + 3.0 * epochs, errors)
    assert joined.period_error < early.period_error / 50


def test_too_few_transits_or_bad_errors_are_refused() -> None:
    with pytest.raises(ValueError, match="at least three"):
        fit_ephemeris([0, 1], [0.0, 1.0], [1e-3, 1e-3])
    with pytest.raises(ValueError, match="positive uncertainty"):
        fit_ephemeris([0, 1, 2], [0.0, 1.0, 2.0], [1e-3, 0.0, 1e-3])
