"""Science checks of notebooks/03-tesscut-animation.ipynb, run against the offline archive.

Expected values come from the archive's definitions (offline_archive.sky.targets: the sector's frame
times, the target, the asteroid's track), never from the notebook's outputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from offline_archive.sky import catalogue, targets
from offline_archive.sky.targets import FLYBYS, SECTORS, TIC_214568914

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03-tesscut-animation.ipynb"
FRAME_TIMES = targets.cadence_times(SECTORS[1], catalogue.FFI_CADENCE_S)
FLYBY = FLYBYS[0]


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


@pytest.fixture(scope="module")
def excess(notebook):
    """The brightest change in every frame of the cutout, against the median frame (e-/s)."""
    return np.array(
        notebook.evaluate(
            "(lambda change: (change - np.median(change, axis=(1, 2), keepdims=True)).max(axis=(1, 2)).tolist())"
            "(flux - np.median(flux, axis=0))"
        )
    )


def test_no_unintended_warnings_or_log_messages(notebook):
    assert notebook.stderr_by_cell() == {}


def test_the_position_comes_from_the_dv_header(notebook):
    assert notebook.evaluate("[star.ra.deg, star.dec.deg]") == [TIC_214568914.ra, TIC_214568914.dec]


def test_the_sector_list(notebook):
    rows = notebook.evaluate(
        "[[str(r['sectorName']), int(r['sector']), int(r['camera']), int(r['ccd'])] for r in sectors]"
    )
    assert rows == [["tess-s0001-1-2", 1, 1, 2]]


def test_the_cutout_is_every_frame_times_50_by_50(notebook):
    assert notebook.evaluate("len(cutouts)") == 1
    assert notebook.evaluate("list(flux.shape)") == [FRAME_TIMES.size, 50, 50]
    assert np.allclose(notebook.evaluate("times.tolist()"), FRAME_TIMES)
    column, row = notebook.evaluate("[float(star_column), float(star_row)]")
    assert abs(column - 24.5) <= 1 and abs(row - 24.5) <= 1


def test_the_star_is_a_faint_spot_among_brighter_stars(notebook):
    star_pixel, median, brighter = notebook.evaluate(
        "[float(star_pixel), float(np.median(flux[before])), int(brighter)]"
    )
    assert star_pixel > median + 10  # a spot above the background (e-/s)
    assert brighter > 50  # many pixels of the field's stars are brighter: "many of them brighter than it"
    assert 50 < median < star_pixel < 150  # inside the figure's colour scale (vmin 50, vmax 150)


def test_the_day_animated_is_centred_on_the_light_curves_peak(notebook):
    event_time = notebook.evaluate("event_time")
    assert event_time == pytest.approx(FLYBY.closest_btjd, abs=0.01)
    assert event_time == pytest.approx(TIC_214568914.planets[0].epoch_btjd, abs=0.01)  # the TCE's epoch
    assert notebook.evaluate("float(np.nanmax(detrended[near]))") > 1.0  # "well over twice"
    expected = np.flatnonzero((FRAME_TIMES >= event_time - 0.5) & (FRAME_TIMES <= event_time + 0.5))
    assert notebook.evaluate("frames.tolist()") == expected.tolist()
    assert expected.size == 48  # one day of 30-minute frames, as the movie's caption says
    assert notebook.evaluate("peak_frame") == int(np.argmin(np.abs(FRAME_TIMES - FLYBY.closest_btjd)))


def test_the_animation_has_one_frame_per_picked_frame(notebook):
    html = notebook.evaluate("movie_html")
    assert len(re.findall(r"frames\[\d+\] = ", html)) == 48
    assert notebook.evaluate("movie.frames.tolist()") == notebook.evaluate("frames.tolist()")
    assert notebook.evaluate("len(movie.figure.axes[0].images)") == 1
    outputs = [o for cell in notebook.nb.cells for o in cell.get("outputs", [])]
    assert any("frames[47] = " in o.get("data", {}).get("text/html", "") for o in outputs)


def test_the_event_is_in_the_frames_picked_and_nowhere_else(notebook, excess):
    frames = np.array(notebook.evaluate("frames.tolist()"))
    inside = np.zeros(excess.size, dtype=bool)
    inside[frames] = True
    quiet = excess[~inside].max()  # the strongest change in every other frame of the sector
    # Something far brighter than that in almost every picked frame:
    assert np.count_nonzero(excess[inside] > 5 * quiet) >= 40


def test_the_tracked_spot_moves_at_the_asteroids_speed_over_the_star(notebook):
    track = notebook.evaluate("[[float(r['time']), float(r['column']), float(r['row'])] for r in track]")
    seen = [(t, c, r) for t, c, r in track if np.isfinite(c)]
    assert len(seen) >= 40
    closest = min(seen, key=lambda point: abs(point[0] - FLYBY.closest_btjd))
    column, row = notebook.evaluate("[float(star_column), float(star_row)]")
    assert abs(closest[1] - column) <= 2 and abs(closest[2] - row) <= 2
    times, columns, rows = np.array(seen).T
    assert np.polyfit(times, rows, 1)[0] < 0 and np.polyfit(times, columns, 1)[0] < 0  # down and to the left
    assert rows[0] > 40 and rows[-1] < 10  # from the top edge to the bottom edge
    assert abs(np.polyfit(times, rows, 1)[0]) > 2 * abs(np.polyfit(times, columns, 1)[0])  # mostly along rows
    expected = FLYBY.rate_deg_per_day * 3600 / 24  # arcsec per hour
    assert notebook.evaluate("speed_arcsec_per_hour") == pytest.approx(expected, rel=0.1)


def test_the_spot_keeps_a_few_tens_of_electrons_per_second(notebook):
    track = notebook.evaluate("[[float(r['column']), float(r['row']), float(r['excess'])] for r in track]")
    inner = [e for c, r, e in track if np.isfinite(c) and 3 <= c <= 46 and 3 <= r <= 46]
    assert len(inner) >= 30
    assert 10 < np.median(inner) < 100
    assert max(inner) < 2 * min(inner)  # "about the same brightness all the way across"
