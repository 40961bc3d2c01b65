"""The data of the streaming tutorial: HST WFC3/IR images of proposal 11360 and the Roman buckets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.wcs import WCS

from offline_archive import catalogue, catalogue_hst, catalogue_roman, mast
from offline_archive.build import storage_path
from offline_archive.generate import write_product
from offline_archive.s3 import ACCESS_DENIED, AccessGate

HST_FILTERS = [
    {"paramName": "obs_collection", "values": ["HST"]},
    {"paramName": "filters", "values": ["F160W"]},
    {"paramName": "instrument_name", "values": ["WFC3/IR"]},
    {"paramName": "proposal_id", "values": ["11360"]},
    {"paramName": "dataRights", "values": ["PUBLIC"]},
]


def _invoke(store, service: str, params: dict) -> dict:
    return mast.invoke({"service": service, "params": params, "format": "json"}, store)


def _roman(kind: str, contains: str = "") -> catalogue_roman.BucketObject:
    return next(o for o in catalogue_roman.objects() if o.kind == kind and contains in o.key)


# --------------------------------------------------------------------------------------------
# HST: catalogue and services
# --------------------------------------------------------------------------------------------


def test_the_proposal_query_selects_the_three_visits(store) -> None:
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": HST_FILTERS})
    expected = {o.obs_id for o in catalogue_hst.observations()}
    assert {row["obs_id"] for row in result["data"]} == expected
    assert "24797441" in {row["obsid"] for row in result["data"]}
    assert {row["calib_level"] for row in result["data"]} == {3}


def test_the_proposal_may_be_given_as_a_number(store) -> None:
    filters = [
        f if f["paramName"] != "proposal_id" else {"paramName": "proposal_id", "values": [11360]}
        for f in HST_FILTERS
    ]
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": filters})
    assert len(result["data"]) == len(catalogue_hst.observations())


def test_other_filters_or_proposals_do_not_match(store) -> None:
    wrong_filter = [
        f if f["paramName"] != "filters" else {"paramName": "filters", "values": ["F110W"]}
        for f in HST_FILTERS
    ]
    result = _invoke(store, "Mast.Caom.Filtered", {"columns": "*", "filters": wrong_filter})
    assert not any(row["proposal_id"] == "11360" for row in result["data"])


def test_products_carry_their_own_calibration_level_and_project(store) -> None:
    rows = mast.product_rows(["24797441"], store)
    by_name = {row["productFilename"]: row for row in rows}
    assert set(by_name) == {"iab902010_drz.fits", "iab902e1q_flt.fits", "iab902e3q_flt.fits"}
    assert by_name["iab902010_drz.fits"]["calib_level"] == 3
    assert {by_name[n]["calib_level"] for n in by_name if n.endswith("_flt.fits")} == {2}
    assert {row["project"] for row in rows} == {"CALWF3"}
    assert {row["productType"] for row in rows} == {"SCIENCE"}


def test_hst_products_live_under_their_real_cloud_keys() -> None:
    for obs in catalogue_hst.observations():
        for product in obs.products:
            bucket, key, _ = storage_path(obs, product)
            dataset = product.filename.split("_")[0]
            assert bucket == "stpubdata"
            assert key == f"hst/public/{dataset[:4]}/{dataset}/{product.filename}"


def test_obsids_are_unique_across_the_catalogue() -> None:
    obsids = [o.obsid for o in catalogue.observations()]
    assert len(obsids) == len(set(obsids))


# --------------------------------------------------------------------------------------------
# HST: files
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hst_files(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("hst")
    files = {}
    for obs, product in catalogue.all_products():
        if product.filename in ("iab902010_drz.fits", "iab902e1q_flt.fits"):
            files[product.kind] = directory / product.filename
            write_product(obs, product, files[product.kind])
    return files


def test_drz_has_the_drizzle_layout_and_a_celestial_wcs(hst_files) -> None:
    with fits.open(hst_files["hst_drz"]) as hdul:
        assert [h.name for h in hdul] == ["PRIMARY", "SCI", "WHT", "CTX", "HDRTAB"]
        primary = hdul[0].header
        assert (primary["TELESCOP"], primary["INSTRUME"], primary["DETECTOR"], primary["FILTER"]) == (
            "HST",
            "WFC3",
            "IR",
            "F160W",
        )
        assert primary["PROPOSID"] == 11360 and primary["NDRIZIM"] == 2
        assert primary["D001DATA"].startswith("iab902e1q_flt.fits")
        assert hdul["SCI"].data.dtype == np.dtype(">f4") and hdul["CTX"].data.dtype == np.dtype(">i4")
        wcs = WCS(hdul["SCI"].header)
        assert wcs.has_celestial
        scale = np.sqrt(abs(np.linalg.det(wcs.pixel_scale_matrix))) * 3600
        assert scale == pytest.approx(0.128, rel=1e-6)


def _brightest_sky_position(path: Path) -> tuple[float, float]:
    with fits.open(path) as hdul:
        data = hdul["SCI"].data.astype(float)
        y, x = np.unravel_index(np.argmax(data), data.shape)
        ra, dec = WCS(hdul["SCI"].header).wcs_pix2world(x, y, 0)
    return float(ra), float(dec)


def test_the_galaxy_sits_at_the_same_sky_position_in_drz_and_flt(hst_files) -> None:
    for path in hst_files.values():
        ra, dec = _brightest_sky_position(path)
        offset = (
            math.hypot(
                (ra - catalogue_hst.FIELD_RA) * math.cos(math.radians(dec)), dec - catalogue_hst.FIELD_DEC
            )
            * 3600
        )
        assert offset < 0.5, f"{path.name}: the nucleus of M85 is {offset:.2f} arcsec from its position"


def test_flt_is_a_512_subarray_with_errors_and_flags(hst_files) -> None:
    with fits.open(hst_files["hst_flt"]) as hdul:
        assert [h.name for h in hdul] == ["PRIMARY", "SCI", "ERR", "DQ"]
        assert hdul["SCI"].data.shape == (512, 512) and hdul[0].header["SUBARRAY"] is True
        assert (hdul["ERR"].data > 0).all()
        assert hdul["DQ"].data.dtype.kind == "i" and (hdul["DQ"].data != 0).any()


# --------------------------------------------------------------------------------------------
# Roman: the bucket catalogue
# --------------------------------------------------------------------------------------------


def test_the_platform_bucket_is_private_and_irsa_public() -> None:
    buckets = {(o.bucket, o.public) for o in catalogue_roman.objects()}
    assert buckets == {(catalogue_roman.PLATFORM_BUCKET, False), (catalogue_roman.IRSA_BUCKET, True)}


def test_the_platform_bucket_has_the_expected_folders() -> None:
    keys = [o.key for o in catalogue_roman.objects() if o.bucket == catalogue_roman.PLATFORM_BUCKET]
    for prefix in (
        "ROMANISIM/DENSE_REGION/R0.5_DP0.5_PA0/",
        "ROMANISIM/GALAXIES/",
        "ROMANISIM/CATALOGS_SCRIPTS/",
        "STIPS/",
        "OPEN_UNIVERSE/WAS/simple_model/",
    ):
        assert any(k.startswith(prefix) for k in keys), prefix
    assert f"{catalogue_roman.DENSE_PREFIX}/r0000101001001001001_01101_0001_WFI01_cal.asdf" in keys


def test_every_openuniverse_asdf_has_a_fits_twin_in_irsa() -> None:
    asdf_sensors = {o.param("sensor") for o in catalogue_roman.objects() if o.kind == "openuniverse_asdf"}
    fits_sensors = {o.param("sensor") for o in catalogue_roman.objects() if o.kind == "openuniverse_fits"}
    assert asdf_sensors == fits_sensors and asdf_sensors


# --------------------------------------------------------------------------------------------
# Roman: files
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def roman_files(tmp_path_factory) -> dict[str, Path]:
    from offline_archive.generate.roman import write_object

    directory = tmp_path_factory.mktemp("roman")
    chosen = {
        "cal": _roman("romanisim_cal", "DENSE_REGION"),
        "galaxies": _roman("romanisim_cal", "GALAXIES"),
        "ou_asdf": _roman("openuniverse_asdf", "wfi11"),
        "ou_fits": _roman("openuniverse_fits", "_11.fits.gz"),
        "catalog": _roman("romanisim_catalog", "dense"),
    }
    files = {}
    for name, obj in chosen.items():
        files[name] = directory / Path(obj.key).name
        write_object(obj, files[name])
    return files


@pytest.mark.parametrize("name", ["cal", "galaxies", "ou_asdf"])
def test_roman_files_are_valid_image_models_with_a_gwcs(roman_files, name) -> None:
    import roman_datamodels as rdm
    from gwcs import WCS as GWCS

    with rdm.open(roman_files[name]) as model:
        assert type(model).__name__ == "ImageModel"
        model.validate()
        assert isinstance(model.meta.wcs, GWCS)
        assert model.meta.filename == roman_files[name].name
        assert model.data.shape == (catalogue_roman.SIZE, catalogue_roman.SIZE)
        assert np.isfinite(model.data).all() and model.data.std() > 0


def test_the_arrays_are_most_of_an_asdf_file(roman_files) -> None:
    for name in ("cal", "ou_asdf"):
        raw = roman_files[name].read_bytes()
        tree_end = raw.index(b"\n...\n")
        assert tree_end < 0.05 * len(raw), f"{name}: the tree is {tree_end} of {len(raw)} bytes"


def test_the_openuniverse_twins_share_pixels_and_sky(roman_files) -> None:
    import roman_datamodels as rdm

    with rdm.open(roman_files["ou_asdf"]) as model, fits.open(roman_files["ou_fits"]) as hdul:
        assert np.array_equal(np.asarray(model.data), hdul["SCI"].data)
        x, y = np.meshgrid(np.linspace(0, 511, 5), np.linspace(0, 511, 5))
        ra_g, dec_g = model.meta.wcs(x, y)
        ra_f, dec_f = WCS(hdul["SCI"].header).wcs_pix2world(x, y, 0)
        assert np.allclose(ra_g, ra_f, atol=1e-9) and np.allclose(dec_g, dec_f, atol=1e-9)


def test_the_openuniverse_catalogues_sit_beside_the_model(roman_files) -> None:
    import asdf

    from offline_archive.generate.roman import OU_GALAXY_COLUMNS, OU_STAR_COLUMNS, OU_TRANSIENT_COLUMNS

    with asdf.open(roman_files["ou_asdf"]) as af:
        catalogs = af["catalogs"]
        assert set(catalogs) == {"galaxies", "point_sources", "transients"}
        assert tuple(catalogs["galaxies"].colnames) == OU_GALAXY_COLUMNS
        assert tuple(catalogs["point_sources"].colnames) == OU_STAR_COLUMNS
        assert tuple(catalogs["transients"].colnames) == OU_TRANSIENT_COLUMNS
        galaxies = catalogs["galaxies"]
        assert len(galaxies) > 50
        x, y = af["roman"]["meta"]["wcs"].invert(np.asarray(galaxies["ra"]), np.asarray(galaxies["dec"]))
        assert ((x > -0.5) & (x < 511.5) & (y > -0.5) & (y < 511.5)).all(), "every galaxy falls on the image"


def test_galaxies_of_the_catalogue_are_brighter_than_the_sky_around_them(roman_files) -> None:
    import asdf

    with asdf.open(roman_files["ou_asdf"]) as af:
        data = np.asarray(af["roman"]["data"])
        galaxies = af["catalogs"]["galaxies"]
        bright = galaxies[galaxies["mag_F184"] < 22]
        x, y = af["roman"]["meta"]["wcs"].invert(np.asarray(bright["ra"]), np.asarray(bright["dec"]))
    at_sources = data[np.round(y).astype(int), np.round(x).astype(int)]
    assert np.median(at_sources) > np.median(data) + 5 * np.std(data[:20, :20])


def test_romanisim_catalogue_is_an_ecsv_in_maggies(roman_files) -> None:
    table = Table.read(roman_files["catalog"], format="ascii.ecsv")
    assert {"ra", "dec", "type", "n", "half_light_radius", "pa", "ba", "F129", "F158"} <= set(table.colnames)
    assert set(table["type"]) == {"PSF"}
    assert (table["F158"] > 0).all() and (table["F158"] < 1e-5).all(), "maggies of stars fainter than AB 12.5"


@pytest.mark.parametrize("name", ["ou_asdf", "ou_fits"])
def test_roman_files_are_written_identically_twice(roman_files, tmp_path, name) -> None:
    from offline_archive.generate.roman import write_object

    obj = _roman("openuniverse_asdf" if name == "ou_asdf" else "openuniverse_fits", "11")
    again = tmp_path / roman_files[name].name
    write_object(obj, again)
    assert again.read_bytes() == roman_files[name].read_bytes()


# --------------------------------------------------------------------------------------------
# The S3 gate
# --------------------------------------------------------------------------------------------


def _call(gate: AccessGate, path: str, method: str = "GET", **environ) -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    body = b"".join(
        gate(
            {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "HTTP_HOST": "127.0.0.1:9000",
                **environ,
            },
            start_response,
        )
    )
    return seen["status"], body


@pytest.fixture
def gate() -> AccessGate:
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"object bytes"]

    gate = AccessGate(app)
    gate.private_buckets = frozenset({"private-bucket"})
    return gate


def test_the_gate_refuses_unsigned_requests_to_a_private_bucket(gate) -> None:
    assert _call(gate, "/private-bucket/key") == ("403 Forbidden", ACCESS_DENIED)
    assert _call(gate, "/private-bucket", "HEAD") == ("403 Forbidden", b"")
    assert _call(gate, "/private-bucket/key", QUERY_STRING="list-type=2")[0] == "403 Forbidden"


def test_the_gate_serves_signed_requests_and_public_buckets(gate) -> None:
    signed = {"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=offline-archive-platform/..."}
    assert _call(gate, "/private-bucket/key", **signed) == ("200 OK", b"object bytes")
    assert _call(gate, "/private-bucket/key", QUERY_STRING="X-Amz-Signature=abc") == (
        "200 OK",
        b"object bytes",
    )
    assert _call(gate, "/stpubdata/key") == ("200 OK", b"object bytes")


def test_the_gate_counts_the_bytes_it_sends(gate) -> None:
    before = gate.bytes_sent
    _call(gate, "/stpubdata/key")
    _call(gate, "/private-bucket/key")
    assert gate.bytes_sent - before == len(b"object bytes") + len(ACCESS_DENIED)
