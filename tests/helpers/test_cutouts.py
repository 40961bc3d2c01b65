"""helpers.cutouts on synthetic cutouts: frames by time, the errors for times outside, the mover tracker."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table

from helpers.cutouts import (
    cadence_days,
    frame_index,
    frames_between,
    require_cutouts,
    require_sectors,
    track_moving_source,
)
from helpers.errors import NoCutoutError, TimeOutsideCutoutError

STEP = 1 / 48  # 30 minutes
# Two orbits of 30-minute frames with a two-day gap between them, as in a TESS sector.
TIMES = np.concatenate([1325.0 + STEP * np.arange(200), 1331.2 + STEP * np.arange(200)])
WHERE = SkyCoord(322.7, -29.45, unit="deg")


def test_cadence_is_the_typical_step():
    assert cadence_days(TIMES) == pytest.approx(STEP)


def test_frame_index_finds_the_nearest_frame():
    assert frame_index(TIMES, 1325.0) == 0
    assert frame_index(TIMES, 1325.0 + 10.4 * STEP) == 10
    assert frame_index(TIMES, TIMES[-1] + 0.4 * STEP) == len(TIMES) - 1


@pytest.mark.parametrize("btjd", [1324.0, 1340.0, 1329.5])  # before, after, in the gap
def test_frame_index_refuses_times_the_cutout_does_not_cover(btjd):
    with pytest.raises(TimeOutsideCutoutError, match=str(btjd)):
        frame_index(TIMES, btjd)


def test_frames_between_is_inclusive_and_in_order():
    frames = frames_between(TIMES, 1325.5, 1326.5)
    assert frames.tolist() == list(range(24, 73))
    assert np.all((TIMES[frames] >= 1325.5) & (TIMES[frames] <= 1326.5))


def test_frames_between_spans_the_gap_without_inventing_frames():
    frames = frames_between(TIMES, 1328.0, 1332.0)
    assert np.all(np.diff(TIMES[frames]) > 0) and 1329.5 not in TIMES[frames]
    assert frames.size == np.count_nonzero((TIMES >= 1328.0) & (TIMES <= 1332.0))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (1320.0, 1326.0, "outside the cutout"),
        (1326.0, 1345.0, "outside the cutout"),
        (1326.0, 1325.5, "must come before"),
        (1329.3, 1329.6, "gap"),
    ],
)
def test_frames_between_errors_say_why(start, end, message):
    with pytest.raises(TimeOutsideCutoutError, match=message) as caught:
        frames_between(TIMES, start, end)
    assert caught.value.next_step


def test_empty_answers_from_tesscut_become_errors():
    with pytest.raises(NoCutoutError, match=r"RA 322.70000"):
        require_sectors(
            Table(names=["sectorName", "sector", "camera", "ccd"], dtype=[str, int, int, int]), WHERE
        )
    with pytest.raises(NoCutoutError, match="no cutout"):
        require_cutouts([], WHERE)
    assert require_cutouts(["a cutout"], WHERE) == ["a cutout"]


def test_the_tracker_follows_a_moving_source_and_ignores_still_ones():
    rng = np.random.default_rng(3)
    n, side = 60, 20
    flux = 50.0 + rng.normal(0, 1.0, (n, side, side))
    flux[:, 5, 5] += 500.0  # a star that does not move
    flux += np.linspace(0, 30, n)[:, None, None]  # a background that rises
    times = 1330.0 + STEP * np.arange(n)
    for k in range(20, 40):  # a mover, one pixel per frame along the columns of row 12
        flux[k, 12, k - 20] += 200.0
    track = track_moving_source(flux, times, np.arange(15, 45))
    assert len(track) == 30
    moving = track[(track["frame"] >= 20) & (track["frame"] < 40)]
    assert moving["column"].tolist() == list(range(20)) and set(moving["row"]) == {12.0}
    assert np.all(moving["excess"] > 150)
    still = track[(track["frame"] < 20) | (track["frame"] >= 40)]
    assert np.all(np.isnan(still["column"]))
