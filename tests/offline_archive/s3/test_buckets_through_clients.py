"""The running archive's buckets through boto3, s3fs, astropy, lightkurve and astroquery.

The archive's environment carries the science platform's (fake) credentials.  Signed requests may
read the private Roman bucket; anonymous ones may not.  Public buckets must still answer
anonymous clients exactly as before, credentials or not.
"""

from __future__ import annotations

import os

import boto3
import botocore
import pytest
import s3fs
from astropy.io import fits
from botocore.config import Config

from offline_archive.serve import PLATFORM_KEY_ID
from offline_archive.sky import catalogue_roman

pytestmark = pytest.mark.archive

PLATFORM = catalogue_roman.PLATFORM_BUCKET
ROMAN_KEY = f"{catalogue_roman.DENSE_PREFIX}/r0000101001001001001_01101_0001_WFI01_cal.asdf"
DRZ_KEY = "hst/public/iab9/iab902010/iab902010_drz.fits"


def _anonymous():
    return boto3.client("s3", config=Config(signature_version=botocore.UNSIGNED))


def test_the_environment_carries_the_platform_credentials(archive_env) -> None:
    assert archive_env["AWS_ACCESS_KEY_ID"] == PLATFORM_KEY_ID
    assert os.environ["AWS_ACCESS_KEY_ID"] == PLATFORM_KEY_ID


def test_anonymous_clients_are_refused_by_the_platform_bucket(archive_env) -> None:
    client = _anonymous()
    with pytest.raises(botocore.exceptions.ClientError, match=r"403|AccessDenied"):
        client.head_object(Bucket=PLATFORM, Key=ROMAN_KEY)
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        client.get_object(Bucket=PLATFORM, Key=ROMAN_KEY)
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        client.list_objects_v2(Bucket=PLATFORM)
    fs = s3fs.S3FileSystem(anon=True, skip_instance_cache=True)
    with pytest.raises(PermissionError):
        fs.ls(PLATFORM)


def test_signed_clients_read_the_platform_bucket(archive_env) -> None:
    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    assert sorted(p.rsplit("/", 1)[1] for p in fs.ls(PLATFORM)) == ["OPEN_UNIVERSE", "ROMANISIM", "STIPS"]
    assert fs.cat_file(f"{PLATFORM}/{ROMAN_KEY}", start=0, end=6) == b"#ASDF "
    head = boto3.client("s3").head_object(Bucket=PLATFORM, Key=ROMAN_KEY)
    assert head["ContentLength"] > 1_000_000


def test_public_buckets_still_answer_anonymous_clients_with_credentials_present(archive_env) -> None:
    assert _anonymous().head_object(Bucket="stpubdata", Key=DRZ_KEY)["ContentLength"] > 0
    irsa_key = catalogue_roman.ou_fits_key(11)
    assert _anonymous().head_object(Bucket=catalogue_roman.IRSA_BUCKET, Key=irsa_key)["ContentLength"] > 0
    with fits.open(f"s3://stpubdata/{DRZ_KEY}", fsspec_kwargs={"anon": True}) as hdul:
        assert hdul[0].header["PROPOSID"] == 11360
    with fits.open(f"s3://{catalogue_roman.IRSA_BUCKET}/{irsa_key}", fsspec_kwargs={"anon": True}) as hdul:
        assert hdul["SCI"].data.shape == (catalogue_roman.SIZE, catalogue_roman.SIZE)


def test_astroquery_finds_the_cloud_copies_of_the_hst_products(archive_env) -> None:
    from astroquery.mast import Observations

    obs = Observations.query_criteria(
        obs_collection="HST",
        filters="F160W",
        instrument_name="WFC3/IR",
        proposal_id=11360,
        dataRights="PUBLIC",
    )
    products = Observations.get_product_list(obs)
    drz = Observations.filter_products(
        products,
        calib_level=[3],
        productType=["SCIENCE"],
        dataproduct_type=["image"],
        project=["CALWF3"],
        extension="drz.fits",
    )
    assert sorted(drz["productFilename"]) == [
        "iab901010_drz.fits",
        "iab902010_drz.fits",
        "iab903010_drz.fits",
    ]
    Observations.enable_cloud_dataset(verbose=False)
    uris = Observations.get_cloud_uris(drz)
    assert sorted(uris) == [
        f"s3://stpubdata/hst/public/iab9/{n}/{n}_drz.fits" for n in ("iab901010", "iab902010", "iab903010")
    ]


def test_lightkurve_reads_the_public_bucket_with_credentials_present(archive_env) -> None:
    import lightkurve as lk

    uri = (
        "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
        "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
    )
    assert len(lk.read(uri)) > 1000
