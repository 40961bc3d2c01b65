"""Transit times and linear ephemerides across missions (Kepler's BKJD, TESS's BTJD).

Both missions stamp their cadences in Barycentric Julian Date (TDB) minus an offset: Kepler's
BKJD is BJD - 2454833, TESS's BTJD is BJD - 2457000.  :func:`to_btjd` puts any astropy ``Time``
(lightkurve gives one with each light curve) on the TESS axis through astropy, never by hand
arithmetic on mixed scales.  :func:`measure_transit_times` fits the mid-time of each transit in a
light curve; :func:`fit_ephemeris` fits ``T(n) = T0 + n P`` to those times by weighted least
squares and gives the uncertainty of the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from astropy.table import Table
from astropy.time import Time

#: The origins of the two missions' time axes (BJD, TDB).
BKJD_ORIGIN_JD = 2454833.0
BTJD_ORIGIN_JD = 2457000.0


def to_btjd(time: Time) -> np.ndarray:
    """Times as BTJD (BJD - 2457000, TDB, days), whatever their format.

    Parameters
    ----------
    time : astropy.time.Time
        Barycentric times, for instance ``lc.time`` of a Kepler (BKJD) or TESS (BTJD) light curve.

    Returns
    -------
    numpy.ndarray
        Days since BJD 2457000 (TDB).

    Raises
    ------
    TypeError
        If ``time`` is not an astropy ``Time`` (plain numbers carry no origin).
    """
    if not isinstance(time, Time):
        raise TypeError(
            f"to_btjd needs an astropy Time, not {type(time).__name__}: plain numbers do not say "
            "whether they count from BKJD's or BTJD's origin; wrap them, e.g. Time(t, format='bkjd')."
        )
    return np.asarray(time.tdb.jd - BTJD_ORIGIN_JD, dtype=float)


def trapezoid(t: np.ndarray, tc: float, depth: float, baseline: float, duration: float) -> np.ndarray:
    """A transit: flat ``baseline``, dimmed by ``depth`` (relative) over ``duration`` days around ``tc``.

    Ingress and egress each take a tenth of the duration.
    """
    ingress = 0.1 * duration
    dip = np.clip((duration / 2.0 - np.abs(np.asarray(t) - tc)) / ingress, 0.0, 1.0)
    return baseline * (1.0 - depth * dip)


def measure_transit_times(
    time_btjd: np.ndarray,
    flux: np.ndarray,
    period: float,
    epoch_btjd: float,
    duration: float,
    min_points: int = 6,
) -> Table:
    """Fit the mid-time of every transit that a light curve covers well.

    Each transit predicted by ``epoch_btjd + n * period`` is fitted with :func:`trapezoid` (free
    mid-time within a third of a duration of the prediction, depth and baseline; the duration
    fixed) to the points within 1.5 durations of it. A
    transit is kept only if the data reach beyond it on both sides, at least ``min_points`` lie
    inside it, and each half of it (before and after mid-transit) holds at least half that many.

    Parameters
    ----------
    time_btjd, flux : numpy.ndarray
        Times (BTJD) and normalised flux, NaNs removed.
    period, epoch_btjd, duration : float
        The published period (days), a mid-transit time (BTJD) and the transit's duration (days).
    min_points : int
        The fewest points inside a transit for it to be measured.

    Returns
    -------
    astropy.table.Table
        Columns ``epoch`` (orbits since ``epoch_btjd``), ``time`` (BTJD), ``error`` (days) and
        ``n_points``.

    Raises
    ------
    ValueError
        If the arrays differ in length, or the period or duration are not positive.
    """
    t = np.asarray(time_btjd, dtype=float)
    f = np.asarray(flux, dtype=float)
    if t.shape != f.shape:
        raise ValueError(
            f"time and flux differ in length ({t.size} and {f.size}): pass the same light curve's columns."
        )
    if not (period > 0 and duration > 0):
        raise ValueError(f"period and duration must be positive days, not {period} and {duration}.")
    rows = []
    if t.size:
        first = math.ceil((t.min() - epoch_btjd) / period - 0.5)
        last = math.floor((t.max() - epoch_btjd) / period + 0.5)
        for n in range(first, last + 1):
            predicted = epoch_btjd + n * period
            near = np.abs(t - predicted) < 1.5 * duration
            offset = t[near] - predicted
            inside = np.abs(offset) < duration / 2
            halves = (np.sum(inside & (offset < 0)), np.sum(inside & (offset > 0)))
            outside = (np.any(offset < -duration / 2), np.any(offset > duration / 2))
            if inside.sum() < min_points or min(halves) < min_points // 2 or not all(outside):
                continue
            fitted = _fit_mid_time(t[near], f[near], predicted, duration)
            if fitted is not None:
                rows.append((n, fitted[0], fitted[1], int(inside.sum())))
    return Table(
        rows=rows or None, names=("epoch", "time", "error", "n_points"), dtype=(int, float, float, int)
    )


def _chi2_at(t: np.ndarray, f: np.ndarray, tc: float, duration: float) -> float:
    """Sum of squared residuals of the best baseline and depth for a transit centred at ``tc``."""
    shape = trapezoid(t, tc, 1.0, 1.0, duration)  # 1 outside, 0 on the flat bottom
    design = np.column_stack([np.ones_like(t), shape - 1.0])
    coef, *_ = np.linalg.lstsq(design, f, rcond=None)
    return float(np.sum((f - design @ coef) ** 2))


def _fit_mid_time(
    t: np.ndarray, f: np.ndarray, predicted: float, duration: float
) -> tuple[float, float] | None:
    """Mid-time (days) of one transit and its 1-sigma error, or None when the data do not constrain it.

    The mid-time is scanned over a grid a third of a duration either side of the prediction (the
    baseline and depth are fitted linearly at each step); a parabola through the chi-square near
    its minimum gives the time and, from its curvature, the error.  A scan is more robust than an
    iterative fit here: with cadences as long as the ingress, a fit started where no point falls
    on the ingress sees no gradient and cannot move.
    """
    if t.size <= 3:
        return None
    grid = predicted + np.linspace(-duration / 3, duration / 3, 241)
    chi2 = np.array([_chi2_at(t, f, tc, duration) for tc in grid])
    best = int(np.argmin(chi2))
    noise = chi2[best] / (t.size - 3)  # variance per point, from the scatter about the best fit
    if best in (0, grid.size - 1) or not noise > 0:
        return None
    scaled = chi2 / noise
    near = scaled <= scaled[best] + 9.0
    if near.sum() < 5:  # the minimum is narrower than the grid: refine around it
        grid = np.linspace(grid[best - 1], grid[best + 1], 41)
        scaled = np.array([_chi2_at(t, f, tc, duration) for tc in grid]) / noise
        near = scaled <= scaled.min() + 9.0
        if near.sum() < 5:
            return None
    a2, a1, _ = np.polyfit(grid[near] - predicted, scaled[near], 2)
    if not a2 > 0:
        return None
    tc = predicted - a1 / (2.0 * a2)
    if abs(tc - predicted) >= duration / 3:
        return None
    return float(tc), float(1.0 / np.sqrt(a2))


@dataclass(frozen=True)
class Ephemeris:
    """A linear ephemeris ``T(n) = t0 + n * period`` (BTJD, days) with its 1-sigma uncertainties."""

    t0: float
    t0_error: float
    period: float
    period_error: float
    n_transits: int
    span_days: float

    def predict(self, epoch: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mid-transit time(s) of orbit ``epoch`` and their uncertainty (days), ignoring the covariance."""
        n = np.asarray(epoch, dtype=float)
        return self.t0 + n * self.period, np.hypot(self.t0_error, n * self.period_error)


def fit_ephemeris(epochs: np.ndarray, times: np.ndarray, errors: np.ndarray) -> Ephemeris:
    """Weighted least-squares fit of a linear ephemeris to transit times.

    Parameters
    ----------
    epochs : numpy.ndarray
        Orbit numbers (integers) of the transits.
    times, errors : numpy.ndarray
        Their measured mid-times (BTJD) and 1-sigma uncertainties (days).

    Returns
    -------
    Ephemeris
        ``t0`` at epoch 0, the period and their uncertainties; when the scatter about the line
        exceeds the errors (reduced chi-square above 1) the uncertainties are scaled up by it.

    Raises
    ------
    ValueError
        With fewer than three transits over at least two epochs, or non-positive errors.
    """
    n = np.asarray(epochs, dtype=float)
    t = np.asarray(times, dtype=float)
    e = np.asarray(errors, dtype=float)
    if n.size < 3 or np.unique(n).size < 2:
        raise ValueError(f"fitting an ephemeris needs at least three transits over two epochs, not {n.size}.")
    if np.any(~(e > 0)):
        raise ValueError(
            "every transit time needs a positive uncertainty; drop the transits whose fit failed."
        )
    design = np.column_stack([np.ones_like(n), n])
    weights = 1.0 / e**2
    cov = np.linalg.inv(design.T @ (design * weights[:, None]))
    coef = cov @ (design.T @ (weights * t))
    chi2 = float(np.sum(weights * (t - design @ coef) ** 2))
    scale = max(1.0, chi2 / (n.size - 2)) if n.size > 2 else 1.0
    cov = cov * scale
    return Ephemeris(
        t0=float(coef[0]),
        t0_error=float(np.sqrt(cov[0, 0])),
        period=float(coef[1]),
        period_error=float(np.sqrt(cov[1, 1])),
        n_transits=int(n.size),
        span_days=float(t.max() - t.min()),
    )
