"""helpers.events: finding brief excursions in a light curve."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.table import MaskedColumn

from helpers.events import find_excursions, robust_sigma

STEP = 2 / 1440  # two minutes


def light_curve(seed: int = 1):
    rng = np.random.default_rng(seed)
    time = 1330.0 + STEP * np.arange(5000)
    flux = rng.normal(0.0, 1e-3, time.size)
    return time, flux


def test_robust_sigma_ignores_outliers():
    _, flux = light_curve()
    flux[:50] = 1.0
    assert robust_sigma(flux) == pytest.approx(1e-3, rel=0.1)


def test_a_dip_a_bump_and_a_dip_are_three_runs_in_time_order():
    time, flux = light_curve()
    flux[1000:1020] -= 0.02
    flux[1030:1090] += 0.15
    flux[1100:1115] -= 0.02
    events = find_excursions(time, flux)
    assert list(events["kind"]) == ["fainter", "brighter", "fainter"]
    assert list(events["n_cadences"]) == [20, 60, 15]
    assert events["start"][1] == pytest.approx(time[1030]) and events["end"][1] == pytest.approx(time[1089])
    assert events["peak"][1] == pytest.approx(0.15, abs=0.01) and events["peak_sigma"][1] > 100


def test_masked_cadences_are_skipped_and_gaps_split_runs():
    time, flux = light_curve()
    flux[2000:2040] += 0.1
    time[2020:] += 2.0  # a two-day gap in the middle of the bright stretch
    masked = MaskedColumn(flux, mask=np.zeros(flux.size, dtype=bool))
    masked.mask[2005] = True
    events = find_excursions(time, masked)
    assert list(events["n_cadences"]) == [19, 20]


def test_noise_alone_gives_an_empty_table_with_the_columns():
    time, flux = light_curve()
    events = find_excursions(time, flux)
    assert len(events) == 0 and "peak_time" in events.colnames
    assert len(find_excursions([], [])) == 0
