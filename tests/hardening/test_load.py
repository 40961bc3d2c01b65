"""A workshop room on one server: learners run notebooks at once against one archive.

Runs tools/load_test.py's ``run_load`` at the smallest size that still overlaps real requests: two
processes, each executing the same two notebooks in order in its own kernels, so that two
learners' queries, downloads and S3 reads meet at the archive (a test shows that they did).  It checks that nothing
failed and that no request got a 5xx; the requests per second and the slowest request are printed
at the end of the session.  The full room (four learners, every notebook) is `make bench`'s
``bench_load``; speed is for the benchmarks, not for assertions.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from report import FIGURES

ROOT = Path(__file__).resolve().parents[2]
#: The two shortest notebooks that still meet at every kind of service: portal queries, product
#: lists and downloads (01); ExoMAST, astroquery's cloud URIs and a FITS file streamed from S3 (02).
NOTEBOOKS = [next((ROOT / "notebooks").glob(f"{prefix}-*.ipynb")) for prefix in ("01", "02")]
WORKERS = 2


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = sys.modules.setdefault(name, importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def load(archive_env, tmp_path_factory):
    figures = _tool("load_test").run_load(NOTEBOOKS, WORKERS, tmp_path_factory.mktemp("load"))
    FIGURES.update(
        {
            "load: runs": f"{figures['runs']} ({WORKERS} workers x {len(NOTEBOOKS)} notebooks)",
            "load: seconds": figures["seconds"],
            "load: requests": figures["requests"],
            "load: requests/s": figures["rps"],
            "load: slowest request": f"{figures['slowest_ms']} ms ({figures['slowest']})",
            "load: p95": f"{figures['p95_ms']} ms",
            "load: most requests at once": figures["peak_in_flight"],
            "load: failures": figures["failures"],
        }
    )
    return figures


def test_every_learner_runs_every_notebook_without_a_failure(load):
    assert load["runs"] == WORKERS * len(NOTEBOOKS) >= 2 * WORKERS
    assert load["failed"] == [], "\n".join(load["transcripts"])
    assert load["exit_codes"] == [0] * WORKERS


def test_the_learners_requests_met_at_the_archive(load):
    assert load["peak_in_flight"] >= 2, "the learners never had requests in flight together"


def test_the_archive_answered_every_request(load):
    assert load["requests"] > 0
    assert load["server_errors"] == 0 and load["aborted"] == 0, load["statuses"]


def test_the_executed_notebooks_print_no_credentials(load):
    executed = [Path(p) for p in load["executed"]]
    assert len(executed) == load["runs"]
    assert _tool("scan_secrets").scan_files(executed) == []
