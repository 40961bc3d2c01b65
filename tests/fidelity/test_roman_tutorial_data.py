"""Where Roman's simulated data really are in 2026, fact by fact, and that the offline archive agrees.

Every fact names its source: a file of STScI's ``spacetelescope/roman_notebooks``, read at commit
1d0140db (2026-08-21, "Merge pull request #307 patch_2026.2.1"), with the date of the last commit
that changed that file.  The notebooks there are stored without outputs, so a fact is what their
code opens (``asdf_dir_uri + name``, with ``s3fs.S3FileSystem(anon=True)``) or what their text says.

Two rules follow, and are tested: every file the archive keeps under a real prefix is one these
sources name (or, marked as such, one derived from their naming rules), and every file they name
that the notebook relies on is there.
"""

from __future__ import annotations

import pytest
from recorded import Fact

from offline_archive.sky import catalogue_roman

REPO = "spacetelescope/roman_notebooks@1d0140db"
DISCOVERY = Fact(
    "",
    f"{REPO} notebooks/data_discovery_and_access/data_discovery_and_access.ipynb",
    "2026-07-13",
)
ASDF = Fact("", f"{REPO} notebooks/working_with_asdf/working_with_asdf.ipynb", "2026-07-12")
CUTOUTS = Fact("", f"{REPO} notebooks/roman_cutouts/roman_cutouts.ipynb", "2026-07-13")
MOSAIC = Fact("", f"{REPO} notebooks/mosaic_pipeline/mosaic_pipeline.ipynb", "2026-07-10")
JDAVIZ = Fact("", f"{REPO} notebooks/data_visualization/jdaviz_data_visualization.ipynb", "2026-07-17")
PHOTOMETRY = Fact("", f"{REPO} notebooks/aperture_photometry/aperture_photometry.ipynb", "2026-07-17")
EXPOSURE = Fact("", f"{REPO} notebooks/exposure_pipeline/exposure_pipeline.ipynb", "2026-07-09")
CCS = Fact("", f"{REPO} notebooks/ccs_simulations/ccs_simulations.ipynb", "2026-08-03")
ROMANISIM = Fact("", f"{REPO} notebooks/romanisim/romanisim.ipynb", "2026-08-21")
SHAPES = Fact("", f"{REPO} notebooks/measuring_galaxy_shapes/measuring_galaxy_shapes.ipynb", "2026-07-20")
SIMULATED = Fact("", f"{REPO} markdown/simulated-data.md ('Last Updated: August 2026')", "2026-08-14")


def _fact(where: Fact, claim: str) -> Fact:
    return Fact(claim, where.source, where.date)


#: The tutorial folder, read anonymously.
PREFIX = _fact(
    DISCOVERY,
    "cell 19: fs = s3fs.S3FileSystem(anon=True); "
    "fs.ls('s3://stpubdata/roman/nexus/soc_simulations/tutorial_data/roman-2026.2/') "
    "(the same prefix, with anon=True, in every notebook that opens tutorial data)",
)
TUTORIAL_PREFIX = "roman/nexus/soc_simulations/tutorial_data/roman-2026.2"

#: Files of the tutorial folder that the sources open or name.
RECORDED_TUTORIAL_FILES: dict[str, Fact] = {
    "r0003201001001001004_0001_wfi01_f106_cal.asdf": _fact(
        ASDF,
        "cell 8: asdf_dir_uri + 'r0003201001001001004_0001_wfi01_f106_cal.asdf' (also aperture_photometry, "
        "exposure_pipeline, romanisim, measuring_galaxy_shapes, jdaviz)",
    ),
    "r0003201001001001004_0002_wfi01_f106_cal.asdf": _fact(
        JDAVIZ, "cell 15: s3_bucket + '..._0002_wfi01_f106_cal.asdf'"
    ),
    "r0003201001001001004_0001_wfi02_f106_cal.asdf": _fact(
        CUTOUTS, "cell 6: asdf_dir_uri + '..._0001_wfi02_f106_cal.asdf'"
    ),
    "r0003201001001001004_0001_wfi11_f106_cal.asdf": _fact(
        DISCOVERY, "cell 22: asdf_dir_uri + '..._0001_wfi11_f106_cal.asdf'"
    ),
    "r0003201001001001004_0002_wfi11_f106_cal.asdf": _fact(
        MOSAIC, "cell 9: input_files, fetched with fs.get"
    ),
    "r0003201001001001004_0003_wfi11_f106_cal.asdf": _fact(
        MOSAIC, "cell 9: input_files, fetched with fs.get"
    ),
    "r0003201001001001004_0004_wfi11_f106_cal.asdf": _fact(
        MOSAIC, "cell 9: input_files, fetched with fs.get"
    ),
    "r0003201001001001004_0001_wfi01_f106_uncal.asdf": _fact(
        EXPOSURE,
        "cell 11: s3_uri + 'r0003201001001001004_0001_wfi01_f106_uncal.asdf' (also working_with_asdf cell 80)",
    ),
    "full_catalog.ecsv": _fact(
        PHOTOMETRY,
        "cell 13: Table.read(fs.open(asdf_dir_uri + 'full_catalog.ecsv', 'rb'), format='ascii.ecsv')",
    ),
    "my_roman_mosaic_coadd.asdf": _fact(
        DISCOVERY,
        "cell 21: 'The L3 file in the S3 bucket has a generic file name (my_roman_mosaic_coadd.asdf) that does not "
        "follow any naming convention'",
    ),
}

#: Files of the simulated HLWAS (program 342) Level 4 folders.
RECORDED_HLWAS_FILES: dict[str, Fact] = {
    "roman/nexus/soc_simulations/r00342/l4/l2_source_catalog/r0034201008001002018_0003_wfi01_f129_cat.parquet": _fact(
        CCS,
        "cells 50 and 52: root_path 's3://stpubdata/roman/nexus/soc_simulations/r00342/l4/l2_source_catalog/' "
        "+ 'r0034201008001002018_0003_wfi01_f129_cat.parquet', read with pandas and pyarrow",
    ),
}
#: Derived, not named: the segmentation map of that exposure.  The folder is recorded (CCS, HLWAS
#: "Data Organization on S3": 'l2_segmentation_map/ - Segmentation maps made from L2 files'), and so
#: is the naming (EXPOSURE: the pipeline writes '*_cat.parquet' and '*_segm.asdf' named like its input).
DERIVED_HLWAS_FILES: dict[str, Fact] = {
    "roman/nexus/soc_simulations/r00342/l4/l2_segmentation_map/r0034201008001002018_0003_wfi01_f129_segm.asdf": _fact(
        CCS,
        "derived: the l2_segmentation_map/ folder of the HLWAS Level 4 products, and the exposure's root "
        "with the pipeline's _segm.asdf suffix (exposure_pipeline, 2026-07-09)",
    ),
}

IRSA_KEY = _fact(
    DISCOVERY,
    "cell 24: 's3://nasa-irsa-simulations/openuniverse2024/roman/preview/RomanWAS/images/simple_model'"
    " + f'/{band}/{hpix}/Roman_WAS_simple_model_{band}_{hpix}_{sensor}.fits.gz' with F184, 15297, 11",
)
VISIT = _fact(
    SIMULATED,
    "'four full-focal-plane exposures (18 detectors each) in a four-point box dither pattern near the "
    "globular cluster NGC 6535, centered at (RA, Dec) = (270.94, -0.2) deg, using the F106 optical element'; "
    "dither steps (0, 0), (0.55, 200.55), (200.55, 0.55), (0.55, -200.55) arcsec, each from the previous "
    "position; 'a mosaic for detector 11 (WFI11)'",
)
NAMING = _fact(
    ROMANISIM,
    "cell 48: filename = f'{filename}_{expnum:04d}_wfi{sca:02d}_{optical_element.lower()}_{cal_level}.asdf' with "
    "filename='r0003201001001001004' and cal_level 'cal' (level 2) or 'uncal' (level 1)",
)
SHAPES_L1_L2 = _fact(
    ROMANISIM,
    "cell 3: L1 arrays are (N resultants, 4096 image rows, 4096 image columns); L2 arrays (4088 image rows, "
    "4088 image columns)",
)
PIXEL_SCALE = _fact(SHAPES, "cell 32: 'the pixel scale of 0.11 arcseconds per pixel'")
CATALOG_FORMAT = _fact(
    ROMANISIM,
    "cell 20: optical_element = 'F062 F087 F106 F129 F146 F158 F184 F213'; full_catalog = vstack([galaxy_cat, "
    "gaia_catalog]); cell 25: galaxies have type == 'SER' and a Sersic index n, stars type == 'PSF' (n = -1)",
)
PARQUET_CONTENT = _fact(
    CCS,
    "cell 54: cat.schema.metadata[b'roman.meta.exposure.start_time']; cell 56: df.x_centroid, df.y_centroid, "
    "df.is_extended",
)
RETIRED = Fact(
    "git grep at the commit finds 'roman-sci-test-data-prod-summer-beta-test' in no file: the tutorials no "
    "longer read the Roman science platform's private bucket",
    REPO,
    "2026-08-21",
)


def _keys(bucket: str) -> set[str]:
    return {o.key for o in catalogue_roman.objects() if o.bucket == bucket}


# --------------------------------------------------------------------------------------------
# The tutorial folder
# --------------------------------------------------------------------------------------------


def test_the_tutorial_folder_is_where_the_tutorials_read_it() -> None:
    assert catalogue_roman.MAST_BUCKET == "stpubdata", PREFIX
    assert catalogue_roman.TUTORIAL_PREFIX == TUTORIAL_PREFIX, PREFIX


@pytest.mark.parametrize("name", sorted(RECORDED_TUTORIAL_FILES))
def test_each_tutorial_file_the_sources_name_is_in_the_archive(name) -> None:
    assert f"{TUTORIAL_PREFIX}/{name}" in _keys("stpubdata"), RECORDED_TUTORIAL_FILES[name]


def test_the_archive_names_no_roman_file_the_sources_do_not() -> None:
    allowed = {f"{TUTORIAL_PREFIX}/{name}" for name in RECORDED_TUTORIAL_FILES}
    allowed |= set(RECORDED_HLWAS_FILES) | set(DERIVED_HLWAS_FILES)
    roman = {k for k in _keys("stpubdata") if k.startswith("roman/")}
    assert roman <= allowed, sorted(roman - allowed)


@pytest.mark.parametrize("key", sorted(RECORDED_HLWAS_FILES) + sorted(DERIVED_HLWAS_FILES))
def test_the_hlwas_level_4_files_are_in_the_archive(key) -> None:
    assert key in _keys("stpubdata"), {**RECORDED_HLWAS_FILES, **DERIVED_HLWAS_FILES}[key]


def test_the_file_names_follow_the_tutorial_s_naming() -> None:
    for exposure, detector in catalogue_roman.CAL_EXPOSURES:
        expected = f"r0003201001001001004_{exposure:04d}_wfi{detector:02d}_f106_cal.asdf"
        assert catalogue_roman.exposure_name(exposure, detector, "cal") == expected, NAMING


def test_the_retired_platform_bucket_is_gone() -> None:
    buckets = {o.bucket for o in catalogue_roman.objects()}
    assert buckets == {"stpubdata", "nasa-irsa-simulations"}, RETIRED


# --------------------------------------------------------------------------------------------
# What the files are
# --------------------------------------------------------------------------------------------


def test_the_visit_is_the_simulated_one() -> None:
    assert catalogue_roman.TUTORIAL_FIELD == (270.94, -0.2), VISIT
    assert catalogue_roman.BAND == "F106", VISIT
    assert catalogue_roman.DITHER_STEPS_REAL == (
        (0.0, 0.0),
        (0.55, 200.55),
        (200.55, 0.55),
        (0.55, -200.55),
    ), VISIT
    assert catalogue_roman.MOSAIC_DETECTOR == 11, VISIT


def test_the_stand_ins_keep_the_real_border_of_reference_pixels_and_pixel_scale() -> None:
    assert catalogue_roman.REAL_SIZE == 4088, SHAPES_L1_L2
    assert catalogue_roman.L1_SIZE - catalogue_roman.SIZE == 4096 - 4088, SHAPES_L1_L2
    assert catalogue_roman.PIXEL_SCALE == 0.11, PIXEL_SCALE


def test_the_input_catalogue_has_the_tutorial_s_format() -> None:
    from offline_archive.generate.roman import tutorial_catalog

    table = tutorial_catalog()
    bands = "F062 F087 F106 F129 F146 F158 F184 F213".split()
    assert table.colnames == ["ra", "dec", "type", "n", "half_light_radius", "pa", "ba", *bands], (
        CATALOG_FORMAT
    )
    types = list(table["type"])
    first_star = types.index("PSF")
    assert set(types[:first_star]) == {"SER"} and set(types[first_star:]) == {"PSF"}, CATALOG_FORMAT
    assert (table["n"][first_star:] == -1).all(), CATALOG_FORMAT


def test_the_pipeline_catalogue_has_the_columns_the_tutorial_reads() -> None:
    from roman_datamodels.datamodels import ImageSourceCatalogModel

    columns = ImageSourceCatalogModel.create_fake_data().create_empty_catalog().colnames
    assert {"x_centroid", "y_centroid", "is_extended"} <= set(columns), PARQUET_CONTENT


def test_the_openuniverse_key_is_irsa_s() -> None:
    folders = ["openuniverse2024", "roman", "preview", "RomanWAS", "images", "simple_model", "F184", "15297"]
    expected = "/".join([*folders, "Roman_WAS_simple_model_F184_15297_11.fits.gz"])
    assert catalogue_roman.ou_fits_key(11) == expected, IRSA_KEY
    assert expected in _keys("nasa-irsa-simulations"), IRSA_KEY
