"""Science checks of notebooks/01-querying-mast.ipynb, run against the offline archive.

The notebook is executed once for the module; the tests then read its variables from the kernel.
Expected values come from the archive's own definitions (offline_archive.sky.catalogue), never from
the notebook's outputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from offline_archive.sky.catalogue import observations as archive_observations

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "01-querying-mast.ipynb"
TIC = "25132999"
#: A multi-sector observation's obs_id has no pipeline-run suffix (tests/fidelity/test_mast_services.py);
#: it starts with sector 1's stamp, as the real files of multi-sector runs do (offline_archive.sky.catalogue).
NEWEST_RUN = "tess2018206190142-s0001-s0003-0000000025132999"
OBSOLETE_RUN = "tess2018206190142-s0001-s0002-0000000025132999"
DV_KINDS = {"dvt.fits", "dvr.pdf", "dvr.xml", "dvm.pdf", "dvs.pdf"}


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    download_dir = executed.evaluate("str(download_dir)")
    yield executed
    executed.shutdown()
    shutil.rmtree(download_dir, ignore_errors=True)


def archive_rows_of_tic():
    return [o for o in archive_observations() if o.obs_collection == "TESS" and o.target_name == TIC]


def test_no_unintended_warnings_or_log_messages(notebook):
    assert notebook.stderr_by_cell() == {}


def test_query_by_tic_number_finds_every_time_series(notebook):
    expected = sorted(o.obs_id for o in archive_rows_of_tic())
    assert sorted(notebook.evaluate("list(observations['obs_id'])")) == expected
    assert notebook.evaluate("sorted(set(observations['dataproduct_type']))") == ["timeseries"]


def test_metadata_tables_list_the_searchable_columns(notebook):
    names = set(notebook.evaluate("list(observation_fields['Column Name'])"))
    assert {"obs_id", "obsid", "target_name", "sequence_number", "t_exptime", "dataURL"} <= names
    product_names = set(notebook.evaluate("list(product_fields['Column Name'])"))
    assert {"productFilename", "productSubGroupDescription", "dataURI", "size"} <= product_names


def test_the_position_search_adds_full_frame_images(notebook):
    kinds = notebook.evaluate("dict(Counter(around_star['dataproduct_type'].tolist()))")
    assert kinds.get("image", 0) >= 1
    assert kinds["timeseries"] == len(archive_rows_of_tic())


def test_kinds_and_sector_ranges(notebook):
    rows = notebook.evaluate(
        "sorted([str(r['kind']), int(r['first_sector']), int(r['last_sector'])] for r in classified)"
    )
    expected = []
    for o in archive_rows_of_tic():
        if o.sequence_number is None:  # a multi-sector DV run: its sectors are in its products' parameters
            main = o.products[0]
            expected.append(["multi-sector", main.param("first_sector"), main.param("last_sector")])
        else:
            expected.append(["single-sector", o.sequence_number, o.sequence_number])
    assert rows == sorted(expected)
    assert sorted(notebook.evaluate("[str(s) for s in dv_runs['obs_id']]")) == sorted(
        o.obs_id for o in archive_rows_of_tic() if o.data_url.endswith("dvt.fits")
    )


def test_the_newest_dv_run_is_sectors_1_to_3(notebook):
    assert sorted(notebook.evaluate("[str(s) for s in dv_runs['obs_id']]")) == [OBSOLETE_RUN, NEWEST_RUN]
    assert notebook.evaluate("str(newest_run['obs_id'])") == NEWEST_RUN
    assert notebook.evaluate("[int(newest_run['first_sector']), int(newest_run['last_sector'])]") == [1, 3]


def test_single_sector_products_and_filters(notebook):
    assert notebook.evaluate("[int(s) for s in sector1['sequence_number']]") == [1]
    groups = set(notebook.evaluate("list(sector1_products['productSubGroupDescription'])"))
    assert {"LC", "TP", "DVT", "DVR", "DVM", "DVS"} <= groups
    assert notebook.evaluate("sorted(lc_and_tp['productSubGroupDescription'])") == ["LC", "TP"]
    pdfs = notebook.evaluate("list(pdf_reports['productFilename'])")
    assert sorted(name.rsplit("_", 1)[1] for name in pdfs) == ["dvm.pdf", "dvr.pdf", "dvs.pdf"]


def test_the_dv_product_set(notebook):
    kinds = notebook.evaluate("sorted(set(dv_products['kind']))")
    assert set(kinds) == DV_KINDS
    names = notebook.evaluate("list(dv_products['productFilename'])")
    assert all(name.startswith(NEWEST_RUN + "-") for name in names)
    assert not any(name.endswith(("lc.fits", "tp.fits")) for name in names)


def test_exercise_finds_the_sectors_with_a_tce(notebook):
    expected = sorted(
        o.sequence_number
        for o in archive_rows_of_tic()
        if o.data_url.endswith("lc.fits") and any(p.subgroup == "DVT" for p in o.products)
    )
    # SPOC's single-sector TCE tables of sectors 1 to 5 list TCEs of TIC 25132999 in sectors 1, 2 and 4
    # (tests/fidelity/test_real_targets.py).
    assert notebook.evaluate("tce_sectors") == expected == [1, 2, 4]


def test_the_manifest_says_complete_and_the_files_exist(notebook):
    columns = notebook.evaluate("manifest.colnames")
    assert columns == ["Local Path", "Status", "Message", "URL"]
    assert set(notebook.evaluate("list(manifest['Status'])")) == {"COMPLETE"}
    paths = [Path(p) for p in notebook.evaluate("[str(p) for p in manifest['Local Path']]")]
    assert len(paths) == notebook.evaluate("len(dv_products)")
    download_dir = Path(notebook.evaluate("str(download_dir)"))
    for path in paths:
        assert path.is_file() and path.stat().st_size > 0
        assert download_dir in path.parents
    # Nothing was written into the repository.
    assert not (NOTEBOOKS / "mastDownload").exists()


def test_pandas_views(notebook):
    assert notebook.evaluate("type(observations_df).__name__") == "DataFrame"
    assert notebook.evaluate("len(products_df)") == notebook.evaluate("len(dv_products)")
