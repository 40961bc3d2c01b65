"""Open files in the cloud reading only the bytes that are used.

By default s3fs reads 50 MiB blocks, so ``fits.open("s3://...")`` fetches a whole image to read
its header.  The functions here open cloud files with small blocks and no read-ahead cache, so
a header costs a few kilobytes and an image section costs about the pixels in it.
"""

from __future__ import annotations

from astropy.io import fits

__all__ = ["BLOCK_SIZE", "CACHE_TYPE", "open_fits", "stream_kwargs"]

#: Bytes per read: one FITS header block is 2,880 bytes, so 64 KiB holds a typical header.
BLOCK_SIZE: int = 64 * 1024
#: No read-ahead: each read fetches just the byte range asked for.
CACHE_TYPE: str = "none"


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
        (or use it in a ``with`` block) when done.
    """
    return fits.open(uri, use_fsspec=True, fsspec_kwargs=stream_kwargs(anon), lazy_load_hdus=True)
