"""Science checks of notebooks/02-exomast-data-validation.ipynb, run against the offline archive.

Expected values come from the archive's definitions (offline_archive.sky.targets and catalogue) and its
built DV file, never from the notebook's outputs.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.sky import catalogue
from offline_archive.sky.targets import FLYBYS, SECTORS, TIC_214568914

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "02-exomast-data-validation.ipynb"
FLYBY = FLYBYS[0]


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


@pytest.fixture(scope="module")
def dv_file():
    """The DV time series of TIC 214568914's TCE, as the archive built it."""
    from offline_archive.paths import archive_root
    from offline_archive.store import DataStore

    obs, product = next(
        (o, p)
        for o, p in catalogue.all_products()
        if p.kind == "tess_dvt" and o.target_name == str(TIC_214568914.tic)
    )
    return fits.getdata(DataStore(archive_root()).get(obs.data_uri(product)).path, "TCE_1")


def test_no_unintended_warnings_or_log_messages(notebook):
    assert notebook.stderr_by_cell() == {}


def test_the_tce_is_found(notebook):
    assert notebook.evaluate("tces") == ["s0001-s0001:TCE_1"]
    assert notebook.evaluate("tce") == "s0001-s0001:TCE_1"


def test_the_headers_describe_the_star_and_its_planet_candidate(notebook):
    planet = TIC_214568914.planets[0]
    header = notebook.evaluate(
        "{k: dv_header[k] for k in ('RA_OBJ', 'DEC_OBJ', 'TPERIOD', 'TDEPTH', 'TDUR')}"
    )
    assert header == {
        "RA_OBJ": TIC_214568914.ra,
        "DEC_OBJ": TIC_214568914.dec,
        "TPERIOD": planet.period_days,
        "TDEPTH": planet.depth_ppm,
        "TDUR": planet.duration_hours,
    }
    assert notebook.evaluate("star['TICID']") == TIC_214568914.tic


def test_exomast_gives_the_folded_light_curve_without_times(notebook, dv_file):
    """ExoMAST's table has PHASE, LC_DETREND and MODEL_INIT since 2024 (tests/fidelity/test_exomast.py)."""
    assert notebook.evaluate("folded_lc.colnames") == ["PHASE", "LC_DETREND", "MODEL_INIT"]
    assert notebook.evaluate("len(folded_lc)") == len(dv_file)
    assert notebook.evaluate("same") is True


def test_the_times_come_from_the_dv_file_in_the_cloud(notebook):
    uri = notebook.evaluate("dvt_uri")
    _, product = next(
        (o, p)
        for o, p in catalogue.all_products()
        if p.kind == "tess_dvt" and o.target_name == str(TIC_214568914.tic)
    )
    assert uri == f"s3://stpubdata/{product.s3_dir}/{product.filename}"


def test_the_dv_table_has_the_dv_columns_with_proper_types(notebook, dv_file, dvt_columns):
    columns = notebook.evaluate("[(c.name, c.dtype.kind, c.dtype.itemsize) for c in lightcurve.itercols()]")
    assert [name for name, _, _ in columns] == dvt_columns
    kinds = {name: (kind, size) for name, kind, size in columns}
    assert kinds == {name: (dv_file[name].dtype.kind, dv_file[name].dtype.itemsize) for name in dvt_columns}
    assert kinds["CADENCENO"][0] == "i" and kinds["TIME"] == ("f", 8)
    assert np.array_equal(
        np.asarray(notebook.evaluate("lightcurve['TIME'].filled(np.nan).tolist()")), dv_file["TIME"]
    )
    assert notebook.evaluate("len(lightcurve)") == len(dv_file)
    masked = notebook.evaluate("int(lightcurve['LC_DETREND'].mask.sum())")
    assert masked == int(np.isnan(dv_file["LC_DETREND"]).sum()) > 0
    assert notebook.evaluate("missing") == masked


def test_both_plots_are_drawn_with_bokeh_3_calls(notebook):
    glyphs = notebook.evaluate(
        "[(type(r.glyph).__name__, r.glyph.marker) for p in (folded, unfolded) for r in p.renderers]"
    )
    assert glyphs == [["Scatter", "circle"], ["Scatter", "circle"]]
    assert notebook.evaluate("[folded.width, folded.height]") == [850, 300]
    outputs = [o for cell in notebook.nb.cells for o in cell.get("outputs", [])]
    assert sum("application/vnd.bokehjs_exec.v0+json" in o.get("data", {}) for o in outputs) == 2
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1  # the matplotlib fold


def _bokeh_arrays(text: str):
    """The (name, shape, dtype, payload) of every binary array in a bokeh document's JSON."""
    array = re.compile(
        r'"(\w+)",\{"type":"ndarray","array":\{"type":"bytes","data":"([A-Za-z0-9+/=]+)"\},'
        r'"shape":\[([0-9,]*)\],"dtype":"(\w+)"'
    )
    for name, data, shape, dtype in array.findall(text):
        yield name, [int(n) for n in shape.split(",") if n], np.dtype(dtype), base64.b64decode(data)


def test_the_plots_data_decodes_as_bokehjs_reads_it(notebook):
    """BokehJS gunzips each array and checks its length (astropy Columns once broke the gzip)."""
    documents = [
        "".join(o["data"]["application/javascript"])
        for cell in notebook.nb.cells
        for o in cell.get("outputs", [])
        if "application/vnd.bokehjs_exec.v0+json" in o.get("data", {})
    ]
    arrays = [a for text in documents for a in _bokeh_arrays(text)]
    assert {name for name, *_ in arrays} >= {"phase", "flux", "time"}
    for name, shape, dtype, payload in arrays:
        raw = gzip.decompress(payload)  # checks the trailer's CRC and length
        assert len(raw) == math.prod(shape) * dtype.itemsize, name


def test_the_star_is_described_as_hot_compact_and_faint(notebook):
    star = notebook.evaluate("{k: star[k] for k in ('TEFF', 'RADIUS', 'TESSMAG')}")
    assert star == {
        "TEFF": TIC_214568914.teff,
        "RADIUS": TIC_214568914.radius_rsun,
        "TESSMAG": TIC_214568914.tmag,
    }
    assert star["TEFF"] > 20000 and star["RADIUS"] < 0.2 and star["TESSMAG"] > 15  # the text's words


def test_the_fit_predicts_two_dips_in_sector_1(notebook, dv_file):
    planet = TIC_214568914.planets[0]
    predicted = notebook.evaluate("predicted")
    assert predicted == pytest.approx([planet.epoch_btjd, planet.epoch_btjd + planet.period_days])
    sector = SECTORS[1]
    assert all(sector.start_btjd < t < sector.end_btjd for t in predicted)
    assert 27.5 < sector.end_btjd - sector.start_btjd < 28.5  # "sector 1 lasted about 28 days"
    assert planet.depth_ppm / 1e4 > 1 and 10 < planet.duration_hours < 14  # "a few per cent, half a day"
    phase = dv_file["PHASE"]
    assert np.nanmin(phase) == pytest.approx(-planet.period_days / 4, abs=0.01)  # the caption's -2.9
    assert np.nanmax(phase) == pytest.approx(3 * planet.period_days / 4, abs=0.01)  # and 8.7


def test_nothing_happens_at_the_second_predicted_dip(dv_file):
    planet = TIC_214568914.planets[0]
    inside = np.abs(dv_file["TIME"] - (planet.epoch_btjd + planet.period_days)) < planet.duration_hours / 48
    flux = dv_file["LC_DETREND"][inside]
    flux = flux[np.isfinite(flux)]
    error = flux.std() / np.sqrt(flux.size)
    assert flux.size > 100
    assert abs(flux.mean()) < 3 * error  # no dip at the second predicted time
    assert np.min(dv_file["MODEL_INIT"][inside]) == pytest.approx(-planet.depth_ppm * 1e-6, rel=1e-3)
    assert planet.depth_ppm * 1e-6 > 10 * error  # a dip of the fitted depth would show
    first = np.abs(dv_file["TIME"] - planet.epoch_btjd) < planet.duration_hours / 48
    assert np.nanmean(dv_file["LC_DETREND"][first]) > 0  # "brighter than usual" at the first


def test_the_event_is_found_at_the_tces_epoch(notebook):
    events = json.loads(notebook.evaluate("events.to_pandas().to_json(orient='records')"))
    assert [e["kind"] for e in events] == ["fainter", "brighter", "fainter"]
    bump = events[1]
    planet = TIC_214568914.planets[0]
    assert bump["peak_time"] == pytest.approx(FLYBY.closest_btjd, abs=0.01)
    assert abs(bump["peak_time"] - planet.epoch_btjd) < planet.duration_hours / 48  # the TCE is this event
    assert bump["peak"] > 1.0  # "well over twice as bright"
    assert 1.0 < bump["hours"] < 3.0  # "a couple of hours"
    for dip in (events[0], events[2]):
        assert -0.3 < dip["peak"] < -0.1  # "fainter by a tenth or two"
        assert 0.5 < dip["hours"] < 1.5  # "about an hour"
    assert all(1334.0 < e["start"] and e["end"] < 1335.0 for e in events)
    assert events[0]["end"] < bump["start"] and bump["end"] < events[2]["start"]
    assert events[2]["end"] - events[0]["start"] < 6 / 24  # "within a few hours"


def test_the_10_minute_points_are_less_noisy(notebook):
    """Point-to-point scatter (median absolute successive difference) of the cadences and of the averages."""
    cadences, averages = notebook.evaluate(
        "[float(np.ma.median(np.abs(np.ma.diff(x)))) for x in "
        "(np.ma.masked_invalid(lightcurve['LC_DETREND'].filled(np.nan)), np.ma.masked_invalid(binned_flux))]"
    )
    assert averages < cadences / 2  # "the noise drops by more than half"


def test_the_exercise_finds_the_event_before_detrending(notebook, dv_file):
    during = (dv_file["TIME"] >= 1334) & (dv_file["TIME"] <= 1335)
    assert notebook.evaluate("peak_init") == pytest.approx(
        float(np.nanmax(dv_file["LC_INIT"][during])), rel=1e-6
    )
    assert notebook.evaluate("peak_init") > 0.5


def test_the_suite_links_01_to_02_to_03_to_04():
    def markdown(name: str) -> str:
        cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
        return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")

    assert "](02-exomast-data-validation.ipynb)" in markdown("01-querying-mast.ipynb")
    assert "](03-tesscut-animation.ipynb)" in markdown("02-exomast-data-validation.ipynb")
    assert "](04-streaming-hst-and-roman.ipynb)" in markdown("03-tesscut-animation.ipynb")
