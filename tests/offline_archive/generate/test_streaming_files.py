"""The streaming tutorial's files: HST WFC3/IR images and the Roman simulation buckets' objects."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.wcs import WCS

from offline_archive.generate import write_product
from offline_archive.sky import catalogue, catalogue_hst, catalogue_roman


def _roman(kind: str, contains: str = "") -> catalogue_roman.BucketObject:
    return next(o for o in catalogue_roman.objects() if o.kind == kind and contains in o.key)


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
