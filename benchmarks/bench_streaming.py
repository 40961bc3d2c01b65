"""Bytes fetched from S3: the helpers' streaming reads against library defaults and downloads.

Everything runs in one process against the offline archive (started here, from the built data):

* a 50x50 cutout of a full-size TESS FFI-like image (2136x2078 float32 pixels and their errors,
  uploaded by this benchmark to a scratch bucket): ``helpers.cloud.read_section`` vs
  ``fits.open(uri, fsspec_kwargs={"anon": True})`` and ``.section`` vs downloading the file;
* a TESS light curve: ``helpers.cloud.read_lightcurve`` vs ``lightkurve.read(uri)``, as bytes
  fetched over the file's size;
* a Level 2 Roman image of the 2026 tutorial folder
  (``stpubdata/roman/nexus/soc_simulations/tutorial_data/roman-2026.2/``): opened for its metadata
  alone (``helpers.cloud.open_roman``), as a share of the file; and a 100x100 cutout of it with
  astrocut's ``ASDFCutout``, through ``helpers.cloud.roman_cutout`` and with astrocut's own
  defaults, each against the whole file.  The archive's Roman images are 512x512 stand-ins for
  4088x4088 detectors, with the real arrays: the shares are those of a file of that make-up.

Bytes are counted on the client side by ``helpers.traffic.count_s3_bytes`` (botocore's
``after-call`` events, as true against AWS as here).  The cutout is also checked once against the
bytes the archive's S3 server sent (``cutout_bytes_server``).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from astropy.io import fits

FFI_SHAPE = (2078, 2136)  # rows, columns of a calibrated TESS full-frame image
BUCKET = "scratch-offline-archive-bench"  # writable: offline_archive.s3.guard.SCRATCH_PREFIX
FFI_KEY = "tess/public/ffi/s0027/2020/187/4-1/tess2020187183116-s0027-4-1-0189-s_ffic.fits"
CUTOUT = (slice(1000, 1050), slice(1200, 1250))
ROMAN_CUTOUT = 100
LC_URI = (
    "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
    "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
)


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {
        "name": name,
        "value": round(value, 4) if isinstance(value, float) else value,
        "unit": unit,
        "target": target,
    }


def ffi_like() -> bytes:
    """A FITS file shaped like a calibrated TESS FFI: a primary header, the image and its errors."""
    rng = np.random.default_rng(27)
    primary = fits.PrimaryHDU()
    for n in range(120):  # FFI primary headers are long
        primary.header[f"HIERARCH BENCH CARD {n:03d}"] = (float(n), "filler like an FFI's many keywords")
    image = (120.0 + 8.0 * rng.standard_normal(FFI_SHAPE)).astype(np.float32)
    header = fits.Header()
    header["CTYPE1"], header["CTYPE2"] = "RA---TAN-SIP", "DEC--TAN-SIP"
    header["CRVAL1"], header["CRVAL2"] = 84.0, -72.0
    header["CRPIX1"], header["CRPIX2"] = 1068.5, 1039.5
    header["CD1_1"], header["CD2_2"] = -0.0058, 0.0058
    sci = fits.ImageHDU(image, header=header, name="CAL")
    err = fits.ImageHDU(np.sqrt(np.abs(image)).astype(np.float32), header=header, name="UNCERT")
    buffer = io.BytesIO()
    fits.HDUList([primary, sci, err]).writeto(buffer)
    return buffer.getvalue()


def _cutout(uri: str, s3) -> list[dict]:
    import s3fs

    from helpers.cloud import read_section
    from helpers.traffic import count_s3_bytes

    size = s3fs.S3FileSystem(anon=True, skip_instance_cache=True).size(uri)
    sent_before = s3.counter.bytes_sent
    with count_s3_bytes() as ours:
        cutout = read_section(uri, *CUTOUT, extension=1)
    server = s3.counter.bytes_sent - sent_before
    with count_s3_bytes() as default, fits.open(uri, fsspec_kwargs={"anon": True}) as hdul:
        same = hdul[1].section[CUTOUT]
    assert np.array_equal(cutout, same), "the two ways must read the same pixels"
    with tempfile.TemporaryDirectory() as tmp, count_s3_bytes() as download:
        s3fs.S3FileSystem(anon=True).get(uri, str(Path(tmp) / "ffi.fits"))
    return [
        _entry("cutout_bytes", ours.bytes, "B", "<= 65536"),
        _entry("cutout_requests", ours.requests, "req", "(information)"),
        _entry("cutout_bytes_server", server, "B", f"== cutout_bytes ({ours.bytes})"),
        _entry("cutout_bytes_default", default.bytes, "B", f">= 100 x cutout_bytes (file {size:,} B)"),
        _entry("cutout_default_over_ours", default.bytes / ours.bytes, "x", ">= 100"),
        _entry("cutout_bytes_download", download.bytes, "B", f"== file size ({size:,} B)"),
    ]


def _lightcurve() -> list[dict]:
    import lightkurve as lk
    import s3fs

    from helpers.cloud import read_lightcurve
    from helpers.traffic import count_s3_bytes

    size = s3fs.S3FileSystem(anon=True, skip_instance_cache=True).size(LC_URI)
    with count_s3_bytes() as ours:
        read_lightcurve(LC_URI)
    with count_s3_bytes() as theirs:
        lk.read(LC_URI)
    return [
        _entry("lc_bytes_over_size", ours.bytes / size, "x", "<= 1.1"),
        _entry("lc_bytes_over_size_lightkurve", theirs.bytes / size, "x", "(lightkurve.read(uri): 2)"),
    ]


def _roman() -> list[dict]:
    import s3fs
    from astrocut import ASDFCutout

    from helpers.cloud import open_roman, roman_cutout
    from helpers.traffic import count_s3_bytes
    from offline_archive.sky import catalogue_roman

    uri = (
        f"s3://{catalogue_roman.MAST_BUCKET}/{catalogue_roman.TUTORIAL_PREFIX}/"
        f"{catalogue_roman.exposure_name(1, 1, 'cal')}"
    )
    size = s3fs.S3FileSystem(anon=True, skip_instance_cache=True).size(uri)
    with count_s3_bytes() as meta, open_roman(uri) as model:
        assert type(model).__name__ == "ImageModel" and model.meta.instrument.detector == "WFI01"
        centre = model.meta.wcs.pixel_to_world(255.5, 255.5)
        data_bytes = int(np.prod(model.data.shape)) * model.data.dtype.itemsize  # from the tree alone
    with count_s3_bytes() as ours:
        made = roman_cutout(uri, centre, ROMAN_CUTOUT)
    with count_s3_bytes() as default:
        theirs = ASDFCutout(uri, centre, ROMAN_CUTOUT)
    assert np.array_equal(made.cutouts[0]["cutout"].data, theirs.cutouts[0]["cutout"].data)
    return [
        _entry("asdf_meta_bytes_share", meta.bytes / size, "", "<= 0.10"),
        _entry("roman_file_bytes", size, "B", f"(a {catalogue_roman.SIZE}x{catalogue_roman.SIZE} stand-in)"),
        _entry("roman_cutout_bytes", ours.bytes, "B", f"~ tree + data array ({data_bytes:,} B)"),
        _entry("roman_cutout_bytes_share", ours.bytes / size, "", "<= 0.5"),
        _entry("roman_cutout_bytes_astrocut_default", default.bytes, "B", f">= file size ({size:,} B)"),
    ]


def run() -> list[dict]:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    from offline_archive.paths import archive_root
    from offline_archive.serve import running_archive

    with running_archive(archive_root()) as archive, mock.patch.dict(os.environ, archive.env):
        client = boto3.client("s3", config=Config(signature_version=UNSIGNED))
        client.create_bucket(Bucket=BUCKET, ACL="public-read")
        client.put_object(Bucket=BUCKET, Key=FFI_KEY, Body=ffi_like(), ACL="public-read")
        return _cutout(f"s3://{BUCKET}/{FFI_KEY}", archive.s3) + _lightcurve() + _roman()
