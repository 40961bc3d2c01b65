"""Open files in the cloud reading only the bytes that are used.

By default s3fs reads 50 MiB blocks, so ``fits.open("s3://...")`` fetches a whole image to read
its header, and ``lightkurve.read("s3://...")`` reads a light curve twice (once to find out what
it is, once to read it).  The functions here open cloud files so that:

* a FITS header costs a few kilobytes and an image section about the pixels in it
  (:func:`open_fits`, :func:`read_section`: small reads, no read-ahead);
* an ASDF file's metadata costs the tree at its start, not the arrays after it
  (:func:`open_asdf`, :func:`open_roman`: arrays are read only when used, a block at a time);
* a cutout of a Roman image made by astrocut costs the tree and the ``data`` array, not the
  file's other arrays (:func:`roman_cutout`);
* a light curve, which is read whole anyway, costs one request for exactly the file
  (:func:`read_lightcurve`); so does an ECSV catalogue, while a Parquet catalogue is read through
  its footer, a few blocks at a time (:func:`read_catalog`).

Every function checks that the file is what its name says (FITS, gzip, ASDF, ECSV, Parquet) from
its first bytes, and turns S3's refusals into the helpers' errors:
:class:`~helpers.errors.MissingFileError` for a key that does not exist (naming the keys beside it
that come close), :class:`~helpers.errors.PrivateBucketError` for a bucket that does not let the
reader in, :class:`~helpers.errors.WrongFileTypeError` for a file in another format.

Pass ``anon=True`` (the default) for public buckets such as MAST's ``stpubdata`` (which also holds
Roman's simulated tutorial data) and IRSA's ``nasa-irsa-simulations``, and ``anon=False`` to sign
requests with your own AWS credentials, for a bucket that needs them.
"""

from __future__ import annotations

import difflib
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import fsspec
import numpy as np
import s3fs
from astropy.io import fits
from astropy.table import Table
from botocore.exceptions import NoCredentialsError

from .errors import MissingFileError, NoCutoutError, PrivateBucketError, TutorialError, WrongFileTypeError
from .files import split_s3_uri

if TYPE_CHECKING:
    import asdf
    import lightkurve
    from astrocut import ASDFCutout
    from astropy.coordinates import SkyCoord
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
    "read_catalog",
    "read_lightcurve",
    "read_section",
    "roman_cutout",
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
    ".ecsv": (b"# %ECSV", "ECSV"),
    ".parquet": (b"PAR1", "Parquet"),
}
#: What each reader accepts (astropy reads gzip-compressed FITS files too).
READERS: dict[str, tuple[bytes, ...]] = {
    "FITS": (b"SIMPLE  =", GZIP_MAGIC),
    "ASDF": (b"#ASDF ",),
    "ECSV": (b"# %ECSV",),
    "Parquet": (b"PAR1",),
}
#: The catalogue formats :func:`read_catalog` reads, by the end of the file's name.
CATALOG_FORMATS: dict[str, str] = {".ecsv": "ECSV", ".parquet": "Parquet"}
_PEEK = 16


def stream_kwargs(anon: bool = True) -> dict:
    """Return the ``fsspec_kwargs`` that make astropy stream a cloud file.

    Parameters
    ----------
    anon : bool, optional
        Read anonymously, as MAST's public bucket allows.  Pass ``False`` for a bucket that
        needs AWS credentials.

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


def _close_names(path: str, anon: bool) -> tuple[str, list[str]]:
    """The "folder" of an S3 path and the names in it that come closest to the path's own name
    (none when the folder cannot be listed or holds nothing like it)."""
    folder, _, name = path.rpartition("/")
    try:
        names = [entry.rsplit("/", 1)[-1] for entry in streaming_filesystem(anon).ls(folder, detail=False)]
    except (OSError, ValueError):
        return folder, []
    return folder, difflib.get_close_matches(name, names, n=3, cutoff=0.6)


@contextmanager
def _cloud_errors(uri: str, anon: bool) -> Iterator[None]:
    """Turn S3's refusals inside the block into the helpers' errors."""
    bucket, path = _location(uri)
    try:
        yield
    except FileNotFoundError as error:
        folder, close = _close_names(path, anon)
        listing = f"s3fs.S3FileSystem(anon={anon}).ls({'s3://' + folder + '/'!r})"
        if close:
            step = f"Names in that folder that come close: {', '.join(close)}. Check the key, or list the folder with {listing}."
        else:
            step = (
                f"Check the bucket and key: list the folder with {listing}, or get the URI again "
                "from Observations.get_cloud_uris."
            )
        raise MissingFileError(f"There is no object at {uri} ({error}).", step) from None
    except PermissionError:
        who = "an anonymous request" if anon else "the request signed with your AWS credentials"
        raise PrivateBucketError(f"The bucket {bucket} refused {who} for {uri}.") from None
    except NoCredentialsError:
        raise PrivateBucketError(
            f"No AWS credentials were found to sign the request for {uri}.",
            "For a public bucket (MAST's stpubdata, with Roman's tutorial data, or IRSA's "
            "nasa-irsa-simulations) pass anon=True. A bucket that is not public needs AWS credentials "
            "that may read it, set up in your environment.",
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
        Read anonymously (public buckets), or with your AWS credentials (``False``).

    Yields
    ------
    roman_datamodels.datamodels.DataModel
        The model of the file's type: ``ImageModel`` for a Level 2 calibrated image (``_cal``),
        ``ScienceRawModel`` for a Level 1 ramp (``_uncal``), ``MosaicModel`` for a Level 3 mosaic
        (``_coadd``), ``SegmentationMapModel`` for a segmentation map (``_segm``): ``model.meta``,
        ``model.data``, ...

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


@contextmanager
def _small_reads() -> Iterator[None]:
    """Make the ``s3fs`` filesystems that a library creates inside the block read in
    :data:`BLOCK_SIZE` pieces with a one-block read-ahead (:data:`ASDF_CACHE_TYPE`).

    Through fsspec's documented configuration, ``fsspec.config.conf["s3"]``, whose entries become
    the default arguments of new filesystems (arguments given explicitly, such as ``anon``, win).
    It is set on entry and restored on exit; other entries there (a :func:`helpers.traffic.count_s3_bytes`
    session) are kept.
    """
    previous = fsspec.config.conf.get("s3")
    fsspec.config.conf["s3"] = {
        **(previous or {}),
        "default_block_size": BLOCK_SIZE,
        "default_cache_type": ASDF_CACHE_TYPE,
        "skip_instance_cache": True,
    }
    try:
        yield
    finally:
        if previous is None:
            fsspec.config.conf.pop("s3", None)
        else:
            fsspec.config.conf["s3"] = previous


def roman_cutout(
    uri: str,
    coordinates: SkyCoord | str,
    cutout_size: int | tuple[int, int] = 25,
    *,
    fill_value: float = np.nan,
) -> ASDFCutout:
    """Cut a piece out of a cloud Roman image with astrocut, reading the tree and ``data`` alone.

    ``astrocut.ASDFCutout(uri, ...)`` opens a cloud file with s3fs's defaults, whose 50 MiB reads
    take in the whole of a smaller file; here the same class runs while s3fs reads in 64 KiB
    pieces, so that the cutout costs the file's tree and its ``data`` array (an ASDF array is read,
    and decompressed, whole) and none of its other arrays.  The file is read anonymously, as
    astrocut reads it when given no AWS keys.

    Parameters
    ----------
    uri : str
        The ``s3://`` URI of a Roman ASDF image with a gwcs WCS (a Level 2 or Level 3 file).
    coordinates : astropy.coordinates.SkyCoord or str
        The centre of the cutout (a string such as ``"270.93 -0.19"`` is read as degrees).
    cutout_size : int or (int, int), optional
        Its size in pixels (columns, rows, as astrocut takes it).
    fill_value : float, optional
        The value of pixels of a cutout that reach beyond the image.

    Returns
    -------
    astrocut.ASDFCutout
        ``.cutouts[0]["cutout"]`` is the ``astropy.nddata.Cutout2D``; ``.asdf_cutouts[0]["cutout"]``
        an ``asdf.AsdfFile`` whose ``["roman"]`` holds the pixels and a gwcs WCS cut to them.

    Raises
    ------
    NoCutoutError
        The position is off the image.
    WrongFileTypeError
        The file is not ASDF, or holds no image with a WCS (a segmentation map, say).
    MissingFileError
        As for :func:`open_asdf`.
    """
    from astrocut import ASDFCutout
    from astrocut.exceptions import DataWarning, InvalidQueryError

    _checked(uri, True, "ASDF", ASDF_CACHE_TYPE)
    # astrocut says why it skipped a position in a DataWarning, then raises: the warning goes into
    # the error; other warnings are passed on.
    with warnings.catch_warnings(record=True) as caught, _small_reads(), _cloud_errors(uri, True):
        warnings.simplefilter("always", DataWarning)
        try:
            cutout = ASDFCutout(
                uri, coordinates, cutout_size, fill_value=fill_value, asdf_kwargs={"memmap": False}
            )
        except InvalidQueryError:
            cutout = None
    said = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    for w in caught:
        if not issubclass(w.category, DataWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if cutout is None and any("does not contain" in message for message in said):
        raise WrongFileTypeError(
            f"{uri} holds no Roman image with a WCS to cut out of ({' '.join(said)})",
            "Cut out of a Level 2 image (_cal.asdf) or a Level 3 mosaic (_coadd.asdf).",
        )
    if cutout is None:
        raise NoCutoutError(
            f"No cutout of {uri} at {_radec(coordinates)}: the position is off the image.",
            f"Pick a position on the image, which covers {_footprint(uri)}.",
        )
    return cutout


def _radec(coordinates: SkyCoord | str) -> str:
    """A position as "RA 270.93000, Dec -0.19000 (deg)" (a string is shown as given)."""
    if isinstance(coordinates, str):
        return repr(coordinates)
    return f"RA {coordinates.ra.deg:.5f}, Dec {coordinates.dec.deg:.5f} (deg)"


def _footprint(uri: str) -> str:
    """The RA and Dec ranges of a cloud Roman image, from its WCS (the tree alone is read)."""
    with open_roman(uri) as model:
        ra, dec = np.asarray(model.meta.wcs.footprint()).T
    return f"RA {ra.min():.5f} to {ra.max():.5f} and Dec {dec.min():.5f} to {dec.max():.5f} (deg)"


# --------------------------------------------------------------------------------------------
# Catalogues
# --------------------------------------------------------------------------------------------


def read_catalog(uri: str, *, anon: bool = True, columns: list[str] | None = None) -> Table:
    """Read a source catalogue from the cloud: ECSV (read whole) or Parquet (read in blocks).

    Parameters
    ----------
    uri : str
        The catalogue's ``s3://`` URI; its name must end in ``.ecsv`` (Roman I-Sim's input
        catalogues) or ``.parquet`` (the Roman pipeline's source catalogues).
    anon : bool, optional
        Read anonymously (public buckets).
    columns : list of str, optional
        Parquet only: read just these columns (the file stores each column apart, so the others
        are not fetched).

    Returns
    -------
    astropy.table.Table
        An ECSV table keeps its columns' units; Parquet columns come without them (romancal
        records each unit in its column's Parquet metadata, which astropy does not read).

    Raises
    ------
    WrongFileTypeError
        The name ends in neither ``.ecsv`` nor ``.parquet``, or the file is not what its name says.
    MissingFileError, PrivateBucketError
        As for :func:`open_fits`.
    TutorialError
        ``columns`` asked of an ECSV file, or names columns the Parquet file does not have.
    """
    kind = next((k for ending, k in CATALOG_FORMATS.items() if uri.lower().endswith(ending)), None)
    if kind is None:
        raise WrongFileTypeError(
            f"{uri} is not a catalogue format read here: its name ends in neither .ecsv nor .parquet.",
            "Roman's catalogues are ECSV (input catalogues, e.g. full_catalog.ecsv) or Parquet (the "
            "pipeline's _cat.parquet); for another format read the file with astropy.table.Table.read "
            "and the format it is in.",
        )
    if kind == "ECSV" and columns is not None:
        raise TutorialError(
            f"{uri} is an ECSV file, which is read whole: columns= applies to Parquet files only.",
            "Read the table, then keep the columns you need: table[['ra', 'dec']].",
        )
    fs, path, _ = _checked(uri, anon, kind, ASDF_CACHE_TYPE)
    with _cloud_errors(uri, anon):
        if kind == "ECSV":
            return Table.read(fs.cat_file(path).decode("utf-8"), format="ascii.ecsv")
        with fs.open(path, "rb") as handle:
            try:
                table = Table.read(handle, format="parquet", include_names=columns)
            except ValueError:
                table = Table()  # astropy found none of the columns
    missing = [name for name in columns or () if name not in table.colnames]
    if missing:
        raise TutorialError(
            f"{uri} has no column {', '.join(repr(name) for name in missing)}.",
            "Read it once without columns= and look at table.colnames.",
        )
    return table


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
