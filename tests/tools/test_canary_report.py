"""The canary's report: which changed packages to suspect for which failing notebook or test."""

from __future__ import annotations

from pathlib import Path

import nbformat

import canary_report

ROOT = Path(__file__).resolve().parents[2]

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4" failures="2" errors="1">
  <testcase classname="notebooks.00-demo.ipynb" name="Cell 7"/>
  <testcase classname="notebooks.00-demo.ipynb" name="Cell 9">
    <failure message="AttributeError: 'Table' object has no attribute 'fold'">Traceback:
  File "/x/.venv-latest/lib/python3.11/site-packages/astroquery/mast/core.py", line 3, in query
  File "/x/.venv-latest/lib/python3.11/site-packages/numpy/core/fromnumeric.py", line 9, in f
AttributeError: 'Table' object has no attribute 'fold'</failure>
  </testcase>
  <testcase classname="tests.helpers.test_http" name="test_retries">
    <error message="fixture failed">site-packages/urllib3/util/retry.py</error>
  </testcase>
  <testcase classname="tests.site.test_site" name="test_page[01-other.html]">
    <failure message="console error">no traceback</failure>
  </testcase>
</testsuite></testsuites>
"""


def _write_notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, path)
    return path


def test_unpinned_keeps_names_and_extras_in_order() -> None:
    names = canary_report.unpinned(ROOT / "pyproject.toml")
    assert names[0] == "astroquery"
    assert "moto[s3]" in names
    assert not any("==" in name for name in names)


def test_freezes_are_compared_by_canonical_name(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Astropy==8.0.2\nnumpy==2.4.6\nold-thing==1.0\n-e file:///x\n")
    (tmp_path / "b.txt").write_text("astropy==8.1.0\nnumpy==2.4.6\nnew_thing==0.1\n")
    changed = canary_report.changed_packages(
        canary_report.read_freeze(tmp_path / "a.txt"), canary_report.read_freeze(tmp_path / "b.txt")
    )
    assert changed == {"astropy": ("8.0.2", "8.1.0"), "new-thing": (None, "0.1"), "old-thing": ("1.0", None)}


def test_failures_are_grouped_by_notebook_with_suspects(tmp_path) -> None:
    (tmp_path / "run.xml").write_text(JUNIT)
    failures, total = canary_report.read_failures([tmp_path / "run.xml"])
    assert total == 4 and len(failures) == 3
    notebooks = [
        _write_notebook(tmp_path / "00-demo.ipynb", "import lightkurve as lk\nfrom astroquery.mast import X"),
        _write_notebook(tmp_path / "01-other.ipynb", "%matplotlib inline\nimport matplotlib.pyplot as plt"),
    ]
    changed = {
        "astroquery": ("0.4.11", "0.4.12"),
        "lightkurve": ("2.6.0", "2.7.0"),
        "urllib3": ("2.8.0", "3.0.0"),
        "matplotlib": ("3.11.2", "3.12.0"),
    }
    groups = {g.name: g for g in canary_report.group_failures(failures, notebooks, changed, {})}
    assert set(groups) == {"00-demo", "01-other", "(the rest of the suite)"}
    assert groups["00-demo"].in_traceback == {"astroquery"}  # numpy did not change
    assert groups["00-demo"].imported == {"astroquery", "lightkurve"}
    assert groups["01-other"].in_traceback == set() and groups["01-other"].imported == {"matplotlib"}
    assert groups["(the rest of the suite)"].in_traceback == {"urllib3"}


def test_report_names_the_suspects_and_fails_the_run(tmp_path) -> None:
    (tmp_path / "pinned.txt").write_text("astroquery==0.4.11\nurllib3==2.8.0\nnumpy==2.4.6\n")
    (tmp_path / "latest.txt").write_text("astroquery==0.4.12\nurllib3==3.0.0\nnumpy==2.4.6\n")
    (tmp_path / "unit.xml").write_text(JUNIT)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write_notebook(notebooks / "00-demo.ipynb", "from astroquery.mast import Observations")
    args = ["report", "--pinned", str(tmp_path / "pinned.txt"), "--latest", str(tmp_path / "latest.txt")]
    args += ["--junit", str(tmp_path / "unit.xml"), "--notebooks", str(notebooks)]
    args += ["--pyproject", str(ROOT / "pyproject.toml"), "--output", str(tmp_path / "report.md")]
    assert canary_report.main(args) == 1
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("# Canary: the suite against the newest releases: FAILED")
    assert "## Failing: 00-demo" in report
    assert "`astroquery` 0.4.11 → 0.4.12" in report
    assert "| astroquery | 0.4.11 | 0.4.12 |" in report and "numpy" not in report.split("## Failing")[0]


def test_a_clean_run_passes_and_a_missing_run_fails(tmp_path) -> None:
    (tmp_path / "freeze.txt").write_text("numpy==2.4.6\n")
    (tmp_path / "ok.xml").write_text('<testsuite tests="1"><testcase classname="t" name="ok"/></testsuite>')
    base = ["report", "--pinned", str(tmp_path / "freeze.txt"), "--latest", str(tmp_path / "freeze.txt")]
    base += ["--pyproject", str(ROOT / "pyproject.toml"), "--output", str(tmp_path / "r.md")]
    assert canary_report.main([*base, "--junit", str(tmp_path / "ok.xml")]) == 0
    assert "passed" in (tmp_path / "r.md").read_text().splitlines()[0]
    assert canary_report.main([*base, "--junit", str(tmp_path / "missing.xml")]) == 1
    assert "No test report was written" in (tmp_path / "r.md").read_text()


def test_numbered_notebook_tests_belong_to_their_notebook_and_ignored_packages_drop_out(tmp_path) -> None:
    failure = canary_report.Failure("unit", "tests.notebooks.test_notebook_01::test_x", "boom", "")
    notebook = _write_notebook(tmp_path / "01-other.ipynb", "import numpy")
    groups = canary_report.group_failures([failure], [notebook], {}, {})
    assert [g.name for g in groups] == ["01-other"]
    (tmp_path / "pinned.txt").write_text("uv==0.13.8\nnumpy==2.4.6\n")
    (tmp_path / "latest.txt").write_text("numpy==2.4.6\n")
    (tmp_path / "ok.xml").write_text('<testsuite tests="1"><testcase classname="t" name="ok"/></testsuite>')
    args = ["report", "--pinned", str(tmp_path / "pinned.txt"), "--latest", str(tmp_path / "latest.txt")]
    args += ["--junit", str(tmp_path / "ok.xml"), "--ignore", "uv", "--output", str(tmp_path / "r.md")]
    args += ["--pyproject", str(ROOT / "pyproject.toml")]
    assert canary_report.main(args) == 0
    assert "0 packages differ" in (tmp_path / "r.md").read_text()
