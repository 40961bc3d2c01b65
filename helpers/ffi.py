"""Measuring one star in TESS full-frame images (FFIs) read straight from the cloud.

A calibrated FFI of one TESS CCD is a 35.5 MB FITS file: a primary header, the image (2136 x 2078
pixels) with its header and celestial WCS, and an image of uncertainties.  To follow one star
through a sector you need a few rows of pixels from each of ~1,300 such files, not the files.

:func:`open_ffi` opens a cloud file keeping its first :data:`HEADER_BYTES` in memory: FITS
headers come first, so one request brings every header, and the pixels come in one more.
(:func:`helpers.cloud.open_fits` reads with no cache at all, one request per 2,880-byte header
block: fewer bytes, but about three times the requests, and in bulk it is the number of
requests, each paying the network's latency, that sets the pace.)

Every FFI of one sector, camera and CCD has the same headers' length and image size, so the
bytes a measurement needs sit at the same offsets in each.  :class:`FfiLayout` records them
from one file; with it, :class:`AperturePhotometry` fetches exactly the headers and the
stretch of rows around the star, both in one round trip (two byte ranges requested together,
and no request to look the file up), and lets astropy read them as usual.  A file whose
headers turn out to differ is read the general way instead.

:func:`locate` turns a sky position into the star's pixel through an image's WCS, and
:class:`AperturePhotometry` is the measurement: it reads the box around that pixel with
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
from fsspec.caching import KnownPartsOfAFile, register_cache

from .errors import TutorialError

__all__ = [
    "HEADER_BYTES",
    "AperturePhotometry",
    "FfiLayout",
    "OffImageError",
    "OutsideFetchedBytes",
    "locate",
    "open_ffi",
]

#: Bytes kept from the start of each file: the primary and image headers of a real TESS FFI
#: take about 8 FITS blocks of 2,880 bytes.
HEADER_BYTES: int = 8 * 2880


class OffImageError(TutorialError):
    """The requested sky position does not fall on the image (far enough from its edges)."""

    default_next_step = (
        "Check the position, and that the files are the full-frame images of the camera and CCD "
        "that observed it (TESScut's sector search tells you which ones)."
    )


class OutsideFetchedBytes(OSError):
    """A read wanted bytes of a file that were not fetched (its layout is not the one expected)."""


class FetchedBytesOnly(KnownPartsOfAFile):
    """fsspec's ``"parts"`` cache that never fetches: a read outside the given parts raises.

    fsspec's own cache raises ``ValueError`` there, which astropy takes for the end of a file
    (it stops reading HDUs with a warning); an :class:`OutsideFetchedBytes` (an ``OSError``)
    reaches the caller, who can then read the file the general way.
    """

    name = "fetched-bytes-only"

    def __init__(self, blocksize: int, fetcher: Any, size: int, **options: Any) -> None:
        super().__init__(blocksize, fetcher, size, **(options | {"strict": True}))

    def _fetch(self, start: int | None, stop: int | None) -> bytes:
        try:
            return super()._fetch(start, stop)
        except ValueError:
            raise OutsideFetchedBytes(f"bytes {start}-{stop} were not fetched") from None


register_cache(FetchedBytesOnly, clobber=True)


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
    _require_sky_position(ra, dec)
    with open_ffi(uri, anon=anon) as f, fits.open(f, lazy_load_hdus=True) as hdul:
        return _pixel_of(hdul[1].header, ra, dec, uri)


def _require_sky_position(ra: float, dec: float) -> None:
    if not (math.isfinite(ra) and math.isfinite(dec) and -90.0 <= dec <= 90.0):
        raise ValueError(f"({ra!r}, {dec!r}) is not a sky position in degrees")


def _pixel_of(header: fits.Header, ra: float, dec: float, uri: str) -> tuple[float, float]:
    """:func:`locate`'s answer, from the image header of the file at ``uri``."""
    x, y = (float(v) for v in WCS(header, fix=False).celestial.world_to_pixel_values(ra, dec))
    columns, rows = header["NAXIS1"], header["NAXIS2"]
    if not (0 <= x < columns and 0 <= y < rows):
        raise OffImageError(
            f"RA {ra:.5f}, Dec {dec:.5f} falls at pixel ({x:.1f}, {y:.1f}) of {uri.rsplit('/', 1)[-1]}, "
            f"outside its {columns} x {rows} image."
        )
    return x, y


@dataclass(frozen=True)
class FfiLayout:
    """Where an FFI's image lies in the file: the same in every FFI of one sector, camera and CCD.

    Attributes
    ----------
    size : int
        The file's size in bytes.
    data_offset : int
        Where the image's pixels start: every header (primary and image) lies before it.
    columns, rows : int
        The image's size (``NAXIS1``, ``NAXIS2``).
    bitpix : int
        The pixels' type (``BITPIX``; -32 for the calibrated images' float32).
    """

    size: int
    data_offset: int
    columns: int
    rows: int
    bitpix: int

    @classmethod
    def of(cls, hdul: fits.HDUList, size: int) -> FfiLayout:
        """The layout of an opened FFI of ``size`` bytes."""
        header = hdul[1].header
        return cls(
            size=size,
            data_offset=int(hdul[1].fileinfo()["datLoc"]),
            columns=int(header["NAXIS1"]),
            rows=int(header["NAXIS2"]),
            bitpix=int(header["BITPIX"]),
        )

    @classmethod
    def read(cls, uri: str, *, anon: bool = True) -> FfiLayout:
        """The layout of the FFI at ``uri`` (two requests: its size, then its headers)."""
        with open_ffi(uri, anon=anon) as f, fits.open(f, lazy_load_hdus=True) as hdul:
            return cls.of(hdul, int(f.size))

    def matches(self, hdul: fits.HDUList) -> bool:
        """Whether an opened file's image lies where this layout says."""
        return FfiLayout.of(hdul, self.size) == self

    def rows_span(self, first: int, count: int) -> tuple[int, int]:
        """The bytes (start, stop) of ``count`` whole rows of the image from row ``first`` (0-based)."""
        row_bytes = self.columns * abs(self.bitpix) // 8
        return self.data_offset + first * row_bytes, self.data_offset + (first + count) * row_bytes


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
    layout : FfiLayout, optional
        Where the image lies in each file (:meth:`at` reads it from the first file).  With it,
        each cloud file costs one round trip for its headers and the rows of the box; without
        it, or for a file laid out differently, the file is opened with :func:`open_ffi` and
        the rows are read from it (two more requests).
    """

    x: float
    y: float
    radius: float = 2.5
    half_box: int = 7
    header_bytes: int = HEADER_BYTES
    layout: FfiLayout | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x) and math.isfinite(self.y)):
            raise ValueError(f"({self.x!r}, {self.y!r}) is not a pixel position")
        if not 0.5 <= self.radius <= self.half_box - 3:
            raise ValueError(
                f"the aperture radius must lie between 0.5 and half_box - 3 pixels, not {self.radius}"
            )

    @classmethod
    def at(cls, uri: str, ra: float, dec: float, **options: Any) -> AperturePhotometry:
        """The measurement at the pixel where (``ra``, ``dec``) falls in the FFI at ``uri``, with its layout.

        One read of the file gives both (see :func:`locate` and :class:`FfiLayout`).
        """
        _require_sky_position(ra, dec)
        with open_ffi(uri) as f, fits.open(f, lazy_load_hdus=True) as hdul:
            x, y = _pixel_of(hdul[1].header, ra, dec, uri)
            layout = FfiLayout.of(hdul, int(f.size)) if uri.startswith("s3://") else None
        return cls(x, y, **({"layout": layout} | options))

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
        fetched = 0
        if self.layout is not None and uri.startswith("s3://"):
            self._check_fit(uri, self.layout.columns, self.layout.rows)
            fs, path = fsspec.core.url_to_fs(uri, anon=True)
            parts, fetched = self._fetch(fs, path, round(self.y) - self.half_box, 2 * self.half_box + 1)
            try:
                with (
                    fs.open(
                        path,
                        "rb",
                        size=self.layout.size,  # known: no request to look the file up
                        cache_type=FetchedBytesOnly.name,
                        cache_options={"data": parts},
                    ) as f,
                    fits.open(f, lazy_load_hdus=True) as hdul,
                ):
                    if self.layout.matches(hdul):
                        return self._measure(uri, hdul, fetched)
            except OutsideFetchedBytes:
                pass  # laid out differently from the first file: read it the general way below
        with open_ffi(uri, header_bytes=self.header_bytes) as f, fits.open(f, lazy_load_hdus=True) as hdul:
            row = self._measure(uri, hdul, fetched)
            cache = getattr(f, "cache", None)  # local files have none: nothing was fetched
            row["bytes_read"] += int(cache.total_requested_bytes) if cache is not None else 0
            return row

    def _check_fit(self, uri: str, columns: int, rows: int) -> None:
        """Raise :class:`OffImageError` unless the box around the star lies on a ``columns`` x ``rows`` image."""
        h = self.half_box
        row0, col0 = round(self.y) - h, round(self.x) - h
        if not (0 <= col0 and col0 + 2 * h < columns and 0 <= row0 and row0 + 2 * h < rows):
            raise OffImageError(
                f"The {2 * h + 1}-pixel box around pixel ({self.x:.1f}, {self.y:.1f}) does not fit on the "
                f"{columns} x {rows} image of {uri.rsplit('/', 1)[-1]}."
            )

    def _fetch(
        self, fs: fsspec.AbstractFileSystem, path: str, row0: int, count: int
    ) -> tuple[dict[tuple[int, int], bytes], int]:
        """A cloud file's headers and ``count`` rows from ``row0``, requested together; and their size."""
        assert self.layout is not None
        start, stop = self.layout.rows_span(row0, count)
        headers, rows = fs.cat_ranges(
            [path, path], [0, start], [self.layout.data_offset, stop], on_error="raise"
        )
        return {(0, self.layout.data_offset): headers, (start, stop): rows}, len(headers) + len(rows)

    def _measure(self, uri: str, hdul: fits.HDUList, fetched: int) -> dict[str, Any]:
        """The measurement of an opened FFI, whose ``fetched`` bytes were read for it so far."""
        image = hdul[1]
        header = image.header
        self._check_fit(uri, header["NAXIS1"], header["NAXIS2"])
        h = self.half_box
        row0, col0 = round(self.y) - h, round(self.x) - h
        # Whole rows are contiguous in the file: one read, however wide the image.
        rows = image.section[row0 : row0 + 2 * h + 1, :]
        box = np.asarray(rows[:, col0 : col0 + 2 * h + 1], dtype=float)
        yy, xx = np.mgrid[row0 : row0 + 2 * h + 1, col0 : col0 + 2 * h + 1]
        distance = np.hypot(xx - self.x, yy - self.y)
        background = float(np.median(box[distance > self.radius + 2.0]))
        flux = float(np.sum(box[distance <= self.radius] - background))
        return {
            "file": uri.rsplit("/", 1)[-1],
            "time": float((header["TSTART"] + header["TSTOP"]) / 2.0),
            "flux": flux,
            "background": background,
            "quality": int(header.get("DQUALITY", 0)),
            "bytes_read": fetched,
        }
