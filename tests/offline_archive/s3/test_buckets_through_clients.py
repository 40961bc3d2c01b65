"""The running archive's buckets through boto3, s3fs, astropy, lightkurve and astroquery.

Every bucket is public and read anonymously, as on AWS; the archive's environment carries no AWS
credentials.
"""

from __future__ import annotations

import os

import boto3
import botocore
import pytest
import s3fs
from astropy.io import fits
from botocore.config import Config

from offline_archive.sky import catalogue_roman

pytestmark = pytest.mark.archive

TUTORIAL = f"{catalogue_roman.MAST_BUCKET}/{catalogue_roman.TUTORIAL_PREFIX}"
CAL_KEY = f"{catalogue_roman.TUTORIAL_PREFIX}/{catalogue_roman.exposure_name(1, 1, 'cal')}"
DRZ_KEY = "hst/public/iab9/iab902010/iab902010_drz.fits"


def _anonymous():
    return boto3.client("s3", config=Config(signature_version=botocore.UNSIGNED))


def test_the_environment_carries_no_aws_credentials(archive_env) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert name not in archive_env
    assert archive_env["AWS_ENDPOINT_URL_S3"] == os.environ["AWS_ENDPOINT_URL_S3"]


def test_anonymous_clients_list_and_read_the_roman_tutorial_folder(archive_env) -> None:
    fs = s3fs.S3FileSystem(anon=True, skip_instance_cache=True)
    names = {p.rsplit("/", 1)[1] for p in fs.ls(TUTORIAL)}
    expected = {
        o.key.rsplit("/", 1)[1]
        for o in catalogue_roman.objects()
        if o.key.startswith(catalogue_roman.TUTORIAL_PREFIX)
    }
    assert names == expected and catalogue_roman.CATALOG_NAME in names
    assert fs.cat_file(f"stpubdata/{CAL_KEY}", start=0, end=6) == b"#ASDF "
    head = _anonymous().head_object(Bucket="stpubdata", Key=CAL_KEY)
    assert head["ContentLength"] > 1_000_000
    listing = _anonymous().list_objects_v2(
        Bucket="stpubdata", Prefix="roman/nexus/soc_simulations/", Delimiter="/"
    )
    folders = sorted(p["Prefix"].rsplit("/", 2)[1] for p in listing["CommonPrefixes"])
    assert folders == ["r00342", "tutorial_data"]


def test_the_retired_platform_bucket_is_not_served(archive_env) -> None:
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchBucket"):
        _anonymous().list_objects_v2(Bucket="roman-sci-test-data-prod-summer-beta-test")


def test_the_buckets_are_read_only(archive_env) -> None:
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        _anonymous().put_object(
            Bucket="stpubdata", Key=f"{catalogue_roman.TUTORIAL_PREFIX}/mine.txt", Body=b"x"
        )


def test_public_buckets_answer_anonymous_clients(archive_env) -> None:
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


def test_lightkurve_reads_the_public_bucket(archive_env) -> None:
    import lightkurve as lk

    uri = (
        "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
        "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
    )
    assert len(lk.read(uri)) > 1000
