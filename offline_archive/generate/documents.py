"""Data-validation reports: full report (DVR, PDF and XML), mini report (DVM) and one-page summaries (DVS).

Every report of a DV run draws on the same simulated light curve and TCEs as the run's DV time
series (:func:`offline_archive.generate.tess.dv_series`, seeded by the run's common file-name
prefix), so the numbers agree across the DVT, the PDFs and the XML.

The PDFs are drawn with matplotlib under its default style, without pyplot, and carry no
creation date, so the same inputs give the same bytes.  (The style is switched with
``matplotlib.style.context``, which changes the process's rcParams while a report is drawn.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..sky.targets import Observation, Product, Target
from .tess import DvSeries, Tce, dv_params, dv_run_key, dv_series, fold_phase, int_param, tces, transit_dip

#: Namespace of the XML report (as in SPOC's DV XML files).
DV_NAMESPACE = "http://www.nasa.gov/2018/TESS/DV"
PAGE_SIZE = (8.5, 11.0)  # inches, US letter


@dataclass(frozen=True)
class DvRun:
    """What a DV report describes: the target, its searched sectors, the light curve and the TCEs."""

    target: Target
    first: int
    last: int
    pipeline_run: int
    series: DvSeries
    tces: list[Tce]

    @property
    def title(self) -> str:
        return f"TIC {self.target.tic}: sectors {self.first}-{self.last}"

    @property
    def sector_list(self) -> str:
        return ", ".join(str(s) for s in self.series.sectors)


def dv_run(product: Product) -> DvRun:
    """The DV run a DVR, DVM, DVS or DV XML product belongs to (params target, first/last_sector)."""
    target, first, last = dv_params(product)
    series = dv_series(target, first, last, dv_run_key(product))
    pipeline_run = int(product.filename.rsplit("-", 1)[1].split("_")[0])
    return DvRun(target, first, last, pipeline_run, series, tces(target, series))


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


def _binned(x: np.ndarray, y: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the finite ``y`` in each bin of ``x``; empty bins are dropped."""
    good = np.isfinite(y) & (x >= edges[0]) & (x < edges[-1])
    index = np.digitize(x[good], edges) - 1
    count = np.bincount(index, minlength=edges.size - 1)
    total = np.bincount(index, weights=y[good], minlength=edges.size - 1)
    centres = (edges[:-1] + edges[1:]) / 2.0
    keep = count > 0
    return centres[keep], total[keep] / count[keep]


def _plot_folded(ax: Axes, run: DvRun, tce: Tce) -> None:
    """Phase-folded light curve (binned) around the TCE's transit, with the transit model."""
    hours = fold_phase(tce.planet, run.series.time, tce.epoch) * 24.0
    half_window = 3.0 * tce.duration_hours
    edges = np.linspace(-half_window, half_window, 73)
    x, y = _binned(hours, run.series.flux * 1e6, edges)
    ax.plot(x, y, "o", ms=3, color="0.3", label="data (binned)")
    model_hours = np.linspace(-half_window, half_window, 400)
    model = -transit_dip(tce.planet, tce.epoch + model_hours / 24.0) * 1e6
    ax.plot(model_hours, model, "-", color="tab:red", lw=1.5, label="transit model")
    ax.set_xlabel("hours from mid-transit")
    ax.set_ylabel("relative flux (ppm)")
    ax.set_title(f"TCE {tce.number}: P = {tce.period:.5f} d, depth = {tce.depth_ppm:.0f} ppm")
    ax.legend(loc="lower right", fontsize=8)


def _plot_sectors(fig: Figure, run: DvRun) -> None:
    """The detrended light curve of each sector in 1-hour bins, with the transits marked."""
    axes = fig.subplots(len(run.series.sectors), 1, squeeze=False)[:, 0]
    for ax, sector in zip(axes, run.series.sectors, strict=True):
        inside = run.series.sector == sector
        time = run.series.time[inside]
        edges = np.arange(time[0], time[-1] + 1.0 / 24.0, 1.0 / 24.0)
        x, y = _binned(time, run.series.flux[inside] * 1e6, edges)
        ax.plot(x, y, ".", ms=2, color="0.2")
        for tce in run.tces:
            model = -transit_dip(tce.planet, time) * 1e6
            ax.plot(time, model + 3.0 * run.series.sigma * 1e6, "-", lw=0.6, color="tab:red")
        ax.set_ylabel(f"sector {sector}\n(ppm)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[-1].set_xlabel("time (BTJD = BJD - 2457000)")


def _parameter_lines(tce: Tce) -> list[str]:
    """The fitted parameters of a TCE, one per line, aligned for a monospace font."""
    radius = f"{tce.radius_earth:.2f} R_earth" if tce.radius_earth is not None else "n/a"
    return [
        f"TCE {tce.number} ({tce.planet.name})",
        f"  Orbital period        {tce.period:.5f} d",
        f"  Epoch (BTJD)          {tce.epoch:.4f}",
        f"  Transit depth         {tce.depth_ppm:.0f} ppm",
        f"  Transit duration      {tce.duration_hours:.2f} h",
        f"  Rp / R*               {tce.ratio:.4f}",
        f"  Planet radius         {radius}",
        f"  Transit SNR           {tce.snr:.1f}",
        f"  Transits with data    {tce.transits}",
    ]


def _target_lines(run: DvRun) -> list[str]:
    target = run.target
    return [
        f"TIC {target.tic}    RA {target.ra:.5f} deg    Dec {target.dec:.5f} deg",
        f"Tmag {target.tmag}    Teff {target.teff} K    R* {target.radius_rsun} R_sun",
        f"Sectors searched {run.first}-{run.last}; sectors with 2-min data: {run.sector_list}",
        f"SPOC pipeline run {run.pipeline_run}; {len(run.tces)} TCE(s)",
    ]


def _text(fig: Figure, x: float, y: float, lines: list[str], size: float = 9.0) -> None:
    fig.text(x, y, "\n".join(lines), family="monospace", fontsize=size, va="top", ha="left")


def _metadata(run: DvRun, kind: str) -> dict[str, str | None]:
    """PDF document information without a creation date, so the bytes are reproducible."""
    return {
        "Title": f"TESS DV {kind}: {run.title}",
        "Author": "TESS Science Processing Operations Center (simulated by offline_archive)",
        "Subject": f"Data validation of TIC {run.target.tic}",
        "Creator": "offline_archive.generate.documents",
        "Producer": "matplotlib",
        "CreationDate": None,
    }


def _page(title: str, subtitle: str) -> Figure:
    fig = Figure(figsize=PAGE_SIZE)
    fig.suptitle(title, fontsize=13, y=0.975)
    fig.text(0.5, 0.945, subtitle, ha="center", fontsize=9, color="0.3")
    return fig


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def write_dvr_pdf(observation: Observation, product: Product, path: Path) -> None:
    """Write the full DV report (``*_dvr.pdf``): summary, light curves and one folded plot per TCE.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``first_sector`` and ``last_sector``.
    path : pathlib.Path
        The file to write.
    """
    run = dv_run(product)
    with matplotlib.style.context("default"), PdfPages(path, metadata=_metadata(run, "Report")) as pdf:
        summary = _page(f"Data Validation Report - {run.title}", "TESS Science Processing Operations Center")
        lines = [*_target_lines(run), ""]
        for tce in run.tces:
            lines += [*_parameter_lines(tce), ""]
        _text(summary, 0.08, 0.9, lines)
        pdf.savefig(summary)
        curves = _page(f"Detrended light curve - {run.title}", "1-hour bins; red: transit model (offset)")
        _plot_sectors(curves, run)
        pdf.savefig(curves)
        folded = _page(f"Phase-folded transits - {run.title}", f"sectors with data: {run.sector_list}")
        rows = max(len(run.tces), 1)
        grid = {"top": 0.88, "bottom": max(0.08, 0.88 - 0.4 * rows), "hspace": 0.35}
        axes = folded.subplots(rows, 1, squeeze=False, gridspec_kw=grid)[:, 0]
        for ax, tce in zip(axes, run.tces, strict=False):
            _plot_folded(ax, run, tce)
        pdf.savefig(folded)


def _one_page(path: Path, run: DvRun, kind: str, title: str, chosen: list[Tce]) -> None:
    """A one-page report: target lines, then a folded plot and a parameter table per chosen TCE."""
    with matplotlib.style.context("default"), PdfPages(path, metadata=_metadata(run, kind)) as pdf:
        fig = _page(title, f"sectors with data: {run.sector_list}")
        _text(fig, 0.08, 0.92, _target_lines(run))
        height = min(0.78 / max(len(chosen), 1), 0.4)
        for i, tce in enumerate(chosen):
            bottom = 0.82 - (i + 1) * height
            ax = fig.add_axes((0.1, bottom + 0.1 * height, 0.52, 0.78 * height))
            _plot_folded(ax, run, tce)
            _text(fig, 0.66, bottom + 0.88 * height, _parameter_lines(tce), size=7.5)
        pdf.savefig(fig)


def write_dvm_pdf(observation: Observation, product: Product, path: Path) -> None:
    """Write the DV mini report (``*_dvm.pdf``): one page covering every TCE of the run.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``first_sector`` and ``last_sector``.
    path : pathlib.Path
        The file to write.
    """
    run = dv_run(product)
    _one_page(path, run, "Mini Report", f"DV Mini-Report - {run.title}", run.tces)


def write_dvs_pdf(observation: Observation, product: Product, path: Path) -> None:
    """Write a DV one-page summary (``*_dvs.pdf``) of the TCE numbered by the ``planet`` param.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``first_sector``, ``last_sector`` and ``planet`` (1-based).
    path : pathlib.Path
        The file to write.
    """
    run = dv_run(product)
    number = int_param(product, "planet")
    chosen = [tce for tce in run.tces if tce.number == number]
    if not chosen:
        raise ValueError(f"{product.filename}: {run.title} has no TCE {number}")
    _one_page(path, run, "Summary", f"DV Summary - {run.title} - TCE {number}", chosen)


def _parameter(parent: ET.Element, name: str, value: float, uncertainty: float, unit: str) -> None:
    ET.SubElement(
        parent,
        f"{{{DV_NAMESPACE}}}modelParameter",
        name=name,
        value=f"{value:.10g}",
        uncertainty=f"{uncertainty:.3g}",
        unit=unit,
        fitted="true",
    )


def dv_report_xml(run: DvRun) -> ET.Element:
    """The XML DV report of a run: target, searched sectors and every TCE's fitted parameters."""
    ns = f"{{{DV_NAMESPACE}}}"
    target = run.target
    root = ET.Element(
        f"{ns}dvTargetResults",
        ticId=str(target.tic),
        startSector=str(run.first),
        endSector=str(run.last),
        sectorsObserved=",".join(map(str, run.series.sectors)),
        pipelineRun=str(run.pipeline_run),
        planetCandidateCount=str(len(run.tces)),
    )
    star = ET.SubElement(root, f"{ns}target", ra=f"{target.ra:.6f}", dec=f"{target.dec:.6f}")
    stellar = (("tessMag", target.tmag), ("effectiveTemp", target.teff), ("radius", target.radius_rsun))
    for name, value in stellar:
        if value is not None:
            ET.SubElement(star, f"{ns}{name}", value=f"{value:g}")
    for tce in run.tces:
        planet = ET.SubElement(
            root, f"{ns}planetResults", planetNumber=str(tce.number), tceName=f"TCE_{tce.number}"
        )
        fit = ET.SubElement(planet, f"{ns}allTransitsFit", transitSnr=f"{tce.snr:.2f}")
        params = ET.SubElement(fit, f"{ns}modelParameters")
        rel = 1.0 / max(tce.snr, 1.0)
        _parameter(params, "orbitalPeriodDays", tce.period, tce.period * rel * 1e-3, "days")
        _parameter(params, "transitEpochBtjd", tce.epoch, tce.duration_hours / 24.0 * rel, "BTJD")
        _parameter(params, "transitDepthPpm", tce.depth_ppm, tce.depth_ppm * rel, "ppm")
        _parameter(params, "transitDurationHours", tce.duration_hours, tce.duration_hours * rel, "hours")
        _parameter(params, "ratioPlanetRadiusToStarRadius", tce.ratio, tce.ratio * rel / 2.0, "")
        if tce.radius_earth is not None:
            radius = tce.radius_earth
            _parameter(params, "planetRadiusEarthRadii", radius, radius * rel, "Earth radii")
        ET.SubElement(
            planet,
            f"{ns}planetCandidate",
            maxMultipleEventSigma=f"{tce.snr:.2f}",
            observedTransitCount=str(tce.transits),
        )
    return root


def write_dvr_xml(observation: Observation, product: Product, path: Path) -> None:
    """Write the XML DV report (``*_dvr.xml``), UTF-8 with an XML declaration.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to (unused).
    product : Product
        Params ``target``, ``first_sector`` and ``last_sector``.
    path : pathlib.Path
        The file to write.
    """
    ET.register_namespace("dv", DV_NAMESPACE)
    tree = ET.ElementTree(dv_report_xml(dv_run(product)))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
