"""Science checks of notebooks/00-cloud-introduction.ipynb, run against the offline archive.

The notebook is executed once for the module; the tests then read its variables from the kernel.
Expected values come from the archive's own definitions (offline_archive.sky.targets / catalogue /
generate), never from the notebook's outputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_archive.generate.tess import expected_good_cadences
from offline_archive.sky.catalogue import observations as archive_observations
from offline_archive.sky.targets import PI_MEN, TRAPPIST_1

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "00-cloud-introduction.ipynb"
PI_MEN_C = PI_MEN.planets[0]


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


def test_no_unintended_warnings_or_log_messages(notebook):
    assert notebook.stderr_by_cell() == {}


def test_fomalhaut_counts_agree_between_position_and_name(notebook):
    by_position = notebook.evaluate("Observations.query_region_count(fomalhaut, radius=search_radius)")
    assert by_position == notebook.evaluate("len(fomalhaut_obs)")
    by_name = notebook.evaluate('Observations.query_object_count("Fomalhaut", radius=search_radius)')
    assert by_name == by_position
    found_by_name = notebook.evaluate("sorted(fomalhaut_by_name['obs_id'])")
    assert found_by_name == notebook.evaluate("sorted(fomalhaut_obs['obs_id'])")
    assert notebook.evaluate("sorted(set(fomalhaut_hst['obs_collection']))") == ["HST"]
    assert 0 < notebook.evaluate("len(fomalhaut_hst)") < by_position


def test_trappist_count_matches_the_archive(notebook):
    answer = notebook.evaluate("trappist_count")
    assert answer == notebook.evaluate('Observations.query_object_count("TRAPPIST-1", radius=2 * u.arcsec)')
    within_2_arcsec = [
        o for o in archive_observations() if o.distance_arcsec(TRAPPIST_1.ra, TRAPPIST_1.dec) <= 2.0
    ]
    assert answer == len(within_2_arcsec)


def test_pi_men_tess_search_and_distance(notebook):
    assert notebook.evaluate("sorted(set(pi_men_tess['obs_collection']))") == ["TESS"]
    assert set(notebook.evaluate("list(pi_men_tess['dataproduct_type'])")) == {"timeseries", "image"}
    # Pi Mensae lies inside every footprint, so every distance is zero.
    assert notebook.evaluate("[float(d) for d in pi_men_tess['distance']]") == [0.0] * notebook.evaluate(
        "len(pi_men_tess)"
    )


def test_the_picked_observation_is_sector_27_at_120_s(notebook):
    picked = notebook.evaluate(
        "[(int(r['sequence_number']), float(r['t_exptime']), str(r['dataproduct_type']),"
        " str(r['target_name'])) for r in sector27]"
    )
    assert picked == [[27, 120.0, "timeseries", str(PI_MEN.tic)]]


def test_the_light_curve_product_and_its_cloud_uri(notebook):
    assert notebook.evaluate("list(lc_products['productSubGroupDescription'])") == ["LC"]
    uri = notebook.evaluate("lc_uri")
    assert uri.startswith("s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/")
    assert uri.endswith("-s0027-0000000261136679-0189-s_lc.fits")


def test_light_curve_has_the_expected_cadences(notebook):
    assert notebook.evaluate("lc.meta['SECTOR']") == 27
    assert notebook.evaluate("len(lc)") == expected_good_cadences("pi_men", 27, 120)


def test_the_transit_of_pi_men_c_is_detected(notebook):
    assert notebook.evaluate("transit.is_detected()")
    depth = notebook.evaluate("transit.depth_ppm")
    error = notebook.evaluate("transit.depth_err_ppm")
    assert abs(depth - PI_MEN_C.depth_ppm) < 5 * error
    # Sector 27 spans about 24 days: three or four transits of a 6.27-day orbit.
    assert notebook.evaluate("transit.n_transits") in (3, 4)


def test_bad_inputs_are_shown_not_raised(notebook):
    text = notebook.outputs_text("stdout")
    assert "ResolverError: Could not resolve" in text
    assert "NoResultsWarning: Query returned no results." in text
    assert notebook.evaluate("len(sector2)") == 0
    assert notebook.evaluate("len(ffi_products)") == 0
    assert "No TESS time series of Pi Mensae in sector 2 were found." in text
    assert "Next step:" in text
