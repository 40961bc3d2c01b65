"""Checking where data ended up: download manifests and cloud URIs.

``Observations.download_products`` does not raise when a file fails to arrive: it records the
failure in the manifest it returns.  ``Observations.get_cloud_uris`` silently drops products
that are not in the cloud copy.  The checks here turn both situations into an error at the
cell where they happen.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import numpy as np
from astropy.table import Column, Table

from .errors import MissingFileError, NoProductsError, archive_call

__all__ = ["S3Location", "check_cloud_uris", "check_manifest", "download_products", "split_s3_uri"]


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


def _expected_sizes(products: Table) -> dict[str, int]:
    """Sizes in bytes by product file name, where the product table states one."""
    if "size" not in products.colnames or "productFilename" not in products.colnames:
        return {}
    sizes = {}
    for name, size in zip(products["productFilename"], products["size"], strict=True):
        if size is not np.ma.masked and int(size) > 0:
            sizes[str(name)] = int(size)
    return sizes


def download_products(
    products: Table, download_dir: str | os.PathLike[str], *, timeout: float | None = None
) -> Table:
    """Download products with ``Observations.download_products``, all complete or none.

    astroquery writes each file straight to its final path, so a transfer that breaks off
    leaves a partial file where a complete one is expected.  Here the download goes to a
    staging directory inside ``download_dir``; each file is checked against the manifest and
    against the size the product table gives, and only then moved to its place
    (``download_dir/mastDownload/<collection>/<obs_id>/<file>``, as astroquery lays it out).
    If anything fails, the staging directory is removed and nothing new is left behind.

    Parameters
    ----------
    products : astropy.table.Table
        Rows of ``Observations.get_product_list`` (filtered as you like).
    download_dir : path-like
        Where the files go; created if needed.
    timeout : float, optional
        Seconds the whole download may take (see :func:`helpers.errors.archive_call`).

    Returns
    -------
    astropy.table.Table
        The manifest, with ``Local Path`` giving the files' final places.

    Raises
    ------
    NoProductsError
        If ``products`` is empty.
    MissingFileError
        If a file did not arrive or arrived shorter or longer than the product table says.
    ArchiveUnavailableError, ArchiveTimeoutError
        If the archive could not be reached, cut the transfer off, or took too long.
    """
    from astroquery.mast import Observations

    if products is None or len(products) == 0:
        raise NoProductsError(
            "There are no products to download.",
            "Check the product table and its filters: it must have at least one row.",
        )
    download_dir = Path(download_dir)
    download_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=download_dir))
    try:
        with archive_call(f"Downloading {len(products)} product(s)", timeout=timeout):
            manifest = Observations.download_products(
                products, download_dir=staging, cache=False, verbose=False
            )
        staged = check_manifest(manifest)
        expected = _expected_sizes(products)
        wrong = [
            f"{p.name}: {p.stat().st_size:,} bytes, the archive lists {expected[p.name]:,}"
            for p in staged
            if p.name in expected and p.stat().st_size != expected[p.name]
        ]
        if wrong:
            raise MissingFileError(
                f"{len(wrong)} file(s) arrived with the wrong size:\n  " + "\n  ".join(wrong),
                "Run the download again; if a file keeps arriving incomplete, the archive may be busy: "
                "try again later.",
            )
        final = []
        for path in staged:
            target = download_dir / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            final.append(str(target))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest["Local Path"] = Column(final, name="Local Path")
    return manifest
