"""helpers.animation: one image artist, a fixed colour scale, times in BTJD, a frame range, HTML output."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

from helpers.animation import animate_cutout, colour_limits
from helpers.errors import TimeOutsideCutoutError

matplotlib.use("Agg")

N, SIDE = 30, 12
TIMES = 1334.0 + np.arange(N) / 48


@pytest.fixture
def flux():
    rng = np.random.default_rng(7)
    cube = rng.normal(100.0, 5.0, (N, SIDE, SIDE)).astype(np.float32)
    for k in range(N):  # a spot moving along row 6
        cube[k, 6, k % SIDE] += 400.0
    return cube


def embedded_frames(html: str) -> int:
    return len(re.findall(r"frames\[\d+\] = ", html))


def test_the_movie_has_one_frame_per_chosen_frame_and_one_image_artist(flux):
    frames = np.arange(5, 17)
    movie = animate_cutout(flux, TIMES, frames)
    html = movie.to_jshtml()
    assert embedded_frames(html) == frames.size
    axes = movie.figure.axes[0]
    assert len(axes.images) == 1  # set_data, never a new image per frame
    assert np.array_equal(axes.images[0].get_array(), flux[frames[-1]])  # the last frame drawn
    assert movie.frames.tolist() == frames.tolist() and np.array_equal(movie.times, TIMES[frames])


def test_the_colour_scale_is_fixed_for_the_whole_movie(flux):
    movie = animate_cutout(flux, TIMES, [0, 1, 2], vmin=90.0, vmax=300.0)
    movie.to_jshtml()
    assert movie.figure.axes[0].images[0].get_clim() == (90.0, 300.0)
    assert (movie.vmin, movie.vmax) == (90.0, 300.0)


def test_the_default_scale_comes_from_percentiles_of_the_frames_shown(flux):
    low, high = colour_limits(flux, np.arange(N))
    assert low == pytest.approx(np.percentile(flux, 1.0)) and high == pytest.approx(np.percentile(flux, 99.5))
    movie = animate_cutout(flux, TIMES, np.arange(N))
    assert (movie.vmin, movie.vmax) == pytest.approx((low, high))


def test_each_frame_is_stamped_with_its_btjd(flux):
    movie = animate_cutout(flux, TIMES, [3, 4])
    movie.to_jshtml()
    texts = [t.get_text() for t in movie.figure.axes[0].texts]
    assert f"BTJD {TIMES[4]:.3f}  (frame 4)" in texts


def test_all_frames_by_default_and_an_html_repr(flux):
    movie = animate_cutout(flux, TIMES)
    assert movie.frames.size == N
    assert embedded_frames(movie._repr_html_()) == N


@pytest.mark.parametrize("frames", [[], [0, N], [-1]])
def test_frames_the_cutout_does_not_have_are_refused(flux, frames):
    with pytest.raises(TimeOutsideCutoutError):
        animate_cutout(flux, TIMES, frames)


def test_the_cutout_is_left_as_it_was(flux):
    before = flux.copy()
    animate_cutout(flux, TIMES, [0, 1]).to_jshtml()
    assert np.array_equal(flux, before)
