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
from offline_archive.generate.roman import OU_GALAXY_COLUMNS, OU_STAR_COLUMNS
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


def test_the_roman_bucket_is_listed_and_refuses_anonymous_readers(notebook):
    listing = notebook.evaluate("fs.ls(roman_bucket)")
    assert sorted(p.rsplit("/", 1)[1] for p in listing) == ["OPEN_UNIVERSE", "ROMANISIM", "STIPS"]
    assert "refused an anonymous request" in notebook.outputs_text("stdout")


def test_roman_metadata_cost_a_few_percent_and_defaults_the_whole_file(notebook):
    size = notebook.evaluate("dense_size")
    assert notebook.evaluate("default_open.bytes") >= size
    assert notebook.evaluate("metadata_share") <= 0.10
    assert notebook.evaluate("plain_read.bytes") <= 0.10 * size


def test_the_openuniverse_twins_and_their_catalogues(notebook):
    assert notebook.evaluate("same_image") is True
    assert notebook.evaluate("wcs_offset_arcsec") < 1e-6
    assert tuple(notebook.evaluate("galaxies.colnames")) == OU_GALAXY_COLUMNS
    assert tuple(notebook.evaluate("stars.colnames")) == OU_STAR_COLUMNS
    assert notebook.evaluate("sorted(catalogs)") == ["galaxies", "point_sources", "transients"]
    assert notebook.evaluate("ou_image.shape") == [catalogue_roman.SIZE, catalogue_roman.SIZE]


def test_the_catalogued_sources_fall_on_the_image(notebook):
    x = np.array(notebook.evaluate("gx.tolist()"))
    y = np.array(notebook.evaluate("gy.tolist()"))
    assert len(x) == notebook.evaluate("len(galaxies)") > 0
    assert (
        (x > -0.5) & (x < catalogue_roman.SIZE - 0.5) & (y > -0.5) & (y < catalogue_roman.SIZE - 0.5)
    ).all()


def test_the_exercise_reads_the_weight_map_cheaply(notebook):
    assert notebook.evaluate("weights.shape") == [100, 100]
    assert notebook.evaluate("weight_read.bytes") < notebook.evaluate("first_size") / 20
