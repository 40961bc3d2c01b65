"""helpers.cloud against the offline archive's S3: sections, ASDF and Roman models, light curves, errors.

Byte counts come from helpers.traffic (client side); file sizes from S3 itself.  Files that are not
what their names say are uploaded, for these tests only, to a scratch bucket of the archive's S3.
"""

from __future__ import annotations

import io
import uuid

import numpy as np
import pytest
import s3fs
from astropy.io import fits

from helpers.cloud import (
    check_file_type,
    open_asdf,
    open_fits,
    open_roman,
    read_lightcurve,
    read_section,
    stream_kwargs,
)
from helpers.errors import MissingFileError, PrivateBucketError, TutorialError, WrongFileTypeError
from helpers.traffic import count_s3_bytes
from offline_archive.sky import catalogue_roman

DRZ = "s3://stpubdata/hst/public/iab9/iab902010/iab902010_drz.fits"
LC = (
    "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
    "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
)
ROMAN = f"s3://{catalogue_roman.PLATFORM_BUCKET}/{catalogue_roman.ou_asdf_key(11)}"
ROWS, COLUMNS = slice(200, 250), slice(300, 350)


def _size(uri: str, anon: bool = True) -> int:
    return s3fs.S3FileSystem(anon=anon, skip_instance_cache=True).size(uri)


# --------------------------------------------------------------------------------------------
# No archive needed
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("x.fits", b"SIMPLE  =                    T"),
        ("x.fits.gz", b"\x1f\x8b\x08\x00"),
        ("x.asdf", b"#ASDF 1.0.0\n"),
        ("notes.txt", b"anything at all"),
    ],
)
def test_files_that_start_as_their_name_says_pass(name, head) -> None:
    check_file_type(f"s3://bucket/{name}", head)


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("x.fits", b"%PDF-1.7\n", "FITS"),
        ("X.FITS", b"#ASDF 1.0.0", "FITS"),
        ("x.fits.gz", b"SIMPLE  =", "gzip"),
        ("x.asdf", b"SIMPLE  =", "ASDF"),
    ],
)
def test_files_that_do_not_start_as_their_name_says_are_named(name, head, kind) -> None:
    with pytest.raises(WrongFileTypeError, match=kind) as caught:
        check_file_type(f"s3://bucket/{name}", head)
    assert name in caught.value.problem and caught.value.next_step


def test_stream_kwargs_keep_their_meaning() -> None:
    assert stream_kwargs() == {"anon": True, "default_block_size": 65536, "default_cache_type": "none"}
    assert stream_kwargs(anon=False)["anon"] is False


def test_a_path_that_is_not_an_s3_uri_is_refused_before_any_request() -> None:
    with pytest.raises(TutorialError, match="not an s3://bucket/key URI"):
        open_fits("stpubdata/hst/public/iab9/iab902010/iab902010_drz.fits")


# --------------------------------------------------------------------------------------------
# FITS sections
# --------------------------------------------------------------------------------------------


@pytest.mark.archive
def test_a_section_equals_the_same_pixels_read_whole(archive_env) -> None:
    cutout = read_section(DRZ, ROWS, COLUMNS, extension="SCI")
    with fits.open(DRZ, fsspec_kwargs={"anon": True}) as hdul:
        whole = hdul["SCI"].data
        assert np.array_equal(cutout, whole[ROWS, COLUMNS])
    assert cutout.shape == (50, 50)


@pytest.mark.archive
def test_a_section_fetches_a_small_part_of_what_the_default_fetches(archive_env) -> None:
    size = _size(DRZ)
    with count_s3_bytes() as ours:
        read_section(DRZ, ROWS, COLUMNS, extension="SCI")
    with count_s3_bytes() as default, fits.open(DRZ, fsspec_kwargs={"anon": True}) as hdul:
        hdul["SCI"].section[ROWS, COLUMNS]
    assert default.bytes >= size, "s3fs's 50 MiB blocks take the whole file"
    assert ours.bytes < size / 50, f"{ours.bytes} of {size} bytes for a 50x50 section"
    pixel_bytes = 50 * 50 * 4
    assert ours.bytes >= pixel_bytes


@pytest.mark.archive
def test_open_fits_reads_headers_lazily(archive_env) -> None:
    with count_s3_bytes() as fetched, open_fits(DRZ) as hdul:
        header = hdul[0].header
    assert header["PROPOSID"] == 11360
    assert fetched.bytes < 64 * 1024


@pytest.mark.archive
@pytest.mark.parametrize(
    ("rows", "columns", "extension", "match"),
    [
        (slice(0, 10), slice(0, 10), "NOPE", "no extension 'NOPE'"),
        (slice(0, 10), slice(0, 10), "HDRTAB", "not a 2-D image"),
        (slice(500, 600), slice(0, 10), "SCI", "rows 500:600"),
        (slice(10, 10), slice(0, 10), "SCI", "rows 10:10"),
        (slice(None, 10), slice(0, 10), "SCI", "rows None:10"),
        (slice(0, 10), slice(0, 10, 2), "SCI", "columns 0:10"),
    ],
)
def test_bad_sections_are_named(archive_env, rows, columns, extension, match) -> None:
    with pytest.raises(TutorialError, match=match):
        read_section(DRZ, rows, columns, extension=extension)


# --------------------------------------------------------------------------------------------
# ASDF and Roman models
# --------------------------------------------------------------------------------------------


@pytest.mark.archive
def test_a_roman_model_is_opened_for_its_metadata_alone(archive_env) -> None:
    with count_s3_bytes() as fetched, open_roman(ROMAN, anon=False) as model:
        assert type(model).__name__ == "ImageModel"
        assert model.meta.instrument.optical_element == catalogue_roman.OU_BAND
        wcs = model.meta.wcs
        ra, dec = wcs(255.5, 255.5)
    assert abs(ra - catalogue_roman.OU_FIELD[0]) < 0.1 and abs(dec - catalogue_roman.OU_FIELD[1]) < 0.1
    assert fetched.bytes <= 0.10 * _size(ROMAN, anon=False), f"{fetched} for the metadata"


@pytest.mark.archive
def test_plain_asdf_gives_the_catalogues_and_the_arrays_on_demand(archive_env) -> None:
    with open_asdf(ROMAN, anon=False) as af:
        galaxies = af["catalogs"]["galaxies"]
        data = np.asarray(af["roman"]["data"])
    assert {"ra", "dec", "redshift", "half_light_radius"} <= set(galaxies.colnames)
    assert data.shape == (catalogue_roman.SIZE, catalogue_roman.SIZE) and np.isfinite(data).all()


@pytest.mark.archive
def test_the_platform_bucket_refuses_anonymous_readers(archive_env) -> None:
    with (
        pytest.raises(PrivateBucketError, match="refused an anonymous request") as caught,
        open_roman(ROMAN, anon=True),
    ):
        pass
    assert "anon=False" in caught.value.next_step


@pytest.mark.archive
def test_no_credentials_at_all_is_named(archive_env, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    s3fs.S3FileSystem.clear_instance_cache()  # filesystems keep the credentials they were made with
    try:
        with pytest.raises(PrivateBucketError, match="No AWS credentials"), open_roman(ROMAN, anon=False):
            pass
    finally:
        s3fs.S3FileSystem.clear_instance_cache()


# --------------------------------------------------------------------------------------------
# Light curves
# --------------------------------------------------------------------------------------------


@pytest.mark.archive
def test_a_light_curve_is_read_once(archive_env) -> None:
    import lightkurve as lk

    with count_s3_bytes() as fetched:
        lc = read_lightcurve(LC)
    assert fetched.bytes <= 1.1 * _size(LC)
    reference = lk.read(LC)
    assert type(lc) is type(reference)
    assert np.array_equal(lc.time.value, reference.time.value)
    assert np.array_equal(lc.flux.value, reference.flux.value, equal_nan=True)
    assert lc.meta["OBJECT"] == "TIC 261136679"


@pytest.mark.archive
def test_light_curve_options_reach_lightkurve(archive_env) -> None:
    everything = read_lightcurve(LC, quality_bitmask="none")
    default = read_lightcurve(LC)
    assert len(everything) > len(default)


# --------------------------------------------------------------------------------------------
# Missing keys and files that are not what their names say
# --------------------------------------------------------------------------------------------


@pytest.mark.archive
@pytest.mark.parametrize(
    "uri",
    [
        "s3://stpubdata/hst/public/iab9/iab902010/iab902099_drz.fits",
        "s3://no-such-bucket-here/file.fits",
    ],
)
def test_missing_objects_are_named(archive_env, uri) -> None:
    with pytest.raises(MissingFileError, match="There is no object at") as caught:
        open_fits(uri)
    assert uri in caught.value.problem
    with pytest.raises(MissingFileError):
        read_lightcurve(uri)


@pytest.fixture(scope="module")
def scratch(archive_env) -> str:
    """A public bucket of mislabelled files, made for these tests."""
    import asdf
    import boto3

    bucket = f"scratch-helpers-tests-{uuid.uuid4().hex[:12]}"  # writable: offline_archive.s3.guard
    client = boto3.client("s3")
    client.create_bucket(Bucket=bucket, ACL="public-read")
    plain = io.BytesIO()
    asdf.AsdfFile({"numbers": [1, 2, 3]}).write_to(plain)
    fits_bytes = io.BytesIO()
    fits.PrimaryHDU(np.zeros((4, 4))).writeto(fits_bytes)
    for key, body in (
        ("report.fits", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("image.asdf", fits_bytes.getvalue()),
        ("plain.asdf", plain.getvalue()),
        ("lightcurve_lc.fits", b"<html>not found</html>"),
    ):
        client.put_object(Bucket=bucket, Key=key, Body=body, ACL="public-read")
    return bucket


@pytest.mark.archive
def test_a_fits_name_on_another_format_is_refused(scratch) -> None:
    with pytest.raises(WrongFileTypeError, match="is not a FITS file"):
        open_fits(f"s3://{scratch}/report.fits")
    with pytest.raises(WrongFileTypeError, match="is not a FITS file"):
        read_lightcurve(f"s3://{scratch}/lightcurve_lc.fits")


@pytest.mark.archive
def test_an_asdf_name_on_another_format_is_refused(scratch) -> None:
    with (
        pytest.raises(WrongFileTypeError, match="is not an ASDF file"),
        open_asdf(f"s3://{scratch}/image.asdf"),
    ):
        pass
    with pytest.raises(WrongFileTypeError, match="is not a FITS file"):
        open_fits(f"s3://{scratch}/plain.asdf")


@pytest.mark.archive
def test_an_asdf_file_without_a_roman_model_is_named(scratch) -> None:
    with open_asdf(f"s3://{scratch}/plain.asdf") as af:
        assert af["numbers"] == [1, 2, 3]
    with (
        pytest.raises(WrongFileTypeError, match="not a Roman data model"),
        open_roman(f"s3://{scratch}/plain.asdf"),
    ):
        pass
