"""Finding brief events in a light curve: runs of cadences that stand far out from the rest.

A transit search folds a light curve on a period, which hides when things happened.  The
function here works on the unfolded light curve and lists each stretch of consecutive cadences
that lies well above or below the typical flux, with when it happened and how strong it was.
"""

from __future__ import annotations

import numpy as np
from astropy.table import Table
from numpy.typing import ArrayLike

__all__ = ["find_excursions", "robust_sigma"]

#: Consecutive cadences further apart than this (days) belong to different runs.
MAX_STEP_DAYS = 1.0 / 24.0


def as_float_array(values: ArrayLike) -> np.ndarray:
    """Float values with masked entries as NaN (works for astropy masked columns and numpy arrays)."""
    filled = values.filled(np.nan) if hasattr(values, "filled") else values
    return np.asarray(filled, dtype=float)


def robust_sigma(values: ArrayLike) -> float:
    """The standard deviation of the bulk of the values, from their median absolute deviation."""
    values = as_float_array(values)
    values = values[np.isfinite(values)]
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def find_excursions(time: ArrayLike, flux: ArrayLike, n_sigma: float = 8.0, min_cadences: int = 3) -> Table:
    """Runs of at least ``min_cadences`` consecutive cadences more than ``n_sigma`` from the median flux.

    Cadences without a flux (NaN or masked) are skipped; a run ends where the sign of the
    deviation changes, where a cadence comes back within ``n_sigma``, or at a gap longer than an
    hour in the data.

    Parameters
    ----------
    time : array-like
        Times of the cadences (e.g. BTJD).
    flux : array-like
        Flux of the cadences, in any unit (e.g. ``LC_DETREND``, relative flux).
    n_sigma : float, optional
        How many robust standard deviations (:func:`robust_sigma`) a cadence must deviate by.
    min_cadences : int, optional
        Shortest run reported.

    Returns
    -------
    astropy.table.Table
        One row per run, in time order: ``start`` and ``end`` (times of its first and last
        cadences), ``peak_time``, ``peak`` (the flux furthest from the median, minus the
        median), ``peak_sigma`` (the same in robust standard deviations), ``n_cadences`` and
        ``kind`` (``"brighter"`` or ``"fainter"``).  Empty when nothing stands out.
    """
    time, flux = as_float_array(time), as_float_array(flux)
    good = np.isfinite(time) & np.isfinite(flux)
    time, flux = time[good], flux[good]
    names = ("start", "end", "peak_time", "peak", "peak_sigma", "n_cadences", "kind")
    dtypes = (float, float, float, float, float, int, str)
    if flux.size == 0:
        return Table(names=names, dtype=dtypes)
    median, sigma = float(np.median(flux)), robust_sigma(flux)
    deviation = (flux - median) / sigma if sigma > 0 else np.zeros_like(flux)
    sign = np.where(np.abs(deviation) > n_sigma, np.sign(deviation), 0).astype(int)
    # A new run starts wherever the sign changes or the data have a gap.
    breaks = np.flatnonzero((np.diff(sign) != 0) | (np.diff(time) > MAX_STEP_DAYS)) + 1
    rows = []
    for run in np.split(np.arange(flux.size), breaks):
        if sign[run[0]] == 0 or run.size < min_cadences:
            continue
        peak = run[np.argmax(np.abs(deviation[run]))]
        rows.append(
            (
                time[run[0]],
                time[run[-1]],
                time[peak],
                flux[peak] - median,
                deviation[peak],
                run.size,
                "brighter" if sign[run[0]] > 0 else "fainter",
            )
        )
    if not rows:
        return Table(names=names, dtype=dtypes)
    return Table(rows=rows, names=names, dtype=dtypes)
