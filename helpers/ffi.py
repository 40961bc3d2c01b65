"""Measuring one star in TESS full-frame images (FFIs) read straight from the cloud.

A calibrated FFI of one TESS CCD is a 35.5 MB FITS file: a primary header, the image (2136 x 2078
pixels) with its header and celestial WCS, and an image of uncertainties.  To follow one star
through a sector you need a few rows of pixels from each of ~1,300 such files, not the files.

:func:`open_ffi` opens a cloud file keeping its first :data:`HEADER_BYTES` in memory: FITS
headers come first, so one request brings every header the measurement reads, and the pixels
come in one more request.  (:func:`helpers.cloud.open_fits` reads with no cache at all, one
request per 2,880-byte header block: fewer bytes, but about three times the requests, and in
bulk it is the number of requests, each paying the network's latency, that sets the pace.)

:func:`locate` turns a sky position into the star's pixel through an image's WCS, and
:class:`AperturePhotometry` is the measurement: it reads the rows around that pixel with
``hdul[1].section`` and returns the median background and the background-subtracted flux in a
circular aperture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import fsspec
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from .errors import TutorialError

__all__ = ["HEADER_BYTES", "AperturePhotometry", "OffImageError", "locate", "open_ffi"]

#: Bytes kept from the start of each file: the primary and image headers of a real TESS FFI
#: take about 8 FITS blocks of 2,880 bytes.
HEADER_BYTES: int = 8 * 2880


class OffImageError(TutorialError):
    """The requested sky position does not fall on the image (far enough from its edges)."""

    default_next_step = (
        "Check the position, and that the files are the full-frame images of the camera and CCD "
        "that observed it (TESScut's sector search tells you which ones)."
    )


def open_ffi(uri: str, *, anon: bool = True, header_bytes: int = HEADER_BYTES) -> Any:
    """Open a cloud file for reading, keeping its first ``header_bytes`` in memory.

    Parameters
    ----------
    uri : str
        An ``s3://`` URI, or a local path.
    anon : bool, optional
        Read anonymously, as MAST's public bucket allows.
    header_bytes : int, optional
        Size of the first block, fetched in one request and kept (fsspec's ``"first"`` cache);
        later reads fetch exactly the bytes asked for.

    Returns
    -------
    fsspec.core.OpenFile
        Use it in a ``with`` block; for a cloud file, the file object's
        ``cache.total_requested_bytes`` says how many bytes were fetched.
    """
    if not uri.startswith("s3://"):  # a local file (a download, say): nothing to tune
        return fsspec.open(uri, "rb")
    return fsspec.open(uri, "rb", anon=anon, default_block_size=header_bytes, default_cache_type="first")


def locate(uri: str, ra: float, dec: float, *, anon: bool = True) -> tuple[float, float]:
    """The pixel (x, y, 0-based) of a sky position in an FFI, through the image's WCS.

    Parameters
    ----------
    uri : str
        A calibrated FFI in the cloud.
    ra, dec : float
        The position in degrees (ICRS).
    anon : bool, optional
        Read anonymously.

    Returns
    -------
    (float, float)
        Column and row of the position, counted from 0 (numpy's order is ``[row, column]``).

    Raises
    ------
    ValueError
        If (ra, dec) is not a sky position.
    OffImageError
        If the position is not on the image.
    """
    if not (math.isfinite(ra) and math.isfinite(dec) and -90.0 <= dec <= 90.0):
        raise ValueError(f"({ra!r}, {dec!r}) is not a sky position in degrees")
    with open_ffi(uri, anon=anon) as f, fits.open(f, lazy_load_hdus=True) as hdul:
        header = hdul[1].header
        x, y = (float(v) for v in WCS(header, fix=False).celestial.world_to_pixel_values(ra, dec))
        columns, rows = header["NAXIS1"], header["NAXIS2"]
    if not (0 <= x < columns and 0 <= y < rows):
        raise OffImageError(
            f"RA {ra:.5f}, Dec {dec:.5f} falls at pixel ({x:.1f}, {y:.1f}) of {uri.rsplit('/', 1)[-1]}, "
            f"outside its {columns} x {rows} image."
        )
    return x, y


@dataclass(frozen=True)
class AperturePhotometry:
    """Background and aperture flux around the pixel (``x``, ``y``) of a calibrated FFI.

    TESS holds its pointing steady to a fraction of a pixel through a sector, so a star sits on
    the same pixel of every FFI of a CCD: find it once with :func:`locate` (or build the
    measurement with :meth:`at`), then measure every file there.  An instance is a function of
    one URI, so it can be handed to :func:`helpers.bulk.measure_files`; it pickles, so Dask can
    send it to its workers.

    Parameters
    ----------
    x, y : float
        The star's pixel (column, row), counted from 0.
    radius : float, optional
        Radius of the circular aperture, in pixels.
    half_box : int, optional
        Half-width of the box read around the star; its pixels farther than ``radius + 2``
        from the star give the background (their median).
    header_bytes : int, optional
        See :func:`open_ffi`.
    """

    x: float
    y: float
    radius: float = 2.5
    half_box: int = 7
    header_bytes: int = HEADER_BYTES

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x) and math.isfinite(self.y)):
            raise ValueError(f"({self.x!r}, {self.y!r}) is not a pixel position")
        if not 0.5 <= self.radius <= self.half_box - 3:
            raise ValueError(
                f"the aperture radius must lie between 0.5 and half_box - 3 pixels, not {self.radius}"
            )

    @classmethod
    def at(cls, uri: str, ra: float, dec: float, **options: Any) -> AperturePhotometry:
        """The measurement at the pixel where (``ra``, ``dec``) falls in the FFI at ``uri``."""
        x, y = locate(uri, ra, dec)
        return cls(x, y, **options)

    def __call__(self, uri: str) -> dict[str, Any]:
        """Measure one file.

        Returns
        -------
        dict
            ``file`` (the file name), ``time`` (mid-exposure, BTJD), ``flux`` and ``background``
            (e-/s; the flux is background-subtracted), ``quality`` (the image's DQUALITY flags)
            and ``bytes_read`` (bytes fetched from the cloud for this file; 0 for a local file).

        Raises
        ------
        FileNotFoundError
            If there is no file at ``uri``.
        OffImageError
            If the box around the star does not fit on the image.
        """
        h = self.half_box
        row0, col0 = round(self.y) - h, round(self.x) - h
        with open_ffi(uri, header_bytes=self.header_bytes) as f, fits.open(f, lazy_load_hdus=True) as hdul:
            image = hdul[1]
            header = image.header
            if not (
                0 <= col0
                and col0 + 2 * h < header["NAXIS1"]
                and 0 <= row0
                and row0 + 2 * h < header["NAXIS2"]
            ):
                raise OffImageError(
                    f"The {2 * h + 1}-pixel box around pixel ({self.x:.1f}, {self.y:.1f}) does not fit on the "
                    f"{header['NAXIS1']} x {header['NAXIS2']} image of {uri.rsplit('/', 1)[-1]}."
                )
            # Whole rows are contiguous in the file: one request, however wide the image.
            rows = image.section[row0 : row0 + 2 * h + 1, :]
            time = (header["TSTART"] + header["TSTOP"]) / 2.0
            quality = int(header.get("DQUALITY", 0))
            cache = getattr(f, "cache", None)  # local files have none: nothing was fetched
            fetched = int(cache.total_requested_bytes) if cache is not None else 0
        box = np.asarray(rows[:, col0 : col0 + 2 * h + 1], dtype=float)
        yy, xx = np.mgrid[row0 : row0 + 2 * h + 1, col0 : col0 + 2 * h + 1]
        distance = np.hypot(xx - self.x, yy - self.y)
        background = float(np.median(box[distance > self.radius + 2.0]))
        flux = float(np.sum(box[distance <= self.radius] - background))
        return {
            "file": uri.rsplit("/", 1)[-1],
            "time": float(time),
            "flux": flux,
            "background": background,
            "quality": quality,
            "bytes_read": fetched,
        }
