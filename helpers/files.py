"""Checking where data ended up: download manifests and cloud URIs.

``Observations.download_products`` does not raise when a file fails to arrive: it records the
failure in the manifest it returns.  ``Observations.get_cloud_uris`` silently drops products
that are not in the cloud copy.  The checks here turn both situations into an error at the
cell where they happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from astropy.table import Table

from .errors import MissingFileError, NoProductsError

__all__ = ["S3Location", "check_cloud_uris", "check_manifest", "split_s3_uri"]


class S3Location(NamedTuple):
    """Where an object lives in Amazon S3.

    Attributes
    ----------
    bucket : str
        The bucket name, e.g. ``"stpubdata"``.
    key : str
        The object's key (its "path") inside the bucket, without a leading slash.
    """

    bucket: str
    key: str


def split_s3_uri(uri: str) -> S3Location:
    """Split an ``s3://bucket/key`` URI into its bucket and key.

    Parameters
    ----------
    uri : str
        For example ``"s3://stpubdata/tess/public/tid/s0027/.../file_lc.fits"``.

    Returns
    -------
    S3Location
        The bucket and the key.

    Raises
    ------
    ValueError
        If the URI does not use the ``s3`` scheme or lacks a bucket or a key.
    """
    parts = urlsplit(uri)
    key = parts.path.lstrip("/")
    if parts.scheme != "s3" or not parts.netloc or not key:
        raise ValueError(f"Not an s3://bucket/key URI: {uri!r}.")
    return S3Location(parts.netloc, key)


def check_cloud_uris(uris: list[str] | None, expected: int) -> list[str]:
    """Make sure every requested product has a cloud URI.

    Parameters
    ----------
    uris : list of str or None
        What ``Observations.get_cloud_uris`` returned.  It leaves out products that are not in
        the cloud copy, and returns None when it was given nothing to look up.
    expected : int
        How many products were passed to ``get_cloud_uris`` (e.g. ``len(products)``).

    Returns
    -------
    list of str
        The URIs, unchanged.

    Raises
    ------
    NoProductsError
        If ``expected`` is 0 or ``uris`` is None: there was nothing to look up.
    MissingFileError
        If fewer URIs came back than products went in, or one of them is not an ``s3://`` URI.
    """
    if uris is None or expected == 0:
        raise NoProductsError(
            "No products were given to Observations.get_cloud_uris.",
            "Check the product list and its filters: filter_products may have removed every row.",
        )
    not_s3 = [uri for uri in uris if not str(uri).startswith("s3://")]
    if not_s3:
        raise MissingFileError(f"These cloud locations are not s3:// URIs: {', '.join(map(str, not_s3))}.")
    if len(uris) < expected:
        raise MissingFileError(
            f"Only {len(uris)} of {expected} products are in the cloud copy of MAST.",
            "Download the missing ones from MAST with Observations.download_products; "
            "get_cloud_uris(products, return_uri_map=True) shows which they are.",
        )
    return list(uris)


def check_manifest(manifest: Table | None) -> list[Path]:
    """Make sure every file in a download manifest arrived.

    Parameters
    ----------
    manifest : astropy.table.Table or None
        What ``Observations.download_products`` returned: one row per file with the columns
        ``Local Path``, ``Status``, ``Message`` and ``URL``.  It returns None when the product
        table it was given was empty.

    Returns
    -------
    list of pathlib.Path
        The local paths of the downloaded files, in manifest order.

    Raises
    ------
    NoProductsError
        If the manifest is None or empty (nothing was asked for).
    ValueError
        If the table is not a download manifest.
    MissingFileError
        If a row's status is not ``COMPLETE`` or its file is not on disk.
    """
    if manifest is None or len(manifest) == 0:
        raise NoProductsError(
            "Observations.download_products had nothing to download.",
            "Check the product table you passed and its filters: it must have at least one row.",
        )
    missing = [name for name in ("Local Path", "Status") if name not in manifest.colnames]
    if missing:
        raise ValueError(f"Not a download manifest: no column(s) {', '.join(missing)}.")
    paths = [Path(str(path)) for path in manifest["Local Path"]]
    problems = []
    for row, path in zip(manifest, paths, strict=True):
        if row["Status"] != "COMPLETE":
            message = row["Message"] if "Message" in manifest.colnames else ""
            problems.append(f"{path.name}: status {row['Status']} {message or ''}".rstrip())
        elif not path.is_file():
            problems.append(f"{path.name}: marked COMPLETE but not found at {path}")
    if problems:
        raise MissingFileError(
            f"{len(problems)} of {len(paths)} files did not arrive:\n  " + "\n  ".join(problems),
            "Run download_products again (finished files are skipped, cache=True); if a file "
            "keeps failing, open its URL from the manifest in a browser to see MAST's answer.",
        )
    return paths
