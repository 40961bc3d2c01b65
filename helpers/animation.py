"""Animating the frames of a cutout, as a movie that plays in a static web page.

:func:`animate_cutout` draws the first frame once, then changes only the pixel values of that
one image (``set_data``) and the text giving the frame's time, so each frame costs the same
however many came before.  The colour scale is fixed for the whole movie, so a pixel's colour
means the same flux in every frame.  ``to_jshtml`` turns the movie into HTML and JavaScript with
every frame embedded as a PNG image, which plays in a notebook and in a page exported from it,
with no server and no video codec.

Drawing a new image on top of the old ones for each frame (as older tutorials did) makes every
frame draw all the images before it: the movie gets slower with every frame and holds on to
every image.  ``benchmarks/bench_animator.py`` measures the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from numpy.typing import ArrayLike

from .errors import TimeOutsideCutoutError

__all__ = ["CutoutAnimation", "animate_cutout", "colour_limits", "cutout_figure"]

#: At most this many frames, evenly spread, set the automatic colour scale.
SCALE_SAMPLE_FRAMES = 50


@dataclass
class CutoutAnimation:
    """A cutout movie: the matplotlib animation and what it shows.

    Attributes
    ----------
    animation : matplotlib.animation.FuncAnimation
        The animation; ``animation.to_jshtml()`` renders it (:meth:`to_jshtml` does the same).
    figure : matplotlib.figure.Figure
        The figure it draws in (closed, so that it is not shown as a still image as well).
    frames : numpy.ndarray
        The cutout frames shown, in order.
    times : numpy.ndarray
        Their times (BTJD).
    vmin, vmax : float
        The fixed colour scale (e-/s).
    """

    animation: FuncAnimation
    figure: Figure
    frames: np.ndarray
    times: np.ndarray
    vmin: float
    vmax: float

    def to_jshtml(self) -> str:
        """The movie as HTML and JavaScript with embedded PNG frames (matplotlib's ``to_jshtml``)."""
        return self.animation.to_jshtml(default_mode="loop")

    def _repr_html_(self) -> str:
        return self.to_jshtml()


def _check_frames(n_frames: int, frames: ArrayLike | None) -> np.ndarray:
    chosen = np.arange(n_frames) if frames is None else np.asarray(frames, dtype=int).ravel()
    if chosen.size == 0:
        raise TimeOutsideCutoutError(
            "No frames were chosen to animate.",
            "Choose frames with helpers.cutouts.frames_between and check it is not empty.",
        )
    outside = chosen[(chosen < 0) | (chosen >= n_frames)]
    if outside.size:
        raise TimeOutsideCutoutError(
            f"Frame {outside[0]} is not in the cutout, which has frames 0 to {n_frames - 1}."
        )
    return chosen


def colour_limits(
    flux: np.ndarray, frames: np.ndarray, percentiles: tuple[float, float] = (1.0, 99.5)
) -> tuple[float, float]:
    """A colour scale for a movie: percentiles of the pixel values of (up to 50 of) its frames.

    Sampling a fixed number of frames keeps the cost, and the memory, the same for long movies.
    """
    sample = frames[
        np.linspace(0, frames.size - 1, min(frames.size, SCALE_SAMPLE_FRAMES)).round().astype(int)
    ]
    low, high = np.nanpercentile(flux[sample], percentiles)
    return float(low), float(high)


def cutout_figure(
    image: np.ndarray,
    vmin: float,
    vmax: float,
    *,
    title: str = "",
    cmap: str = "viridis",
    figsize: tuple[float, float] = (5.2, 4.3),
    dpi: int = 72,
    mark: tuple[float, float] | None = None,
) -> tuple[Figure, Axes, AxesImage]:
    """The figure a cutout movie is drawn in: one frame (without axes) and its colour bar.

    Parameters
    ----------
    image : numpy.ndarray
        The first frame (rows, columns).
    vmin, vmax : float
        The colour scale (e-/s).
    title : str, optional
        Above the image.
    cmap : str, optional
        A matplotlib colour map.
    figsize, dpi : optional
        Size of the figure in inches and its resolution: together they set the size (and the
        cost) of every frame.
    mark : (float, float), optional
        Column and row of a pixel to circle, e.g. the target's.

    Returns
    -------
    (Figure, Axes, AxesImage)
    """
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    shown = ax.imshow(image, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    fig.colorbar(shown, ax=ax, label="flux (e$^-$/s)")
    ax.set_axis_off()  # pixel numbers add little to a movie, and their labels are costly to draw each frame
    if title:
        ax.set_title(title, fontsize="medium")
    if mark is not None:
        ax.scatter([mark[0]], [mark[1]], s=160, facecolors="none", edgecolors="white", linewidths=1.0)
    # Lay the figure out once: a layout engine would measure every label again at every frame.
    fig.tight_layout()
    return fig, ax, shown


def animate_cutout(
    flux: np.ndarray,
    times: ArrayLike,
    frames: ArrayLike | None = None,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
    title: str = "",
    cmap: str = "viridis",
    interval_ms: int = 150,
    figsize: tuple[float, float] = (5.2, 4.3),
    dpi: int = 72,
    mark: tuple[float, float] | None = None,
) -> CutoutAnimation:
    """A movie of a cutout's frames with one image artist, a fixed colour scale and times in BTJD.

    Parameters
    ----------
    flux : numpy.ndarray
        The cutout's ``FLUX`` images, shape (frames, rows, columns); it is not copied.
    times : array-like
        The cutout's ``TIME`` column (BTJD), one value per frame.
    frames : array-like of int, optional
        The frames to show, in order (e.g. from :func:`helpers.cutouts.frames_between`); all
        frames by default.
    vmin, vmax : float, optional
        The colour scale; by default the 1st and 99.5th percentiles of the frames shown.
    title : str, optional
        Above the image.
    cmap : str, optional
        A matplotlib colour map.
    interval_ms : int, optional
        Time each frame is shown when the movie plays.
    figsize, dpi : optional
        Size and resolution of each frame.
    mark : (float, float), optional
        Column and row of a pixel to circle, e.g. the target's.

    Returns
    -------
    CutoutAnimation
        Display it in a notebook, or call ``to_jshtml()`` for the HTML.

    Raises
    ------
    TimeOutsideCutoutError
        ``frames`` is empty or names frames the cutout does not have.
    """
    times = np.asarray(times, dtype=float)
    chosen = _check_frames(len(flux), frames)
    if vmin is None or vmax is None:
        low, high = colour_limits(flux, chosen)
        vmin, vmax = (low if vmin is None else vmin), (high if vmax is None else vmax)
    fig, ax, image = cutout_figure(
        flux[chosen[0]], vmin, vmax, title=title, cmap=cmap, figsize=figsize, dpi=dpi, mark=mark
    )
    # The time goes inside the axes, so that blitting (which redraws only the axes) updates it.
    stamp = ax.text(
        0.03,
        0.96,
        "",
        transform=ax.transAxes,
        va="top",
        color="white",
        fontsize="small",
        bbox={"facecolor": "black", "alpha": 0.5, "edgecolor": "none"},
    )

    def show(position: int) -> tuple:
        frame = chosen[position]
        image.set_data(flux[frame])
        stamp.set_text(f"BTJD {times[frame]:.3f}  (frame {frame})")
        return image, stamp

    animation = FuncAnimation(fig, show, frames=chosen.size, interval=interval_ms, blit=True, repeat=True)
    plt.close(fig)  # the movie is shown by its HTML, not as a still figure
    return CutoutAnimation(animation, fig, chosen, times[chosen], float(vmin), float(vmax))
