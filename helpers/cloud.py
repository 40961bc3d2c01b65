"""Open files in the cloud reading only the bytes that are used.

By default s3fs reads 50 MiB blocks, so ``fits.open("s3://...")`` fetches a whole image to read
its header, and ``lightkurve.read("s3://...")`` reads a light curve twice (once to find out what
it is, once to read it).  The functions here open cloud files so that:

* a FITS header costs a few kilobytes and an image section about the pixels in it
  (:func:`open_fits`, :func:`read_section`: small reads, no read-ahead);
* an ASDF file's metadata costs the tree at its start, not the arrays after it
  (:func:`open_asdf`, :func:`open_roman`: arrays are read only when used, a block at a time);
* a light curve, which is read whole anyway, costs one request for exactly the file
  (:func:`read_lightcurve`).

Every function checks that the file is what its name says (FITS, gzip, ASDF) from its first
bytes, and turns S3's refusals into the helpers' errors: :class:`~helpers.errors.MissingFileError`
for a key that does not exist, :class:`~helpers.errors.PrivateBucketError` for a bucket that does
not let the reader in, :class:`~helpers.errors.WrongFileTypeError` for a file in another format.

Pass ``anon=True`` (the default) for public buckets such as MAST's ``stpubdata``, and
``anon=False`` to sign requests with the credentials a science platform provides.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import s3fs
from astropy.io import fits
from botocore.exceptions import NoCredentialsError

from .errors import MissingFileError, PrivateBucketError, TutorialError, WrongFileTypeError
from .files import split_s3_uri

if TYPE_CHECKING:
    import asdf
    import lightkurve
    from roman_datamodels.datamodels import DataModel

__all__ = [
    "ASDF_CACHE_TYPE",
    "BLOCK_SIZE",
    "CACHE_TYPE",
    "GZIP_BLOCK_SIZE",
    "check_file_type",
    "open_asdf",
    "open_fits",
    "open_roman",
    "read_lightcurve",
    "read_section",
    "stream_kwargs",
    "streaming_filesystem",
]

#: Bytes per read: one FITS header block is 2,880 bytes, so 64 KiB holds a typical header.
BLOCK_SIZE: int = 64 * 1024
#: No read-ahead: each read fetches just the byte range asked for.
CACHE_TYPE: str = "none"
#: ASDF files: on each miss, read the range asked for plus one block.  The tree (YAML text read a
#: few kilobytes at a time) then costs a request or two, and a compressed array block, which must
#: be read whole, costs one request per block rather than one per few kilobytes.
ASDF_CACHE_TYPE: str = "readahead"
#: gzip-compressed files (``.fits.gz``) are read from their start: in pieces this large.
GZIP_BLOCK_SIZE: int = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
#: What each kind of file starts with, by the end of its name.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    ".fits.gz": (GZIP_MAGIC, "gzip-compressed"),
    ".fit.gz": (GZIP_MAGIC, "gzip-compressed"),
    ".fits": (b"SIMPLE  =", "FITS"),
    ".fit": (b"SIMPLE  =", "FITS"),
    ".fts": (b"SIMPLE  =", "FITS"),
    ".asdf": (b"#ASDF ", "ASDF"),
}
#: What each reader accepts (astropy reads gzip-compressed FITS files too).
READERS: dict[str, tuple[bytes, ...]] = {"FITS": (b"SIMPLE  =", GZIP_MAGIC), "ASDF": (b"#ASDF ",)}
_PEEK = 16


def stream_kwargs(anon: bool = True) -> dict:
    """Return the ``fsspec_kwargs`` that make astropy stream a cloud file.

    Parameters
    ----------
    anon : bool, optional
        Read anonymously, as MAST's public bucket allows.  Pass ``False`` for a bucket that
        needs the credentials of a science platform.

    Returns
    -------
    dict
        Keyword arguments for ``s3fs.S3FileSystem`` (through ``fits.open(fsspec_kwargs=...)``).
    """
    return {"anon": anon, "default_block_size": BLOCK_SIZE, "default_cache_type": CACHE_TYPE}


def streaming_filesystem(anon: bool = True, cache_type: str = CACHE_TYPE) -> s3fs.S3FileSystem:
    """An S3 filesystem that reads in small pieces.

    Parameters
    ----------
    anon : bool, optional
        Read anonymously (public buckets) or sign requests with your credentials (``False``).
    cache_type : str, optional
        fsspec cache of the files it opens: ``"none"`` (each read fetches exactly its range) or
        ``"readahead"`` (each miss fetches one :data:`BLOCK_SIZE` more).

    Returns
    -------
    s3fs.S3FileSystem
    """
    return s3fs.S3FileSystem(anon=anon, default_block_size=BLOCK_SIZE, default_cache_type=cache_type)


# --------------------------------------------------------------------------------------------
# Checks and errors
# --------------------------------------------------------------------------------------------


def _location(uri: str) -> tuple[str, str]:
    """``(bucket, "bucket/key")`` of an ``s3://`` URI, or a TutorialError naming the problem."""
    try:
        bucket, key = split_s3_uri(uri)
    except ValueError:
        raise TutorialError(
            f"{uri!r} is not an s3://bucket/key URI.",
            "Pass a cloud URI as Observations.get_cloud_uris returns it, e.g. s3://stpubdata/hst/public/...",
        ) from None
    return bucket, f"{bucket}/{key}"


@contextmanager
def _cloud_errors(uri: str, anon: bool) -> Iterator[None]:
    """Turn S3's refusals inside the block into the helpers' errors."""
    bucket, _ = _location(uri)
    try:
        yield
    except FileNotFoundError as error:
        raise MissingFileError(
            f"There is no object at {uri} ({error}).",
            f"Check the bucket and key: list the folder with s3fs.S3FileSystem(anon={anon}).ls(...), or get "
            "the URI again from Observations.get_cloud_uris.",
        ) from None
    except PermissionError:
        who = "an anonymous request" if anon else "the request signed with your AWS credentials"
        raise PrivateBucketError(f"The bucket {bucket} refused {who} for {uri}.") from None
    except NoCredentialsError:
        raise PrivateBucketError(
            f"No AWS credentials were found to sign the request for {uri}.",
            "For a public bucket pass anon=True. A private bucket needs credentials that may read it: "
            "on the Roman science platform they are set up for you.",
        ) from None


def _a(kind: str) -> str:
    """The kind with its indefinite article ("a FITS", "an ASDF")."""
    return f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind}"


def check_file_type(uri: str, head: bytes) -> None:
    """Check that a file's first bytes match the format its name promises.

    Parameters
    ----------
    uri : str
        The file's URI or name; its ending (``.fits``, ``.fits.gz``, ``.asdf``, ...) says what
        format to expect.  Other endings are not checked.
    head : bytes
        The first bytes of the file (16 are enough).

    Raises
    ------
    WrongFileTypeError
        If the file does not start as its format requires.
    """
    name = uri.lower()
    for ending, (signature, kind) in SIGNATURES.items():
        if name.endswith(ending):
            if not head.startswith(signature):
                raise WrongFileTypeError(
                    f"{uri} is not {_a(kind)} file: it begins with {head[:_PEEK]!r}, not {signature!r}."
                )
            return


def _checked(
    uri: str, anon: bool, reader: str, cache_type: str = CACHE_TYPE
) -> tuple[s3fs.S3FileSystem, str, bytes]:
    """A streaming filesystem, the object's path and its first bytes, once the object is known to
    exist, to be readable, and to be in the format its name says and the reader needs (``"FITS"``
    or ``"ASDF"``), from one small read of its first bytes."""
    _, path = _location(uri)
    fs = streaming_filesystem(anon, cache_type)
    with _cloud_errors(uri, anon):
        head = fs.cat_file(path, start=0, end=_PEEK)
    check_file_type(uri, head)
    accepted = READERS[reader]
    if not head.startswith(accepted):
        raise WrongFileTypeError(
            f"{uri} is not {_a(reader)} file: it begins with {head!r}.",
            f"Open it with the reader of its format, or pick the {reader} product.",
        )
    return fs, path, head


# --------------------------------------------------------------------------------------------
# FITS
# --------------------------------------------------------------------------------------------


def open_fits(uri: str, *, anon: bool = True) -> fits.HDUList:
    """Open a FITS file at an ``s3://`` URI without downloading it.

    Parameters
    ----------
    uri : str
        The file's cloud URI, as ``Observations.get_cloud_uris`` returns it.
    anon : bool, optional
        Read anonymously (the default for public buckets).

    Returns
    -------
    astropy.io.fits.HDUList
        Lazily loaded HDUs: use ``hdul[n].section[...]`` to read part of an image.  Close it
        (or use it in a ``with`` block) when done.  A gzip-compressed file (``.fits.gz``) must be
        decompressed from its start to reach any HDU, so it is read in 1 MiB pieces instead.

    Raises
    ------
    MissingFileError
        No object has this key.
    PrivateBucketError
        The bucket refused the request.
    WrongFileTypeError
        The object is not a FITS file (nor a gzip-compressed one), or not what its name says.
    """
    *_, head = _checked(uri, anon, "FITS")
    options = stream_kwargs(anon)
    if head.startswith(GZIP_MAGIC):
        # A gzip file is decompressed from its start, in small reads: fetch it in large pieces.
        options |= {"default_block_size": GZIP_BLOCK_SIZE, "default_cache_type": "readahead"}
    with _cloud_errors(uri, anon):
        return fits.open(uri, use_fsspec=True, fsspec_kwargs=options, lazy_load_hdus=True)


def read_section(
    uri: str, rows: slice, columns: slice, *, extension: int | str = 1, anon: bool = True
) -> np.ndarray:
    """Read a rectangle of a cloud FITS image, fetching only its rows' pixels and the headers.

    Parameters
    ----------
    uri : str
        The file's ``s3://`` URI.
    rows, columns : slice
        The rectangle, in array order (``rows`` is the y axis), 0-based, end excluded: e.g.
        ``slice(200, 250), slice(300, 350)`` for a 50x50 cutout.
    extension : int or str, optional
        The image extension, by number or name (e.g. ``"SCI"``).
    anon : bool, optional
        Read anonymously (public buckets).

    Returns
    -------
    numpy.ndarray
        The pixels, with the image's data type (scaled as astropy scales ``.data``).

    Raises
    ------
    TutorialError
        The extension does not exist or is not a 2-D image, or the rectangle is empty or goes
        beyond the image.
    MissingFileError, PrivateBucketError, WrongFileTypeError
        As for :func:`open_fits`.
    """
    with open_fits(uri, anon=anon) as hdul:
        try:
            hdu = hdul[extension]
        except (KeyError, IndexError):
            names = [h.name for h in hdul]
            raise TutorialError(
                f"{uri} has no extension {extension!r}; it has {names}.",
                "Pass one of those names (or its number) as extension=.",
            ) from None
        if not hdu.is_image or hdu.header.get("NAXIS") != 2:
            raise TutorialError(
                f"Extension {extension!r} of {uri} is not a 2-D image.",
                "Pick an image extension: hdul.info() lists each one's dimensions.",
            )
        height, width = hdu.header["NAXIS2"], hdu.header["NAXIS1"]
        for name, span, size in (("rows", rows, height), ("columns", columns, width)):
            whole_steps = span.step in (None, 1) and span.start is not None and span.stop is not None
            if not (whole_steps and 0 <= span.start < span.stop <= size):
                raise TutorialError(
                    f"The {name} {span.start}:{span.stop} are not a range inside the image ({size} {name}).",
                    f"Give {name} as slice(first, last + 1) with 0 <= first < last + 1 <= {size}.",
                )
        return np.array(hdu.section[rows, columns])


# --------------------------------------------------------------------------------------------
# ASDF and Roman data models
# --------------------------------------------------------------------------------------------


@contextmanager
def _asdf_file_object(uri: str, anon: bool) -> Iterator:
    fs, path, _ = _checked(uri, anon, "ASDF", ASDF_CACHE_TYPE)
    with _cloud_errors(uri, anon):
        handle = fs.open(path, "rb")
    with handle:
        yield handle


@contextmanager
def open_asdf(uri: str, *, anon: bool = True) -> Iterator[asdf.AsdfFile]:
    """Open a cloud ASDF file: its tree is read at once, its arrays only when used.

    Parameters
    ----------
    uri : str
        The file's ``s3://`` URI.
    anon : bool, optional
        Read anonymously (public buckets) or with your credentials (``False``).

    Yields
    ------
    asdf.AsdfFile
        Usable inside the ``with`` block; arrays read after it has ended raise an error (load
        them inside, e.g. ``np.asarray(af["roman"]["data"])``).

    Raises
    ------
    MissingFileError, PrivateBucketError, WrongFileTypeError
        As for :func:`open_fits`.
    """
    import asdf

    with _asdf_file_object(uri, anon) as handle, asdf.open(handle, lazy_load=True, memmap=False) as af:
        yield af


@contextmanager
def open_roman(uri: str, *, anon: bool = True) -> Iterator[DataModel]:
    """Open a cloud Roman ASDF file as a ``roman_datamodels`` model, reading arrays only when used.

    Parameters
    ----------
    uri : str
        The file's ``s3://`` URI.
    anon : bool, optional
        Read anonymously, or with your credentials (``False``), as the Roman science platform's
        bucket requires.

    Yields
    ------
    roman_datamodels.datamodels.DataModel
        For a calibrated image, an ``ImageModel``: ``model.meta``, ``model.data``, ...

    Raises
    ------
    WrongFileTypeError
        The file is ASDF but holds no Roman data model (open it with :func:`open_asdf`).
    MissingFileError, PrivateBucketError
        As for :func:`open_fits`.
    """
    import roman_datamodels as rdm

    with _asdf_file_object(uri, anon) as handle:
        try:
            model = rdm.open(handle)
        except (ValueError, TypeError) as error:
            raise WrongFileTypeError(
                f"{uri} is an ASDF file but not a Roman data model ({error}).",
                "Open it with open_asdf and look at its tree: af.info().",
            ) from None
        try:
            yield model
        finally:
            model.close()


# --------------------------------------------------------------------------------------------
# Light curves
# --------------------------------------------------------------------------------------------


def read_lightcurve(uri: str, *, anon: bool = True, **kwargs) -> lightkurve.LightCurve:
    """Read a TESS or Kepler light curve from the cloud in one request.

    ``lightkurve.read(uri)`` opens a cloud file twice; a light curve is read whole anyway, so
    this fetches the file once and hands lightkurve the opened FITS file.

    Parameters
    ----------
    uri : str
        The light curve's ``s3://`` URI.
    anon : bool, optional
        Read anonymously (the default for MAST's bucket).
    **kwargs
        Passed to ``lightkurve.read`` (e.g. ``quality_bitmask="hard"``, ``flux_column="sap_flux"``).

    Returns
    -------
    lightkurve.LightCurve

    Raises
    ------
    MissingFileError, PrivateBucketError, WrongFileTypeError
        As for :func:`open_fits`.
    """
    import lightkurve as lk

    _, path = _location(uri)
    fs = streaming_filesystem(anon)
    with _cloud_errors(uri, anon):
        content = fs.cat_file(path)
    check_file_type(uri, content[:_PEEK])
    with fits.open(io.BytesIO(content)) as hdul:
        return lk.read(hdul, **kwargs)
