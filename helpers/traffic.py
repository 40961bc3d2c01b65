"""Counting the bytes a block of code fetches from S3.

astropy, lightkurve, asdf and roman_datamodels all read cloud files through ``s3fs``, which talks
to S3 with an ``aiobotocore`` client.  :func:`count_s3_bytes` hands every ``s3fs`` filesystem
created inside its ``with`` block an ``aiobotocore`` session whose clients report each S3 call
they complete (botocore's documented ``after-call`` event), and adds up what S3 sent back.  The
count is taken on the client side, from the responses themselves, so it is the same against the
real AWS as against a local stand-in::

    with count_s3_bytes() as fetched:
        with fits.open(uri, fsspec_kwargs={"anon": True}) as hdul:
            cutout = hdul[1].section[100:150, 100:150]
    print(fetched)        # e.g. "2 requests, 3,790,080 bytes (3.6 MiB)": the whole file

The session reaches new filesystems through fsspec's documented configuration,
``fsspec.config.conf["s3"]``, which the block sets on entry and restores on exit.  Consequences:

* only filesystems *created inside* the block are counted: a ``s3fs.S3FileSystem`` made before
  it, and kept, is not (create it inside the block, or open files with a helper that does);
* inside the block, filesystems are not shared through fsspec's instance cache, and a
  ``profile=`` given to ``S3FileSystem`` is not used (the block's session resolves credentials
  the default way: environment variables, configuration files, instance roles);
* blocks cannot be nested, and the configuration is process-wide: count one thing at a time.

Requests that boto3 makes directly (astroquery's ``get_cloud_uris`` checks each object with a
HEAD request) do not go through s3fs and are not counted; they carry no object data anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import fsspec
from aiobotocore.session import AioSession

__all__ = ["S3Traffic", "count_s3_bytes"]

#: The key of s3fs in fsspec's configuration.
_PROTOCOL = "s3"


@dataclass
class S3Traffic:
    """What S3 sent while a :func:`count_s3_bytes` block ran.

    Attributes
    ----------
    bytes : int
        Object bytes received: the sizes of the bodies of the ``GetObject`` answers (a ranged
        read counts the bytes in its range).
    requests : int
        S3 requests of every kind (``GetObject``, ``HeadObject``, listings, ...).
    reads : list of int
        The size of each ``GetObject`` answer, in order.
    """

    bytes: int = 0
    requests: int = 0
    reads: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, operation: str, status: int, content_length: int | None) -> None:
        """Add one completed S3 call (thread-safe: s3fs calls back from its own I/O thread)."""
        with self._lock:
            self.requests += 1
            if operation == "GetObject" and 200 <= status < 300 and content_length is not None:
                self.bytes += content_length
                self.reads.append(content_length)

    def _after_call(self, http_response=None, parsed=None, model=None, **_) -> None:
        """botocore ``after-call`` handler: read the operation, status and body length."""
        status = getattr(http_response, "status_code", 0)
        length = parsed.get("ContentLength") if isinstance(parsed, dict) else None
        self.record(getattr(model, "name", ""), status, None if length is None else int(length))

    def __str__(self) -> str:
        return f"{self.requests} requests, {self.bytes:,} bytes ({_human(self.bytes)})"


def _human(n: int) -> str:
    """A byte count in B, KiB, MiB or GiB."""
    value = float(n)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


@contextmanager
def count_s3_bytes() -> Iterator[S3Traffic]:
    """Count the S3 requests and object bytes of the ``s3fs`` filesystems created in a block.

    Yields
    ------
    S3Traffic
        Filled in as the block runs; read it after the block (or during it).

    Raises
    ------
    RuntimeError
        If another ``count_s3_bytes`` block (or other code) already set an ``s3fs`` session in
        ``fsspec.config.conf``.

    Examples
    --------
    >>> with count_s3_bytes() as fetched:                     # doctest: +SKIP
    ...     header = open_fits(uri)[0].header
    >>> fetched.bytes                                          # doctest: +SKIP
    8726
    """
    traffic = S3Traffic()
    previous = fsspec.config.conf.get(_PROTOCOL)
    if previous is not None and "session" in previous:
        raise RuntimeError(
            "An s3fs session is already configured in fsspec.config.conf['s3'] (count_s3_bytes blocks "
            "cannot be nested): finish the outer block first."
        )
    session = AioSession()
    session.register("after-call.s3", traffic._after_call)
    fsspec.config.conf[_PROTOCOL] = {**(previous or {}), "session": session, "skip_instance_cache": True}
    try:
        yield traffic
    finally:
        if previous is None:
            fsspec.config.conf.pop(_PROTOCOL, None)
        else:
            fsspec.config.conf[_PROTOCOL] = previous
