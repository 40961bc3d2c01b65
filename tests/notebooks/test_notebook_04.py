"""Science checks of notebooks/04-streaming-hst-and-roman.ipynb, run against the offline archive.

The notebook is executed once for the module; the tests then read its variables from the kernel.
Expected values come from the archive's definitions (offline_archive.sky.catalogue_hst and
catalogue_roman) and from its built files, never from the notebook's outputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.build import storage_path
from offline_archive.paths import archive_root
from offline_archive.sky import catalogue_hst, catalogue_roman
from offline_archive.store import DataStore

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04-streaming-hst-and-roman.ipynb"
OBSID = "24797441"


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


def drz_of(obs) -> str:
    return next(p.filename for p in obs.products if p.filename.endswith("_drz.fits"))


def cloud_uri(filename: str) -> str:
    for obs in catalogue_hst.observations():
        for product in obs.products:
            if product.filename == filename:
                bucket, key, _ = storage_path(obs, product)
                return f"s3://{bucket}/{key}"
    raise LookupError(filename)


def test_no_unintended_warnings_or_log_messages(notebook):
    assert notebook.stderr_by_cell() == {}


def test_the_query_finds_the_proposal_s_observations(notebook):
    assert sorted(notebook.evaluate("list(observations['obs_id'])")) == sorted(
        o.obs_id for o in catalogue_hst.observations()
    )
    assert notebook.evaluate("len(products)") == sum(len(o.products) for o in catalogue_hst.observations())


def test_the_filters_keep_the_drizzled_images(notebook):
    expected = sorted(drz_of(o) for o in catalogue_hst.observations())
    assert sorted(notebook.evaluate("list(science['productFilename'])")) == expected
    assert sorted(notebook.evaluate("list(drz_products['productFilename'])")) == expected
    assert notebook.evaluate("[str(x) for x in single['obsID']]") == [OBSID]
    chosen = next(o for o in catalogue_hst.observations() if str(o.obsid) == OBSID)
    assert notebook.evaluate("list(single['productFilename'])") == [drz_of(chosen)]


def test_the_cloud_uris_are_the_real_keys(notebook):
    expected = [cloud_uri(name) for name in notebook.evaluate("list(drz_products['productFilename'])")]
    assert notebook.evaluate("uris") == expected
    assert notebook.evaluate("drz_uri") == "s3://stpubdata/hst/public/iab9/iab902010/iab902010_drz.fits"


def test_the_section_equals_the_same_pixels_read_whole(notebook):
    assert notebook.evaluate("same_pixels") is True
    rows = slice(*notebook.evaluate("[rows.start, rows.stop]"))
    columns = slice(*notebook.evaluate("[columns.start, columns.stop]"))
    stored = DataStore(archive_root()).get("mast:HST/product/iab902010_drz.fits")
    with fits.open(stored.path) as hdul:
        whole = hdul["SCI"].data
        assert np.array_equal(
            np.array(notebook.evaluate("cutout.astype(float).tolist()")), whole[rows, columns]
        )


def test_the_helpers_cutout_fetches_a_small_part_of_the_default(notebook):
    size = notebook.evaluate("file_size")
    ours, default = notebook.evaluate("ours.bytes"), notebook.evaluate("default.bytes")
    assert default >= size
    assert ours < size / 20
    assert ours >= 100 * 100 * 4, "at least the cutout's own pixels"
    assert notebook.evaluate("opening.bytes") < 64 * 1024, "all the headers in well under 64 KiB"


def _stored(key: str) -> Path:
    store = DataStore(archive_root())
    return next(f.path for f in store.cloud_objects() if f.bucket == "stpubdata" and f.key == key)


TUTORIAL = catalogue_roman.TUTORIAL_PREFIX
CAL_KEY = f"{TUTORIAL}/{catalogue_roman.exposure_name(1, 1, 'cal')}"


def test_the_tutorial_folder_is_listed_anonymously(notebook):
    assert notebook.evaluate("roman_folder") == f"s3://stpubdata/{TUTORIAL}/"
    expected = sorted(
        o.key.rsplit("/", 1)[1] for o in catalogue_roman.objects() if o.key.startswith(TUTORIAL)
    )
    assert notebook.evaluate("roman_files") == expected
    assert notebook.evaluate("cal_uri") == f"s3://stpubdata/{CAL_KEY}"


def test_roman_metadata_cost_a_few_percent_and_defaults_the_whole_file(notebook):
    size = notebook.evaluate("cal_size")
    assert size == _stored(CAL_KEY).stat().st_size
    assert notebook.evaluate("default_open.bytes") >= size
    assert notebook.evaluate("metadata_share") <= 0.10
    assert "ImageModel WFI01 F106" in notebook.outputs_text("stdout")


def test_the_region_costs_the_data_array_and_holds_the_stored_pixels(notebook):
    import roman_datamodels as rdm

    with rdm.open(_stored(CAL_KEY)) as model:
        whole = np.asarray(model.data)
    rows = slice(*notebook.evaluate("[roman_rows.start, roman_rows.stop]"))
    columns = slice(*notebook.evaluate("[roman_columns.start, roman_columns.stop]"))
    assert np.array_equal(
        np.array(notebook.evaluate("region.tolist()"), dtype=np.float32), whole[rows, columns]
    )
    share = notebook.evaluate("region_share")
    assert 0.9 * whole.nbytes / notebook.evaluate("cal_size") <= share < 0.5


def test_the_cutout_is_the_same_both_ways_and_costs_a_third(notebook):
    import roman_datamodels as rdm

    assert notebook.evaluate("same_cutout") is True
    size = notebook.evaluate("cal_size")
    assert notebook.evaluate("astrocut_default.bytes") >= size
    ours = notebook.evaluate("cutout_read.bytes")
    assert ours < 0.5 * size and ours == notebook.evaluate("region_read.bytes")
    x0, y0 = notebook.evaluate("list(cut.origin_original)")
    with rdm.open(_stored(CAL_KEY)) as model:
        expected = np.asarray(model.data)[y0 : y0 + 100, x0 : x0 + 100]
    assert np.array_equal(np.array(notebook.evaluate("cut.data.tolist()"), dtype=np.float32), expected)
    assert notebook.evaluate("same_corner") < 1e-3


def test_the_sources_on_the_detector_are_those_its_wcs_places_on_it(notebook):
    import roman_datamodels as rdm
    from astropy.table import Table

    catalog = Table.read(_stored(f"{TUTORIAL}/{catalogue_roman.CATALOG_NAME}"), format="ascii.ecsv")
    assert notebook.evaluate("len(catalog)") == len(catalog)
    with rdm.open(_stored(CAL_KEY)) as model:
        x, y = model.meta.wcs.world_to_pixel_values(np.asarray(catalog["ra"]), np.asarray(catalog["dec"]))
    size = catalogue_roman.SIZE
    inside = (x > -0.5) & (x < size - 0.5) & (y > -0.5) & (y < size - 0.5)
    galaxies = np.asarray(catalog["type"]) == "SER"
    assert notebook.evaluate("int(on_image.sum())") == int(inside.sum()) > 20
    assert notebook.evaluate("int(galaxies_on.sum())") == int((inside & galaxies).sum()) > 0
    assert notebook.evaluate("int(stars_on.sum())") == int((inside & ~galaxies).sum()) > 0


def test_the_pipeline_catalogue_has_a_segment_per_source(notebook):
    assert notebook.evaluate("segm_type") == "SegmentationMapModel"
    assert notebook.evaluate("n_segments") == notebook.evaluate("len(sources)") > 50
    assert notebook.evaluate("sources.colnames") == [
        "label",
        "x_centroid",
        "y_centroid",
        "kron_abmag",
        "is_extended",
    ]


def test_the_openuniverse_image_is_read_from_irsa(notebook):
    assert (
        notebook.evaluate("irsa_uri")
        == f"s3://{catalogue_roman.IRSA_BUCKET}/{catalogue_roman.ou_fits_key(11)}"
    )
    assert notebook.evaluate("list(ou_fits_image.shape)") == [catalogue_roman.SIZE, catalogue_roman.SIZE]
    ra, dec = notebook.evaluate("[ou_centre.ra.deg, ou_centre.dec.deg]")
    assert abs(ra - catalogue_roman.OU_FIELD[0]) < 0.05 and abs(dec - catalogue_roman.OU_FIELD[1]) < 0.05


def test_the_notebook_never_names_the_retired_bucket() -> None:
    assert "summer-beta" not in NOTEBOOK.read_text()


def test_the_exercise_reads_the_weight_map_cheaply(notebook):
    assert notebook.evaluate("weights.shape") == [100, 100]
    assert notebook.evaluate("weight_read.bytes") < notebook.evaluate("first_size") / 20
