"""Unit tests of helpers.files: cloud URIs and download manifests, built by hand."""

import pytest
from astropy.table import Table

from helpers.errors import MissingFileError, NoProductsError
from helpers.files import S3Location, check_cloud_uris, check_manifest, split_s3_uri

URI = (
    "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/"
    "tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
)


def test_split_s3_uri():
    location = split_s3_uri(URI)
    assert location == S3Location("stpubdata", URI[len("s3://stpubdata/") :])
    assert location.bucket == "stpubdata"
    assert location.key.startswith("tess/public/tid/s0027/")


@pytest.mark.parametrize(
    "uri", ["https://stpubdata.s3.amazonaws.com/tess/x.fits", "s3://stpubdata", "s3:///key", ""]
)
def test_split_s3_uri_rejects_other_locations(uri):
    with pytest.raises(ValueError, match="Not an s3://bucket/key URI"):
        split_s3_uri(uri)


def test_check_cloud_uris_passes_a_complete_list():
    assert check_cloud_uris([URI], expected=1) == [URI]


def test_check_cloud_uris_reports_products_missing_from_the_cloud():
    with pytest.raises(MissingFileError, match="Only 1 of 2 products"):
        check_cloud_uris([URI], expected=2)


@pytest.mark.parametrize("uris, expected", [(None, 1), ([], 0)])
def test_check_cloud_uris_with_nothing_looked_up(uris, expected):
    with pytest.raises(NoProductsError):
        check_cloud_uris(uris, expected)


def test_check_cloud_uris_rejects_non_s3_answers():
    with pytest.raises(MissingFileError, match="not s3://"):
        check_cloud_uris(["/tess/public/x.fits"], expected=1)


def manifest(rows):
    names = ("Local Path", "Status", "Message", "URL")
    return Table(rows=rows, names=names, dtype=(str, str, object, object))


def test_check_manifest_returns_the_paths(tmp_path):
    files = [tmp_path / "a_dvr.pdf", tmp_path / "a_dvt.fits"]
    for path in files:
        path.write_bytes(b"x")
    table = manifest([[str(path), "COMPLETE", None, None] for path in files])
    assert check_manifest(table) == files


def test_check_manifest_reports_failed_and_vanished_files(tmp_path):
    present = tmp_path / "ok.pdf"
    present.write_bytes(b"x")
    table = manifest(
        [
            [str(present), "COMPLETE", None, None],
            [str(tmp_path / "bad.fits"), "ERROR", "HTTPError: 404", "https://mast.stsci.edu/x"],
            [str(tmp_path / "gone.xml"), "COMPLETE", None, None],
        ]
    )
    with pytest.raises(MissingFileError) as info:
        check_manifest(table)
    message = str(info.value)
    assert "2 of 3 files did not arrive" in message
    assert "bad.fits: status ERROR HTTPError: 404" in message
    assert "gone.xml: marked COMPLETE but not found" in message
    assert "ok.pdf" not in message


@pytest.mark.parametrize("table", [None, Table(names=("Local Path", "Status"), dtype=(str, str))])
def test_check_manifest_of_nothing(table):
    with pytest.raises(NoProductsError, match="nothing to download"):
        check_manifest(table)


def test_check_manifest_rejects_other_tables():
    with pytest.raises(ValueError, match="Not a download manifest"):
        check_manifest(Table({"path": ["x"]}))
