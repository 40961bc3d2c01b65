"""Working with TESScut cutouts: checking what came back, finding frames by time, spotting movers.

A TESScut cutout is a target pixel file cut out of the full-frame images: its ``PIXELS``
extension has one row per frame, with the frame's ``TIME`` (BTJD) and a ``FLUX`` image.  The
functions here take the plain arrays (``hdul[1].data["TIME"]``, ``hdul[1].data["FLUX"]``), so
they work on any cutout, and never contact the archive.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table
from numpy.typing import ArrayLike

from .errors import NoCutoutError, TimeOutsideCutoutError

__all__ = [
    "cadence_days",
    "frame_index",
    "frames_between",
    "require_cutouts",
    "require_sectors",
    "track_moving_source",
]


def _where(coordinates: SkyCoord) -> str:
    return f"RA {coordinates.ra.deg:.5f}, Dec {coordinates.dec.deg:.5f}"


def require_sectors(sectors: Table, coordinates: SkyCoord) -> Table:
    """Return the table of ``Tesscut.get_sectors`` if it has rows; raise otherwise.

    Raises
    ------
    NoCutoutError
        No TESS sector observed the position.
    """
    if len(sectors) == 0:
        raise NoCutoutError(f"No TESS sector has full-frame images at {_where(coordinates)}.")
    return sectors


def require_cutouts(cutouts: Sequence[fits.HDUList], coordinates: SkyCoord) -> list[fits.HDUList]:
    """Return the cutouts of ``Tesscut.get_cutouts`` if there are any; raise otherwise.

    ``get_cutouts`` answers a position without data with an empty list and a warning; this
    turns that into an error at the cell that asked for the cutout.

    Raises
    ------
    NoCutoutError
        The list is empty.
    """
    if not cutouts:
        raise NoCutoutError(f"TESScut returned no cutout at {_where(coordinates)}.")
    return list(cutouts)


def cadence_days(times: ArrayLike) -> float:
    """The typical time between frames (the median step, days), ignoring missing times."""
    steps = np.diff(np.asarray(times, dtype=float))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if steps.size == 0:
        raise TimeOutsideCutoutError("The cutout has fewer than two frames with a time.")
    return float(np.median(steps))


def _check_span(times: np.ndarray, btjd: float) -> None:
    half = cadence_days(times) / 2
    first, last = np.nanmin(times), np.nanmax(times)
    if not (first - half <= btjd <= last + half):
        raise TimeOutsideCutoutError(
            f"BTJD {btjd} is outside the cutout, which runs from BTJD {first:.3f} to {last:.3f}."
        )


def frame_index(times: ArrayLike, btjd: float) -> int:
    """The index of the frame closest in time to ``btjd``.

    Parameters
    ----------
    times : array-like
        The cutout's ``TIME`` column (BTJD), one value per frame.
    btjd : float
        The time wanted, in BTJD.

    Returns
    -------
    int

    Raises
    ------
    TimeOutsideCutoutError
        ``btjd`` lies outside the cutout, or in a gap in its data (no frame within one cadence).
    """
    times = np.asarray(times, dtype=float)
    _check_span(times, btjd)
    index = int(np.nanargmin(np.abs(times - btjd)))
    if abs(times[index] - btjd) > cadence_days(times):
        raise TimeOutsideCutoutError(
            f"BTJD {btjd} falls in a gap of the cutout's data: the nearest frame is at BTJD {times[index]:.3f}."
        )
    return index


def frames_between(times: ArrayLike, start_btjd: float, end_btjd: float) -> np.ndarray:
    """The indices of the frames whose times lie between ``start_btjd`` and ``end_btjd`` (inclusive).

    Raises
    ------
    TimeOutsideCutoutError
        Either time lies outside the cutout, ``start_btjd`` is not before ``end_btjd``, or no
        frame falls between them (a gap in the data).
    """
    times = np.asarray(times, dtype=float)
    if not start_btjd < end_btjd:
        raise TimeOutsideCutoutError(
            f"The start, BTJD {start_btjd}, must come before the end, BTJD {end_btjd}.",
            "Give the earlier time first.",
        )
    _check_span(times, start_btjd)
    _check_span(times, end_btjd)
    inside = np.flatnonzero((times >= start_btjd) & (times <= end_btjd))
    if inside.size == 0:
        raise TimeOutsideCutoutError(
            f"No frame of the cutout falls between BTJD {start_btjd} and {end_btjd}: "
            "they lie in a gap of its data."
        )
    return inside


def track_moving_source(
    flux: np.ndarray, times: ArrayLike, frames: ArrayLike, threshold: float = 8.0
) -> Table:
    """Where the brightest change in each frame is: the track of something that moves or flares.

    Each frame is compared with the median of all frames (the unchanging sky); the frame's
    median difference (e.g. a change of background) is removed, and the brightest remaining
    pixel is reported if it stands out by more than ``threshold`` times the frame's robust
    scatter.

    Parameters
    ----------
    flux : numpy.ndarray
        The cutout's ``FLUX`` images, shape (frames, rows, columns).
    times : array-like
        The cutout's ``TIME`` (BTJD), one per frame.
    frames : array-like of int
        The frames to look at.
    threshold : float, optional
        How many robust standard deviations a pixel must stand out by to count.

    Returns
    -------
    astropy.table.Table
        One row per frame: ``frame``, ``time``, ``column`` and ``row`` of the brightest change
        (NaN when nothing stands out) and its ``excess`` flux (e-/s).
    """
    frames = np.asarray(frames, dtype=int)
    reference = np.nanmedian(flux, axis=0)
    rows = []
    for index in frames:
        change = flux[index] - reference
        change = change - np.nanmedian(change)
        scatter = 1.4826 * np.nanmedian(np.abs(change))
        peak = np.unravel_index(np.nanargmax(change), change.shape)
        excess = float(change[peak])
        found = excess > threshold * scatter
        rows.append(
            (
                int(index),
                float(np.asarray(times)[index]),
                float(peak[1]) if found else np.nan,
                float(peak[0]) if found else np.nan,
                excess,
            )
        )
    return Table(
        rows=rows, names=("frame", "time", "column", "row", "excess"), dtype=(int, float, float, float, float)
    )
