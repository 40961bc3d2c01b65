"""The cutout animator against the source tutorial's approach, on the same 50x50 TESScut cutout.

The source tutorial drew each frame of its movie with a new ``imshow`` on the same axes, inside a
``FuncAnimation`` without blitting.  Every frame then draws every image added before it, so the
n-th frame costs n image draws and the figure keeps all n images: rendering n frames costs of
order n**2.  ``helpers.animation`` draws one image and changes its data (``set_data``) per frame.

Fairness: both movies use the same figure (``helpers.animation.cutout_figure``: same size, dpi,
colour map, colour scale, colour bar and pixel interpolation), the same frames of the same
cutout and the same writer.  So the PNG encoding that ``to_jshtml`` does for every frame (the
largest fixed cost, set by the frame size and dpi) is identical; only the way frames are drawn
differs.  Every measurement runs in a fresh Python process, after a two-frame warm-up render
that loads fonts and fills matplotlib's caches.

Measured:

* ``animator_speedup_<n>``: wall time to render n frames to HTML (what ``to_jshtml`` does:
  ``Animation.save`` with an ``HTMLWriter`` embedding PNG frames; called here directly so that a
  progress callback can report each frame), the source's approach divided by ours.  The source's
  approach grows as n**2 and can take the best part of an hour for 480 frames on a busy machine,
  so it is stopped once it has taken :data:`SOURCE_CAP_FACTOR` times as long as ours; the ratio
  is then a lower bound (its ``target`` column says so and how many frames were done), and
  ``animator_speedup_<n>_extrapolated`` extends the source's measured frame times with a
  quadratic fit (an estimate, labelled as such).
* ``animator_peak_mb_<n>``: our animator's peak memory while rendering n frames, by ``tracemalloc``
  (Python and numpy allocations; matplotlib's C++ renderer buffers are not traced and are one
  figure's worth for either approach).  Frames are written to files
  (``HTMLWriter(embed_frames=False)``) for this measurement: embedded frames make the HTML string,
  and so any approach's memory, grow by the size of the PNGs (``animator_html_mb_<n>``), which
  says nothing about the animator.  Python's cyclic garbage collector is made to run often
  (``gc.freeze`` after the warm-up, low thresholds) so that the peak reflects live memory rather
  than when the collector happens to run; this applies to both approaches.
  ``source_peak_mb_<n>`` is the source approach's peak measured the same way.

The cutout is cut by astrocut from the offline archive's cube of sector 1: run ``make archive``
first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAME_COUNTS = (48, 480)
SOURCE_MEMORY_FRAMES = (48, 96)
FIRST_FRAME = 414  # BTJD 1333.95, where the tutorial's movie starts (the day centred on the event)
#: The source's approach is stopped once it has taken this many times as long as ours for the
#: same frames (at least SOURCE_CAP_MIN_S): the speedup is then at least this factor.
SOURCE_CAP_FACTOR = 6.0
SOURCE_CAP_MIN_S = 120.0

WORKER = textwrap.dedent(
    """
    import gc, json, sys, tempfile, time, tracemalloc
    from pathlib import Path

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.animation import FuncAnimation, HTMLWriter

    from helpers.animation import animate_cutout, colour_limits, cutout_figure

    approach, n_frames, cutout, first, measure = sys.argv[1:6]
    n_frames, first = int(n_frames), int(first)
    with np.load(cutout) as saved:
        flux, times = saved["flux"], saved["time"]

    def ours(frames):
        return animate_cutout(flux, times, frames).animation

    def source(frames):
        # The source tutorial's approach, in the same figure as ours: a new image for every frame.
        vmin, vmax = colour_limits(flux, frames)
        fig, ax, _ = cutout_figure(flux[frames[0]], vmin, vmax)

        def add_image(position):
            ax.set_title(f"Epoch #{frames[position]}")
            image = ax.imshow(flux[frames[position]], origin="lower", cmap="viridis", vmin=vmin, vmax=vmax,
                              interpolation="nearest")
            return (image,)

        animation = FuncAnimation(fig, add_image, frames=len(frames), interval=150)
        plt.close(fig)
        return animation

    def writer(embed):
        # What to_jshtml uses: 1000 / interval frames per second, looping.
        return HTMLWriter(fps=1000 / 150, embed_frames=embed, default_mode="loop", embed_limit=500)

    make = {"ours": ours, "source": source}[approach]
    frames = np.arange(first, first + n_frames)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "movie.html"
        make(frames[:2]).save(str(path), writer=writer(True))  # warm-up: fonts and caches
        if measure == "time":
            animation = make(frames)
            start = time.perf_counter()
            report = lambda done, total: print(json.dumps({"frames": done + 1, "seconds": time.perf_counter() - start}),
                                               flush=True)
            animation.save(str(path), writer=writer(True), progress_callback=report)
            html = path.read_text()
            print(json.dumps({"done": True, "seconds": time.perf_counter() - start, "html_mb": len(html) / 1e6,
                              "embedded": html.count("data:image/png;base64")}), flush=True)
        else:
            gc.collect()
            gc.freeze()
            gc.set_threshold(500, 2, 2)
            tracemalloc.start()
            make(frames).save(str(path), writer=writer(False))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(json.dumps({"done": True, "peak_mb": peak / 1e6}), flush=True)
    """
)


def _entry(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target}


def _save_cutout(path: Path) -> None:
    """Cut 50x50 pixels around TIC 214568914 out of the archive's sector 1 cube and save FLUX and TIME."""
    import numpy as np
    from astrocut import TessCubeCutout
    from astropy.coordinates import SkyCoord

    from offline_archive.paths import archive_root
    from offline_archive.sky import catalogue
    from offline_archive.sky.targets import TIC_214568914
    from offline_archive.store import DataStore

    obs, product = next((o, p) for o, p in catalogue.all_products() if p.kind == "tess_ffi_cube")
    stored = DataStore(archive_root()).get(obs.data_uri(product))
    if stored is None:
        raise RuntimeError("The offline archive has no TESScut cube: run `make archive` first.")
    star = SkyCoord(TIC_214568914.ra, TIC_214568914.dec, unit="deg")
    pixels = TessCubeCutout(str(stored.path), star, 50).tpf_cutouts[0][1].data
    np.savez(path, flux=np.asarray(pixels["FLUX"], dtype=np.float32), time=np.asarray(pixels["TIME"]))


def _measure(approach: str, n_frames: int, what: str, cutout: Path, cap_s: float | None = None) -> list[dict]:
    """Run one measurement in a fresh process; every line it printed (progress lines if it was stopped)."""
    argv = [sys.executable, "-c", WORKER, approach, str(n_frames), str(cutout), str(FIRST_FRAME), what]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = process.communicate(timeout=cap_s)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if not lines or (process.returncode != -9 and not lines[-1].get("done")):
        raise RuntimeError(f"the {approach} {what} measurement of {n_frames} frames failed")
    return lines


def _extrapolate(progress: list[dict], n_frames: int) -> float:
    """The time to render n frames from a least-squares fit t(k) = a k + b k**2 to the frames done."""
    import numpy as np

    k = np.array([p["frames"] for p in progress], dtype=float)
    t = np.array([p["seconds"] for p in progress])
    (a, b), *_ = np.linalg.lstsq(np.column_stack([k, k**2]), t, rcond=None)
    return float(a * n_frames + b * n_frames**2)


def run() -> list[dict]:
    entries = []
    with tempfile.TemporaryDirectory(prefix="bench-animator-") as tmp:
        cutout = Path(tmp) / "cutout.npz"
        _save_cutout(cutout)
        for n in FRAME_COUNTS:
            ours = _measure("ours", n, "time", cutout)[-1]
            if ours.get("embedded") != n:
                raise RuntimeError(f"our movie embedded {ours.get('embedded')} frames instead of {n}")
            cap = max(SOURCE_CAP_MIN_S, SOURCE_CAP_FACTOR * ours["seconds"])
            lines = _measure("source", n, "time", cutout, cap_s=cap)
            source, finished = lines[-1], bool(lines[-1].get("done"))
            done = n if finished else source["frames"]
            print(
                f"  {n} frames to HTML: ours {ours['seconds']:.1f} s; the source's approach "
                f"{'' if finished else 'stopped after '}{source['seconds']:.1f} s ({done} frames)",
                flush=True,
            )
            target = ">= 3" if n == 480 else "> 1"
            if not finished:
                target += f" (lower bound: source stopped at {done}/{n} frames)"
            entries.append(_entry(f"animator_speedup_{n}", source["seconds"] / ours["seconds"], "x", target))
            if not finished:
                estimate = _extrapolate([p for p in lines if "frames" in p], n) / ours["seconds"]
                entries.append(
                    _entry(
                        f"animator_speedup_{n}_extrapolated",
                        estimate,
                        "x",
                        "(estimate: quadratic fit to the source's frames done)",
                    )
                )
            entries.append(
                _entry(f"animator_html_mb_{n}", ours["html_mb"], "MB", "(PNG frames, same for both)")
            )
        for n in FRAME_COUNTS:
            peak = _measure("ours", n, "memory", cutout)[-1]["peak_mb"]
            entries.append(_entry(f"animator_peak_mb_{n}", peak, "MB", "flat in n"))
        for n in SOURCE_MEMORY_FRAMES:
            peak = _measure("source", n, "memory", cutout)[-1]["peak_mb"]
            entries.append(_entry(f"source_peak_mb_{n}", peak, "MB", "(grows with n)"))
    return entries
