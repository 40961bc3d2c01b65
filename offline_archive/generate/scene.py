"""Point sources on a pixel grid: the field stars and the moving bodies around a target.

Every image the archive simulates (the 5x5 stamps of target pixel files, the 11x11 aperture
of a light curve and the windows of full-frame images) draws its sources through
:func:`render`, with the same point-spread function and the same sky positions, so that an
asteroid crossing a star shows up at the same times in the light curve, the data-validation
time series and the full-frame images.

The point-spread function is a circular Gaussian of :data:`PSF_SIGMA_PX` integrated over each
pixel (differences of error functions), so a source's flux is conserved whatever its
sub-pixel position, and flux falling outside the grid is lost, as on a real detector.
"""

from __future__ import annotations

import math

import numpy as np
from astropy.wcs import WCS
from scipy.special import erf

from ..sky.targets import Flyby, Target, flybys_of

__all__ = ["PSF_SIGMA_PX", "flyby_images", "flyby_positions", "pixel_fractions", "render", "tangent_to_sky"]

#: Width (standard deviation, pixels) of the point-spread function.
PSF_SIGMA_PX = 0.85


def tangent_to_sky(
    ra0: float, dec0: float, x_deg: np.ndarray, y_deg: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Inverse gnomonic projection: (RA, Dec) in degrees at tangent-plane offsets about (ra0, dec0).

    Parameters
    ----------
    ra0, dec0 : float
        The tangent point (degrees).
    x_deg, y_deg : numpy.ndarray
        Offsets towards the east and the north, in degrees of the tangent plane.

    Returns
    -------
    tuple of numpy.ndarray
        RA in [0, 360) and Dec, in degrees.
    """
    a0, d0 = math.radians(ra0), math.radians(dec0)
    x, y = np.radians(x_deg), np.radians(y_deg)
    rho = np.hypot(x, y)
    c = np.arctan(rho)
    safe = np.where(rho == 0, 1.0, rho)
    dec = np.arcsin(np.cos(c) * math.sin(d0) + y * np.sin(c) * math.cos(d0) / safe)
    ra = a0 + np.arctan2(x * np.sin(c), safe * math.cos(d0) * np.cos(c) - y * math.sin(d0) * np.sin(c))
    return np.degrees(ra) % 360.0, np.degrees(dec)


def pixel_fractions(centre: np.ndarray, size: int, sigma: float = PSF_SIGMA_PX) -> np.ndarray:
    """Fraction of a 1-D Gaussian centred at ``centre`` that falls in each of ``size`` pixels.

    Pixel ``i`` spans ``[i - 0.5, i + 0.5]`` (0-based pixel centres, as numpy indexes images).

    Parameters
    ----------
    centre : numpy.ndarray
        Source positions along the axis, any shape ``S``.
    size : int
        Number of pixels along the axis.
    sigma : float, optional
        Width of the Gaussian in pixels.

    Returns
    -------
    numpy.ndarray
        Shape ``S + (size,)``.
    """
    edges = np.arange(size + 1) - 0.5
    scaled = (edges - np.asarray(centre, dtype=float)[..., None]) / (math.sqrt(2.0) * sigma)
    return 0.5 * np.diff(erf(scaled), axis=-1)


def render(
    x: np.ndarray, y: np.ndarray, flux: np.ndarray, shape: tuple[int, int], sigma: float = PSF_SIGMA_PX
) -> np.ndarray:
    """Images of point sources: ``flux`` (e-/s) spread by the PSF at pixel positions (x, y).

    Parameters
    ----------
    x, y : numpy.ndarray
        0-based column and row of each source, shape ``(..., k)`` for ``k`` sources; leading
        dimensions (e.g. time) are kept.
    flux : numpy.ndarray
        Flux of each source, broadcastable to ``x``.
    shape : (int, int)
        Rows and columns of the image.

    Returns
    -------
    numpy.ndarray
        Shape ``x.shape[:-1] + shape``: the sum over the ``k`` sources.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fx = pixel_fractions(x, shape[1], sigma) * np.broadcast_to(flux, x.shape)[..., None]
    fy = pixel_fractions(y, shape[0], sigma)
    return np.einsum("...ky,...kx->...yx", fy, fx)


def flyby_positions(flyby: Flyby, target: Target, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sky positions (RA, Dec in degrees) of a flyby at the given times (BTJD)."""
    x, y = flyby.offsets_deg(times)
    return tangent_to_sky(target.ra, target.dec, x, y)


def flyby_images(
    target: Target,
    times: np.ndarray,
    exposure_s: float,
    wcs: WCS,
    shape: tuple[int, int],
    flux_of_tmag,
    subsamples: int = 1,
) -> np.ndarray:
    """Images (e-/s) of every body passing the target, one per time, averaged over each exposure.

    A body moving during an exposure leaves a short trail; ``subsamples`` positions spread
    evenly over the exposure approximate it.

    Parameters
    ----------
    target : Target
        The target whose flybys (:func:`offline_archive.sky.targets.flybys_of`) are drawn.
    times : numpy.ndarray
        Mid-exposure times (BTJD).
    exposure_s : float
        Length of each exposure in seconds.
    wcs : astropy.wcs.WCS
        Celestial WCS of the image.
    shape : (int, int)
        Rows and columns of the image.
    flux_of_tmag : callable
        Turns a TESS magnitude into e-/s (the same scale as the stars').
    subsamples : int, optional
        Positions per exposure.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(times),) + shape``; all zeros when the target has no flybys.
    """
    times = np.asarray(times, dtype=float)
    images = np.zeros((times.size, *shape))
    offsets = (np.arange(subsamples) + 0.5) / subsamples - 0.5
    for flyby in flybys_of(target.key):
        instants = times[:, None] + offsets[None, :] * exposure_s / 86400.0
        ra, dec = flyby_positions(flyby, target, instants.ravel())
        col, row = wcs.all_world2pix(ra, dec, 0)
        images += render(
            col.reshape(instants.shape),
            row.reshape(instants.shape),
            flux_of_tmag(flyby.tmag) / subsamples,
            shape,
        )
    return images
