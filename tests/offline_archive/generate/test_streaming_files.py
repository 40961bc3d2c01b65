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
        "cal": _roman("tutorial_cal", "_0001_wfi01_"),
        "uncal": _roman("tutorial_uncal", "_0001_wfi01_"),
        "coadd": _roman("tutorial_coadd"),
        "catalog": _roman("tutorial_catalog"),
        "parquet": _roman("hlwas_source_catalog"),
        "segm": _roman("hlwas_segmentation_map"),
        "ou_fits": _roman("openuniverse_fits", "_11.fits.gz"),
    }
    files = {}
    for name, obj in chosen.items():
        files[name] = directory / Path(obj.key).name
        write_object(obj, files[name])
    return files


@pytest.mark.parametrize(
    ("name", "model_type", "shape"),
    [
        ("cal", "ImageModel", (catalogue_roman.SIZE, catalogue_roman.SIZE)),
        ("uncal", "ScienceRawModel", (6, catalogue_roman.L1_SIZE, catalogue_roman.L1_SIZE)),
        ("coadd", "MosaicModel", (catalogue_roman.SIZE, catalogue_roman.SIZE)),
        ("segm", "SegmentationMapModel", (catalogue_roman.SIZE, catalogue_roman.SIZE)),
    ],
)
def test_roman_files_are_valid_models_of_their_type(roman_files, name, model_type, shape) -> None:
    import roman_datamodels as rdm

    with rdm.open(roman_files[name]) as model:
        assert type(model).__name__ == model_type
        model.validate()
        assert model.meta.filename == roman_files[name].name
        assert model.data.shape == shape
        assert np.asarray(model.data).std() > 0


@pytest.mark.parametrize("name", ["cal", "coadd"])
def test_images_carry_a_gwcs_on_their_field(roman_files, name) -> None:
    import roman_datamodels as rdm
    from gwcs import WCS as GWCS

    with rdm.open(roman_files[name]) as model:
        assert isinstance(model.meta.wcs, GWCS)
        ra, dec = model.meta.wcs(255.5, 255.5)
    assert math.hypot(ra - catalogue_roman.TUTORIAL_FIELD[0], dec - catalogue_roman.TUTORIAL_FIELD[1]) < 0.05


def test_the_arrays_are_most_of_an_asdf_file(roman_files) -> None:
    for name in ("cal", "uncal", "coadd"):
        raw = roman_files[name].read_bytes()
        tree_end = raw.index(b"\n...\n")
        assert tree_end < 0.05 * len(raw), f"{name}: the tree is {tree_end} of {len(raw)} bytes"


def test_the_error_arrays_vary_from_pixel_to_pixel_as_a_pipeline_s_do(roman_files) -> None:
    """Computed from the measured rates and a per-pixel read noise, they do not compress away."""
    import roman_datamodels as rdm

    with rdm.open(roman_files["cal"]) as model:
        for name in ("err", "var_poisson", "var_rnoise"):
            assert np.unique(np.asarray(getattr(model, name))).size > 1000, name
        data_bytes = np.asarray(model.data).nbytes
    share = data_bytes / roman_files["cal"].stat().st_size
    assert 0.2 < share < 0.45, f"the data array is {share:.0%} of the file"


def test_the_ramp_frames_the_image_with_reference_pixels_and_grows(roman_files) -> None:
    import roman_datamodels as rdm

    from offline_archive.generate.roman import BIAS, READ_NOISE

    border = catalogue_roman.REFERENCE_BORDER
    with rdm.open(roman_files["uncal"]) as raw, rdm.open(roman_files["cal"]) as cal:
        ramp = np.asarray(raw.data).astype(float)
        rate = np.asarray(cal.data)
    edge = np.concatenate([ramp[:, :border, :].ravel(), ramp[:, -border:, :].ravel()])
    assert abs(edge.mean() - BIAS) < 1 and edge.std() == pytest.approx(READ_NOISE, rel=0.1)
    science = ramp[:, border:-border, border:-border]
    gained = science[-1] - science[0]
    bright = rate > np.percentile(rate, 99.5)
    assert gained[bright].mean() > 10 * gained[~bright].mean() > 0, "sources gain counts faster"


def test_the_catalogue_is_in_roman_i_sim_s_format(roman_files) -> None:
    table = Table.read(roman_files["catalog"], format="ascii.ecsv")
    assert table.colnames == ["ra", "dec", "type", "n", "half_light_radius", "pa", "ba"] + list(
        catalogue_roman.CATALOG_BANDS
    )
    types = list(table["type"])
    assert set(types) == {"SER", "PSF"} and types == sorted(types, key=lambda t: t == "PSF"), "galaxies first"
    stars = table[table["type"] == "PSF"]
    assert (stars["n"] == -1).all() and (stars["half_light_radius"] == 0).all()
    for band in catalogue_roman.CATALOG_BANDS:
        assert (table[band] > 0).all() and (table[band] < 1e-6).all(), "maggies of sources fainter than AB 15"
        assert np.allclose(stars[band], stars["F106"]), "stars have the same flux in every band"


def test_catalogued_stars_are_brighter_than_the_sky_around_them(roman_files) -> None:
    import roman_datamodels as rdm

    table = Table.read(roman_files["catalog"], format="ascii.ecsv")
    bright = table[(table["type"] == "PSF") & (table["F106"] > 10 ** (-0.4 * 19.5))]
    with rdm.open(roman_files["cal"]) as model:
        data = np.asarray(model.data)
        x, y = model.meta.wcs.invert(np.asarray(bright["ra"]), np.asarray(bright["dec"]))
    on = np.isfinite(x) & np.isfinite(y)
    assert on.sum() >= 3
    at_stars = data[np.round(y[on]).astype(int), np.round(x[on]).astype(int)]
    assert np.median(at_stars) > np.median(data) + 10 * np.std(data[:20, :20])


def test_the_mosaic_says_which_exposures_cover_each_pixel(roman_files) -> None:
    import roman_datamodels as rdm

    with rdm.open(roman_files["coadd"]) as mosaic, rdm.open(roman_files["cal"]) as cal:
        context = np.asarray(mosaic.context)[0]
        weight = np.asarray(mosaic.weight)
        sky_ratio = np.median(np.asarray(mosaic.data)) / np.median(np.asarray(cal.data))
        conversion = cal.meta.photometry.conversion_megajanskys
    bits = sum((context >> bit) & 1 for bit in range(4))
    assert np.array_equal(bits, weight) and weight.max() == 4 and weight.min() >= 1
    assert sky_ratio == pytest.approx(conversion, rel=0.05), "MJy/sr from DN/s"


def test_the_segmentation_map_labels_each_catalogued_source(roman_files) -> None:
    import roman_datamodels as rdm
    from roman_datamodels.datamodels import ImageSourceCatalogModel

    table = Table.read(roman_files["parquet"], format="parquet")
    template = ImageSourceCatalogModel.create_fake_data().create_empty_catalog()
    assert table.colnames == template.colnames
    with rdm.open(roman_files["segm"]) as segm:
        labels = np.asarray(segm.data)
    assert labels.max() == len(table) > 50 and list(table["label"]) == list(range(1, len(table) + 1))
    inside = (table["x_centroid"] >= table["bbox_xmin"]) & (table["x_centroid"] <= table["bbox_xmax"])
    inside &= (table["y_centroid"] >= table["bbox_ymin"]) & (table["y_centroid"] <= table["bbox_ymax"])
    assert inside.all()
    at = labels[np.round(table["y_centroid"]).astype(int), np.round(table["x_centroid"]).astype(int)]
    assert (at == table["label"]).mean() > 0.9
    assert 0 < table["is_extended"].sum() < len(table)


def test_the_parquet_catalogue_carries_the_exposure_s_metadata(roman_files) -> None:
    import pyarrow.parquet as pq

    from offline_archive.generate.roman import FILE_DATE, VISIT_START

    metadata = pq.read_schema(roman_files["parquet"]).metadata
    assert metadata[b"roman.meta.filename"].decode() == roman_files["parquet"].name
    assert metadata[b"roman.meta.file_date"].decode() == FILE_DATE
    assert metadata[b"roman.meta.exposure.start_time"].decode() > VISIT_START
    assert metadata[b"roman.meta.instrument.optical_element"].decode() == catalogue_roman.HLWAS_BAND


def test_the_openuniverse_fits_has_an_image_its_errors_and_a_wcs(roman_files) -> None:
    with fits.open(roman_files["ou_fits"]) as hdul:
        assert [h.name for h in hdul] == ["PRIMARY", "SCI", "ERR", "DQ"]
        assert hdul["SCI"].data.shape == (catalogue_roman.SIZE, catalogue_roman.SIZE)
        assert (hdul["ERR"].data > 0).all()
        ra, dec = WCS(hdul["SCI"].header).wcs_pix2world(255.5, 255.5, 0)
    assert math.hypot(ra - catalogue_roman.OU_FIELD[0], dec - catalogue_roman.OU_FIELD[1]) < 0.05


@pytest.mark.parametrize("name", ["cal", "parquet", "segm", "ou_fits"])
def test_roman_files_are_written_identically_twice(roman_files, tmp_path, name) -> None:
    from offline_archive.generate.roman import write_object

    kind = {
        "cal": ("tutorial_cal", "_0001_wfi01_"),
        "parquet": ("hlwas_source_catalog", ""),
        "segm": ("hlwas_segmentation_map", ""),
        "ou_fits": ("openuniverse_fits", "_11.fits.gz"),
    }[name]
    again = tmp_path / roman_files[name].name
    write_object(_roman(*kind), again)
    assert again.read_bytes() == roman_files[name].read_bytes()
