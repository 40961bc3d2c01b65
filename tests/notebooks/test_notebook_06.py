"""Science checks of notebooks/06-one-star-kepler-and-tess.ipynb, run against the offline archive.

The notebook is executed once for the module; the tests read its variables from the kernel.
Expected values come from the archive's definitions (offline_archive.sky) and its cadence model,
never from the notebook's outputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from offline_archive.generate import kepler as kepler_files
from offline_archive.generate import tess as tess_files
from offline_archive.sky import catalogue, catalogue_kepler, targets
from offline_archive.sky.targets import HAT_P_7, SECTORS

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06-one-star-kepler-and-tess.ipynb"
(PLANET,) = HAT_P_7.planets


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


def _complete_transits(times_btjd: np.ndarray) -> int:
    """Transits the cadences cover on both sides, each half holding at least 3 of 6+ points inside."""
    period, epoch, duration = PLANET.period_days, PLANET.epoch_btjd, PLANET.duration_hours / 24
    count = 0
    for n in range(
        int(np.ceil((times_btjd.min() - epoch) / period)) - 1, int((times_btjd.max() - epoch) / period) + 2
    ):
        offset = times_btjd - (epoch + n * period)
        near = offset[np.abs(offset) < 1.5 * duration]
        inside = near[np.abs(near) < duration / 2]
        if (
            inside.size >= 6
            and min(np.sum(inside < 0), np.sum(inside > 0)) >= 3
            and np.any(near < -duration / 2)
            and np.any(near > duration / 2)
        ):
            count += 1
    return count


def test_both_missions_are_found_by_one_query(notebook):
    assert notebook.evaluate("sorted({str(c) for c in obs['obs_collection']})") == ["Kepler", "TESS"]
    assert notebook.evaluate("[str(i) for i in series['obs_id'] if str(i).startswith('kplr')]") == [
        "kplr010666592_lc_Q111111111111111111"
    ]
    expected = sorted(catalogue.HAT_P_7_CCD)
    assert (
        notebook.evaluate("[int(s) for s in series['sequence_number'] if s is not np.ma.masked]") == expected
    )


def test_the_light_curves_read_are_the_archives(notebook):
    held = [
        f"s3://stpubdata/{p.s3_dir}/{p.filename}"
        for o in catalogue.observations()
        if o.target == "hat_p_7" and o.dataproduct_type == "timeseries"
        for p in o.products
    ]
    assert sorted(notebook.evaluate("uris")) == sorted(held)
    assert notebook.evaluate("[lc.quarter for lc in kepler]") == list(catalogue_kepler.HELD_QUARTERS)
    assert notebook.evaluate("[lc.sector for lc in tess]") == sorted(catalogue.HAT_P_7_CCD)


def test_time_axes_are_shown_from_their_origins(notebook):
    first = catalogue_kepler.QUARTERS[0].start_bkjd
    assert notebook.evaluate("float(first_kepler.bkjd)") == pytest.approx(first, abs=1e-6)
    assert notebook.evaluate("float(kepler[0].time[0].value)") == pytest.approx(
        first + 2454833.0 - 2457000.0, abs=1e-6
    )
    assert notebook.evaluate("joined.time.format") == "btjd"


def test_nearly_every_complete_transit_is_measured_in_each_mission(notebook):
    kepler_times = np.concatenate(
        [
            (t := kepler_files.long_cadence_times(catalogue_kepler.QUARTERS[q]))[kepler_files.quality(t) == 0]
            + catalogue_kepler.BKJD_OFFSET
            - targets.BTJD_OFFSET
            for q in catalogue_kepler.HELD_QUARTERS
        ]
    )
    tess_times = []
    for s in catalogue.HAT_P_7_CCD:
        t = targets.cadence_times(SECTORS[s], 120)
        tess_times.append(
            t[(tess_files.quality_flags("hat_p_7", s, t, 120) & tess_files.DEFAULT_BITMASK) == 0]
        )
    # A fit may fail to converge on a transit: nine in ten complete transits must be timed.
    for name, times in (("Kepler", kepler_times), ("TESS", np.concatenate(tess_times))):
        complete = _complete_transits(times)
        assert 0.9 * complete <= notebook.evaluate(f"len(times[{name!r}])") <= complete, name
        assert complete > 40, name
    assert notebook.evaluate("len(times['both'])") == notebook.evaluate(
        "len(times['Kepler']) + len(times['TESS'])"
    )


def test_fitted_periods_agree_with_the_published_one(notebook):
    for name in ("Kepler", "TESS", "both"):
        period, error = notebook.evaluate(
            f"[ephemerides[{name!r}].period, ephemerides[{name!r}].period_error]"
        )
        assert abs(period - PLANET.period_days) < 3 * error, name
        assert error * 86400 < 1.0, name  # each mission alone: better than a second


def test_joining_the_missions_shrinks_the_uncertainty(notebook):
    kepler, tess, both = notebook.evaluate(
        "[ephemerides[k].period_error for k in ('Kepler', 'TESS', 'both')]"
    )
    assert both < min(kepler, tess) / 3
    assert notebook.evaluate("shrink") > 3


def test_the_exercise_finds_the_stars_both_missions_observed(notebook):
    assert notebook.evaluate("both_missions") == ["HAT-P-7", "Kepler-10"]
    assert notebook.evaluate("missions['pi Men']") == ["TESS"]
