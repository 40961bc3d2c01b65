"""helpers.traffic: counting what S3 sends to the s3fs filesystems of a block."""

from __future__ import annotations

import fsspec
import pytest
import s3fs

from helpers.traffic import S3Traffic, count_s3_bytes

DRZ = "stpubdata/hst/public/iab9/iab902010/iab902010_drz.fits"


def test_only_successful_object_reads_add_bytes() -> None:
    traffic = S3Traffic()
    traffic.record("GetObject", 206, 2880)
    traffic.record("GetObject", 200, 100)
    traffic.record("HeadObject", 200, 3_790_080)  # the size of the object, not bytes received
    traffic.record("GetObject", 403, 243)
    traffic.record("ListObjectsV2", 200, None)
    assert (traffic.bytes, traffic.requests, traffic.reads) == (2980, 5, [2880, 100])
    assert str(traffic) == "5 requests, 2,980 bytes (2.9 KiB)"


@pytest.mark.parametrize("previous", [None, {"anon": True}])
def test_the_configuration_is_restored_even_after_an_error(previous) -> None:
    saved = fsspec.config.conf.get("s3")
    try:
        if previous is None:
            fsspec.config.conf.pop("s3", None)
        else:
            fsspec.config.conf["s3"] = previous
        with pytest.raises(ZeroDivisionError), count_s3_bytes():
            assert "session" in fsspec.config.conf["s3"]
            _ = 1 / 0
        assert fsspec.config.conf.get("s3") == previous
    finally:
        if saved is None:
            fsspec.config.conf.pop("s3", None)
        else:
            fsspec.config.conf["s3"] = saved


def test_blocks_do_not_nest() -> None:
    with count_s3_bytes(), pytest.raises(RuntimeError, match="cannot be nested"), count_s3_bytes():
        pass
    assert "session" not in fsspec.config.conf.get("s3", {})


@pytest.mark.archive
def test_a_whole_object_counts_its_size(archive_env) -> None:
    with count_s3_bytes() as fetched:
        fs = s3fs.S3FileSystem(anon=True)
        size = fs.size(DRZ)
        content = fs.cat_file(DRZ)
    assert fetched.bytes == size == len(content)
    assert fetched.requests >= 2 and fetched.reads == [size]


@pytest.mark.archive
def test_ranges_count_what_they_ask_for(archive_env) -> None:
    with count_s3_bytes() as fetched:
        fs = s3fs.S3FileSystem(anon=True)
        fs.cat_file(DRZ, start=0, end=2880)
        fs.cat_file(DRZ, start=100_000, end=100_200)
    assert fetched.reads == [2880, 200]


@pytest.mark.archive
def test_nothing_is_counted_after_the_block(archive_env) -> None:
    with count_s3_bytes() as fetched:
        fs = s3fs.S3FileSystem(anon=True)
        fs.cat_file(DRZ, start=0, end=80)
    s3fs.S3FileSystem(anon=True).cat_file(DRZ, start=0, end=80)
    assert fetched.reads == [80]
