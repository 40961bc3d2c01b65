"""Measuring a known transit in a light curve.

Given a planet's ephemeris (period, a mid-transit time and the transit duration), these
functions fold a light curve on the period and compare the flux inside the transits with the
flux around them.  They take plain arrays, so they work on any light curve: pass
``lc.time.value`` and ``lc.flux.value`` of a lightkurve ``LightCurve``, with the times in the
same system (e.g. BTJD) as the epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from helpers.events import as_float_array

__all__ = ["TransitMeasurement", "in_transit_mask", "measure_transit", "phase_days"]


@dataclass(frozen=True)
class TransitMeasurement:
    """How deep a transit is and how firmly it stands out of the noise.

    Attributes
    ----------
    depth_ppm : float
        Mean out-of-transit flux minus mean in-transit flux, relative to the out-of-transit
        flux, in parts per million.  Positive for a dimming.
    depth_err_ppm : float
        One-sigma uncertainty of ``depth_ppm``, from the scatter of the two samples.
    n_in : int
        Number of cadences used inside transit.
    n_out : int
        Number of cadences used outside transit.
    n_transits : int
        Number of distinct transits with at least one in-transit cadence.
    """

    depth_ppm: float
    depth_err_ppm: float
    n_in: int
    n_out: int
    n_transits: int

    @property
    def snr(self) -> float:
        """Signal-to-noise ratio of the depth (``depth_ppm / depth_err_ppm``).

        Infinite (with the sign of the depth) for noiseless data; 0 for a zero depth.
        """
        if self.depth_err_ppm == 0:
            return math.copysign(math.inf, self.depth_ppm) if self.depth_ppm else 0.0
        return self.depth_ppm / self.depth_err_ppm

    def is_detected(self, threshold: float = 7.1) -> bool:
        """True when the dimming is at least ``threshold`` times its uncertainty.

        Parameters
        ----------
        threshold : float, optional
            Minimum signal-to-noise ratio; the default, 7.1, is the detection threshold of
            the TESS pipeline's transit search.

        Returns
        -------
        bool
        """
        return bool(self.snr >= threshold)

    def __str__(self) -> str:
        return (
            f"depth {self.depth_ppm:.0f} ± {self.depth_err_ppm:.0f} ppm "
            f"(S/N {self.snr:.1f}) from {self.n_in} in-transit cadences in {self.n_transits} "
            f"transits and {self.n_out} out-of-transit cadences"
        )


def phase_days(time: ArrayLike, period: float, epoch: float) -> np.ndarray:
    """Time from the nearest mid-transit, in days.

    Parameters
    ----------
    time : array_like
        Observation times in days.
    period : float
        Orbital period in days; must be positive.
    epoch : float
        Any one mid-transit time, in the same time system as ``time``.

    Returns
    -------
    numpy.ndarray
        Values in ``[-period/2, period/2)``; 0 at mid-transit.

    Raises
    ------
    ValueError
        If ``period`` is not positive.
    """
    if not period > 0:
        raise ValueError(f"The period must be positive, got {period}.")
    t = np.asarray(time, dtype=float)
    return (t - epoch + 0.5 * period) % period - 0.5 * period


def in_transit_mask(time: ArrayLike, period: float, epoch: float, duration: float) -> np.ndarray:
    """Which times fall inside a transit.

    Parameters
    ----------
    time : array_like
        Observation times in days.
    period : float
        Orbital period in days.
    epoch : float
        Any one mid-transit time, in the same time system as ``time``.
    duration : float
        Full transit duration (first to fourth contact) in days; must be positive and shorter
        than the period.

    Returns
    -------
    numpy.ndarray of bool
        True within ``duration / 2`` of a mid-transit time.

    Raises
    ------
    ValueError
        If ``duration`` is not between 0 and ``period``.
    """
    if not 0 < duration < period:
        raise ValueError(f"The duration must be positive and shorter than the period, got {duration}.")
    return np.abs(phase_days(time, period, epoch)) < 0.5 * duration


def measure_transit(
    time: ArrayLike,
    flux: ArrayLike,
    period: float,
    epoch: float,
    duration: float,
    *,
    core_fraction: float = 0.5,
) -> TransitMeasurement:
    """Measure the depth of a transit with a known ephemeris.

    The in-transit sample is the central ``core_fraction`` of each transit (leaving out
    ingress and egress, where the star is only partly covered); the out-of-transit sample is
    everything more than one full duration from mid-transit.  Non-finite values are ignored.
    Detrend the light curve first (for example with lightkurve's ``flatten``, masking the
    transits), otherwise stellar variability inflates the scatter.

    Parameters
    ----------
    time : array_like
        Observation times in days.
    flux : array_like
        Flux, any units; only ratios are used.
    period : float
        Orbital period in days.
    epoch : float
        Any one mid-transit time, in the same time system as ``time``.
    duration : float
        Full transit duration in days.
    core_fraction : float, optional
        Fraction of the duration, centred on mid-transit, that counts as in transit.

    Returns
    -------
    TransitMeasurement
        The depth, its uncertainty and the sample sizes.

    Raises
    ------
    ValueError
        If ``time`` and ``flux`` differ in length, ``core_fraction`` is not in (0, 1], the
        light curve has no finite cadence in transit (a wrong ephemeris or time system is the
        usual cause), or fewer than two cadences inside or outside transit.
    """
    t = np.asarray(time, dtype=float)
    f = np.asarray(flux, dtype=float)
    if t.shape != f.shape:
        raise ValueError(f"time and flux differ in shape: {t.shape} and {f.shape}.")
    if not 0 < core_fraction <= 1:
        raise ValueError(f"core_fraction must be in (0, 1], got {core_fraction}.")
    good = np.isfinite(t) & np.isfinite(f)
    t, f = t[good], f[good]

    offset = np.abs(phase_days(t, period, epoch))
    inside = in_transit_mask(t, period, epoch, duration) & (offset < 0.5 * core_fraction * duration)
    outside = offset > duration
    n_in, n_out = int(inside.sum()), int(outside.sum())
    if n_in < 2:
        raise ValueError(
            f"Only {n_in} finite cadence(s) fall inside transit: check that the epoch is in the "
            "same time system as the light curve (BTJD = BJD - 2457000 for TESS) and that a "
            "transit happens while the light curve was taken."
        )
    if n_out < 2:
        raise ValueError(
            f"Only {n_out} finite cadence(s) fall outside transit: the light curve is too short."
        )

    f_in, f_out = f[inside], f[outside]
    baseline = f_out.mean()
    depth = (baseline - f_in.mean()) / baseline
    error = np.sqrt(f_in.var(ddof=1) / n_in + f_out.var(ddof=1) / n_out) / baseline
    transit_number = np.round((t[inside] - epoch) / period)
    return TransitMeasurement(
        depth_ppm=float(depth * 1e6),
        depth_err_ppm=float(error * 1e6),
        n_in=n_in,
        n_out=n_out,
        n_transits=int(np.unique(transit_number).size),
    )


def bin_cadences(time: ArrayLike, flux: ArrayLike, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Average consecutive cadences ``size`` at a time (a faint star's points made less noisy).

    Masked or NaN cadences are left out of their group's averages; a group with none left is NaN.
    Cadences after the last whole group are dropped.

    Parameters
    ----------
    time, flux : array_like
        The cadences' times and fluxes, in order (masked arrays or astropy columns are fine).
    size : int
        How many cadences make one point (5 turns 2-minute cadences into 10-minute points).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The points' mean times and mean fluxes.

    Raises
    ------
    ValueError
        If ``size`` is not a positive whole number, the arrays differ in length, or there are
        fewer cadences than ``size``.
    """
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a positive whole number of cadences, not {size!r}")
    time, flux = as_float_array(time), as_float_array(flux)
    if time.shape != flux.shape:
        raise ValueError(f"time has {time.size} cadences but flux has {flux.size}")
    whole = time.size // size * size
    if whole == 0:
        raise ValueError(f"{time.size} cadences make no group of {size}")
    groups = [np.ma.masked_invalid(values[:whole]).reshape(-1, size).mean(axis=1) for values in (time, flux)]
    return tuple(np.ma.filled(g.astype(float), np.nan) for g in groups)
