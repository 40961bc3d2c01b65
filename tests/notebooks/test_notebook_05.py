"""Science checks of notebooks/05-bulk-ffis-with-dask.ipynb, run against the offline archive.

The notebook is executed once for the module; the tests then read its variables from the kernel.
Expected values come from the archive's own definitions (offline_archive.sky.catalogue_ffi and the
FFI generator), never from the notebook's outputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from offline_archive.generate import ffi_sector
from offline_archive.sky import catalogue_ffi

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05-bulk-ffis-with-dask.ipynb"
FRAMES = catalogue_ffi.frames()
ECLIPSES = catalogue_ffi.FIELD_STAR.eclipses


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


def test_only_the_progress_bar_writes_to_stderr(notebook):
    stderr = notebook.stderr_by_cell()
    bulk_cell = next(i for i, c in enumerate(notebook.nb.cells) if "measure_files(ffic_uris" in c.source)
    assert set(stderr) <= {bulk_cell}
    text = stderr.get(bulk_cell, "")
    assert "Warning" not in text and "Error" not in text and "Traceback" not in text
    assert "Measuring files" in text and f"{len(FRAMES)}/{len(FRAMES)}" in text


def test_the_query_finds_every_calibrated_ffi(notebook):
    assert notebook.evaluate("list(ffi_obs['obs_id'])") == ["tess-s0001-1-1"]
    assert notebook.evaluate("list(ffic['productFilename'])") == [f.filename for f in FRAMES]
    assert notebook.evaluate("sorted(set(ffic['productSubGroupDescription']))") == ["FFIC"]


def test_the_listing_and_get_cloud_uris_agree_with_the_archive(notebook):
    expected = [f"s3://stpubdata/{f.s3_dir}/{f.filename}" for f in FRAMES]
    assert notebook.evaluate("ffic_uris") == expected
    assert notebook.evaluate("sample_uris") == expected[:50]


def test_the_resolver_gives_the_catalogued_binary(notebook):
    star = catalogue_ffi.FIELD_STAR
    ra, dec = notebook.evaluate("[float(star.ra.deg), float(star.dec.deg)]")
    assert (ra, dec) == pytest.approx((star.ra, star.dec), abs=1e-6)
    assert notebook.evaluate("PERIOD_DAYS") == pytest.approx(ECLIPSES.period_days, abs=1e-4)


def test_the_star_is_found_on_its_pixel(notebook):
    x, y = notebook.evaluate("[photometry.x, photometry.y]")
    peak = np.unravel_index(np.argmax(ffi_sector.window().star_psf), (ffi_sector.SIDE, ffi_sector.SIDE))
    assert (round(y), round(x)) == peak


def test_one_file_reads_a_part_of_it(notebook):
    read, size = notebook.evaluate("[first['bytes_read'], int(ffic['size'][0])]")
    assert 0 < read < size


def test_every_frame_is_measured_and_nothing_fails(notebook):
    assert notebook.evaluate("result.failures") == []
    assert notebook.evaluate("result.n_files") == notebook.evaluate("len(lc)") == len(FRAMES)
    times = notebook.evaluate("list(lc['time'])")
    assert times == pytest.approx([(f.tstart + f.tstop) / 2 for f in FRAMES])


def test_flagged_frames_are_left_out(notebook):
    expected = int(np.sum(ffi_sector._quality() == 0))
    assert notebook.evaluate("len(good)") == expected < len(FRAMES)


def test_the_light_curve_shows_both_eclipses(notebook):
    assert notebook.evaluate("float(relative.min())") == pytest.approx(1 - ECLIPSES.primary_depth, abs=0.02)
    secondary = notebook.evaluate(
        "[float(v) for v in (phase[(phase > 0.3) & (phase < 0.7)][np.argmin(relative[(phase > 0.3) & (phase < 0.7)])],"
        " relative[(phase > 0.3) & (phase < 0.7)].min())]"
    )
    assert secondary[0] == pytest.approx(0.5, abs=0.02), (
        "the secondary eclipse is halfway between the primaries"
    )
    assert secondary[1] == pytest.approx(1 - ECLIPSES.secondary_depth, abs=0.02)


def test_the_background_rises_at_the_end_of_each_orbit(notebook):
    background = np.array(notebook.evaluate("list(good['background'])"))
    times = np.array(notebook.evaluate("list(good['time'])"))
    first_orbit = times < catalogue_ffi.SECTOR.gap_btjd[0]
    assert background[first_orbit][-1] > 2 * np.median(background[first_orbit])


def test_the_local_cluster_is_closed_at_the_end(notebook):
    assert notebook.evaluate("client.status") == "closed"
