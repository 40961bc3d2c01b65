"""helpers.cloud against the offline archive's S3: sections, ASDF and Roman models, light curves, errors.

Byte counts come from helpers.traffic (client side); file sizes from S3 itself.  Files that are not
what their names say are uploaded, for these tests only, to a scratch bucket of the archive's S3.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import numpy as np
import pytest
import s3fs
from astropy.io import fits
from astropy.table import Table

from helpers.cloud import (
    check_file_type,
    open_asdf,
    open_fits,
    open_roman,
    read_catalog,
    read_lightcurve,
    read_section,
    roman_cutout,
    stream_kwargs,
)
from helpers.errors import (
    MissingFileError,
    NoCutoutError,
    PrivateBucketError,
    TutorialError,
    WrongFileTypeError,
)
from helpers.traffic import count_s3_bytes
from offline_archive.paths import archive_root
from offline_archive.sky import catalogue_roman
from offline_archive.store import DataStore

DRZ = "s3://stpubdata/hst/public/iab9/iab902010/iab902010_drz.fits"
LC = (
    "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
    "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
)
TUTORIAL = f"s3://{catalogue_roman.MAST_BUCKET}/{catalogue_roman.TUTORIAL_PREFIX}"
CAL = f"{TUTORIAL}/{catalogue_roman.exposure_name(1, 1, 'cal')}"
UNCAL = f"{TUTORIAL}/{catalogue_roman.exposure_name(1, 1, 'uncal')}"
COADD = f"{TUTORIAL}/{catalogue_roman.MOSAIC_NAME}"
CATALOG = f"{TUTORIAL}/{catalogue_roman.CATALOG_NAME}"
PARQUET = next(o.uri for o in catalogue_roman.objects() if o.kind == "hlwas_source_catalog")
SEGM = next(o.uri for o in catalogue_roman.objects() if o.kind == "hlwas_segmentation_map")
ROWS, COLUMNS = slice(200, 250), slice(300, 350)


def _size(uri: str) -> int:
    return s3fs.S3FileSystem(anon=True, skip_instance_cache=True).size(uri)


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


def test_a_bucket_s_refusal_is_named_with_the_way_to_read_public_buckets() -> None:
    """No bucket of the archive refuses readers (all are public): S3's refusal, as s3fs raises it."""
    from helpers.cloud import _cloud_errors

    with pytest.raises(PrivateBucketError, match="refused an anonymous request") as caught:
        with _cloud_errors("s3://some-private-bucket/key.asdf", anon=True):
            raise PermissionError("Access Denied")
    assert "anon=True" in caught.value.next_step and "stpubdata" in caught.value.next_step


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
# Roman files: each type through open_roman, cutouts, catalogues
# --------------------------------------------------------------------------------------------


def _stored(uri: str) -> Path:
    """The archive's local copy of a cloud object (to compare what the helpers read with it)."""
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    store = DataStore(archive_root())
    return next(f.path for f in store.cloud_objects() if f.bucket == bucket and f.key == key)


@pytest.mark.archive
@pytest.mark.parametrize(
    ("uri", "model_type", "shape", "share"),
    [
        (CAL, "ImageModel", (catalogue_roman.SIZE,) * 2, 0.10),
        (UNCAL, "ScienceRawModel", (6, catalogue_roman.L1_SIZE, catalogue_roman.L1_SIZE), 0.10),
        (COADD, "MosaicModel", (catalogue_roman.SIZE,) * 2, 0.10),
        (SEGM, "SegmentationMapModel", (catalogue_roman.SIZE,) * 2, None),
    ],
    ids=["cal", "uncal", "coadd", "segm"],
)
def test_each_roman_file_opens_as_its_model_reading_the_metadata_alone(
    archive_env, uri, model_type, shape, share
) -> None:
    with count_s3_bytes() as fetched, open_roman(uri) as model:
        assert type(model).__name__ == model_type
        assert model.meta.filename == uri.rsplit("/", 1)[1]
        assert tuple(model.data.shape) == shape  # from the tree: no pixels read
    if share is not None:
        assert fetched.bytes <= share * _size(uri), f"{fetched} for the metadata of {uri}"


@pytest.mark.archive
def test_a_level_2_image_has_its_wcs_on_the_tutorial_field(archive_env) -> None:
    with open_roman(CAL) as model:
        ra, dec = model.meta.wcs(255.5, 255.5)
        assert model.meta.instrument.optical_element == catalogue_roman.BAND
    field_ra, field_dec = catalogue_roman.TUTORIAL_FIELD
    assert abs(ra - field_ra) < 0.05 and abs(dec - field_dec) < 0.05


@pytest.mark.archive
def test_a_region_costs_the_data_array_and_not_the_others(archive_env) -> None:
    import roman_datamodels as rdm

    rows, columns = slice(200, 300), slice(150, 250)
    with count_s3_bytes() as fetched, open_roman(CAL) as model:
        region = np.asarray(model.data[rows, columns])
    with rdm.open(_stored(CAL)) as local:
        assert np.array_equal(region, np.asarray(local.data)[rows, columns])
        data_bytes = np.asarray(local.data).nbytes
    assert fetched.bytes >= 0.9 * data_bytes, "the data array is read (and decompressed) whole"
    assert fetched.bytes < 0.5 * _size(CAL), f"{fetched}: more than the data array"


@pytest.mark.archive
def test_plain_asdf_gives_the_tree_and_the_arrays_on_demand(archive_env) -> None:
    with open_asdf(COADD) as af:
        assert af["roman"]["meta"]["filename"] == catalogue_roman.MOSAIC_NAME
        context = np.asarray(af["roman"]["context"])
    assert context.shape == (1, catalogue_roman.SIZE, catalogue_roman.SIZE) and context.max() == 15


@pytest.mark.archive
def test_a_cutout_reads_the_tree_and_the_data_and_equals_the_image(archive_env) -> None:
    import roman_datamodels as rdm
    from astrocut import ASDFCutout

    with rdm.open(_stored(CAL)) as local:
        centre = local.meta.wcs.pixel_to_world(300.0, 200.0)
        whole = np.asarray(local.data)
    with count_s3_bytes() as ours:
        made = roman_cutout(CAL, centre, 60)
    cutout = made.cutouts[0]["cutout"]
    assert cutout.shape == (60, 60)
    assert np.array_equal(cutout.data, whole[cutout.slices_original])
    with count_s3_bytes() as default:
        ASDFCutout(CAL, centre, 60)
    size = _size(CAL)
    assert default.bytes >= size, "astrocut with s3fs's defaults reads this whole file"
    assert ours.bytes < 0.5 * size, f"{ours} of a {size:,}-byte file"
    sliced = made.asdf_cutouts[0]["cutout"]["roman"]["meta"]["wcs"]
    ra, dec = sliced(30.0, 30.0)
    assert abs(ra - centre.ra.deg) < 2e-4 and abs(dec - centre.dec.deg) < 2e-4


@pytest.mark.archive
def test_a_cutout_reaching_beyond_the_image_is_filled(archive_env) -> None:
    import roman_datamodels as rdm

    with rdm.open(_stored(CAL)) as local:
        corner = local.meta.wcs.pixel_to_world(5.0, 5.0)
    data = roman_cutout(CAL, corner, 40).cutouts[0]["cutout"].data
    assert np.isnan(data).any() and np.isfinite(data).any()


@pytest.mark.archive
def test_a_cutout_off_the_image_is_named_with_the_image_s_footprint(archive_env) -> None:
    from astropy.coordinates import SkyCoord

    with pytest.raises(NoCutoutError, match="off the image") as caught:
        roman_cutout(CAL, SkyCoord(10.0, 10.0, unit="deg"), 50)
    assert "RA 10.00000" in caught.value.problem
    assert "covers RA 270.9" in caught.value.next_step


@pytest.mark.archive
def test_a_file_without_a_wcs_is_not_cut(archive_env) -> None:
    with pytest.raises(WrongFileTypeError, match="no Roman image with a WCS") as caught:
        roman_cutout(SEGM, "8.1 -43.7", 10)
    assert "_cal.asdf" in caught.value.next_step


@pytest.mark.archive
def test_the_ecsv_catalogue_is_read_in_one_request_as_stored(archive_env) -> None:
    with count_s3_bytes() as fetched:
        table = read_catalog(CATALOG)
    local = Table.read(_stored(CATALOG), format="ascii.ecsv")
    assert table.colnames == local.colnames and len(table) == len(local) > 0
    assert np.array_equal(table["ra"], local["ra"]) and list(table["type"]) == list(local["type"])
    assert fetched.bytes <= _size(CATALOG) + 64 * 1024


@pytest.mark.archive
def test_the_parquet_catalogue_is_read_whole_or_by_columns(archive_env) -> None:
    import roman_datamodels as rdm

    table = read_catalog(PARQUET)
    local = Table.read(_stored(PARQUET), format="parquet")
    assert table.colnames == local.colnames and np.array_equal(table["label"], local["label"])
    assert table.meta == local.meta
    some = read_catalog(PARQUET, columns=["x_centroid", "y_centroid", "is_extended"])
    assert some.colnames == ["x_centroid", "y_centroid", "is_extended"] and len(some) == len(table)
    with rdm.open(_stored(SEGM)) as segm:
        assert int(np.asarray(segm.data).max()) == len(table), "one segment per catalogued source"


@pytest.mark.archive
def test_a_column_the_parquet_catalogue_lacks_is_named(archive_env) -> None:
    with pytest.raises(TutorialError, match="has no column 'no_such_column'"):
        read_catalog(PARQUET, columns=["x_centroid", "no_such_column"])


@pytest.mark.parametrize("name", ["full_catalog.csv", "catalogue.fits", "segm.asdf"])
def test_a_catalogue_in_another_format_is_refused_before_any_request(name) -> None:
    with pytest.raises(WrongFileTypeError, match=r"neither \.ecsv nor \.parquet") as caught:
        read_catalog(f"{TUTORIAL}/{name}")
    assert "Table.read" in caught.value.next_step


def test_columns_of_an_ecsv_catalogue_are_refused() -> None:
    with pytest.raises(TutorialError, match="Parquet files only"):
        read_catalog(CATALOG, columns=["ra"])


@pytest.mark.archive
@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("r0003201001001001004_0001_wfi1_f106_cal.asdf", "r0003201001001001004_0001_wfi01_f106_cal.asdf"),
        ("full_catalogue.ecsv", "full_catalog.ecsv"),
        ("my_roman_mosaic_coad.asdf", "my_roman_mosaic_coadd.asdf"),
    ],
)
def test_a_key_not_under_the_prefix_is_named_with_the_names_that_come_close(
    archive_env, wrong, right
) -> None:
    opener = read_catalog if wrong.endswith(".ecsv") else (lambda uri: open_roman(uri).__enter__())
    with pytest.raises(MissingFileError, match="There is no object at") as caught:
        opener(f"{TUTORIAL}/{wrong}")
    assert wrong in caught.value.problem
    assert right in caught.value.next_step and "ls(" in caught.value.next_step


@pytest.mark.archive
def test_no_credentials_at_all_is_named(archive_env, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    s3fs.S3FileSystem.clear_instance_cache()  # filesystems keep the credentials they were made with
    try:
        with (
            pytest.raises(PrivateBucketError, match="No AWS credentials") as caught,
            open_roman(CAL, anon=False),
        ):
            pass
        assert "anon=True" in caught.value.next_step
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
    from botocore import UNSIGNED
    from botocore.config import Config

    bucket = f"scratch-helpers-tests-{uuid.uuid4().hex[:12]}"  # writable: offline_archive.s3.guard
    client = boto3.client("s3", config=Config(signature_version=UNSIGNED))
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
        ("sources_cat.parquet", b"ra,dec\n270.9,-0.2\n"),
        ("full_catalog.ecsv", b"PAR1\x15\x04"),
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


@pytest.mark.archive
def test_a_catalogue_name_on_another_format_is_refused(scratch) -> None:
    with pytest.raises(WrongFileTypeError, match="is not a Parquet file"):
        read_catalog(f"s3://{scratch}/sources_cat.parquet")
    with pytest.raises(WrongFileTypeError, match="is not an ECSV file"):
        read_catalog(f"s3://{scratch}/full_catalog.ecsv")
