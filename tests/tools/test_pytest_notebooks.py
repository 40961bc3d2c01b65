"""The notebook plugin (tools/pytest_notebooks.py) in a session of its own: one execution per
notebook serves the cell verdicts, the questions a test asks its kernel and the executed copy."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

import gate_summary

pytest_plugins = ["pytester"]
TOOLS = Path(__file__).resolve().parents[2] / "tools"

SCIENCE_TEST = """
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "00-good.ipynb"


@pytest.fixture(scope="module")
def notebook(run_notebook):
    executed = run_notebook(NOTEBOOK)
    yield executed
    executed.shutdown()


def test_the_kernel_holds_what_the_cells_computed(notebook):
    assert notebook.evaluate("answer") == 42


def test_the_outputs_are_the_executed_ones(notebook):
    assert "the answer is 42" in notebook.outputs_text("stdout")
"""


def _notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A rootdir with two notebooks (one stops at its second code cell) and a science test."""
    root = pytester.path
    (root / "notebooks").mkdir()
    _notebook(
        root / "notebooks" / "00-good.ipynb", "answer = 41", "answer += 1", "print('the answer is', answer)"
    )
    _notebook(
        root / "notebooks" / "01-bad.ipynb", "x = 1", "raise ValueError('boom in the second cell')", "y = 2"
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_science.py").write_text(SCIENCE_TEST)
    (root / "pytest.ini").write_text("[pytest]\n")
    return root


def _run(pytester: pytest.Pytester, project: Path, monkeypatch, *args: str) -> tuple[pytest.RunResult, list]:
    log = project / "executions.jsonl"
    monkeypatch.setenv("NOTEBOOK_EXECUTION_LOG", str(log))
    # tools/ for the plugin, before what is there already (the network guard's sitecustomize)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(TOOLS), os.environ.get("PYTHONPATH")]))
    )
    result = pytester.runpytest_subprocess(
        "-p", "pytest_notebooks", "-p", "no:cacheprovider", "--notebook-output", str(project / "out"),
        "-rs", "tests", "notebooks", *args,
    )  # fmt: skip
    return result, gate_summary.read_log(log)


def test_cells_are_verdicts_and_the_kernel_answers_from_one_execution(pytester, project, monkeypatch) -> None:
    # in two processes, as `make test` runs: a notebook's cells and its science tests stay together
    result, executions = _run(pytester, project, monkeypatch, "-n", "2", "--dist", "loadgroup")
    # 00-good: three cells and two science tests pass; 01-bad: cell 1 passes, cell 2 fails, cell 3 is skipped
    result.assert_outcomes(passed=6, failed=1, skipped=1)
    output = result.stdout.str()
    assert "01-bad.ipynb, cell 2 failed" in output and "boom in the second cell" in output
    assert "not run: cell 2 stopped 01-bad.ipynb" in output
    assert sorted(e["notebook"] for e in executions) == ["00-good.ipynb", "01-bad.ipynb"]
    assert gate_summary.repeated_test_executions(executions) == {}
    executed = nbformat.read(project / "out" / "00-good.ipynb", as_version=4)
    assert "the answer is 42" in executed.cells[3].outputs[0].text
    assert (project / "out" / "00-good.html").exists()
    assert set(json.loads((project / "out" / "notebook_times.json").read_text())) == {"00-good", "01-bad"}


def test_the_summary_counts_kernels_and_refuses_a_second_test_execution() -> None:
    executions = [
        {"notebook": "00-good.ipynb", "purpose": "test"},
        {"notebook": "upto-last-exercise-00-good.ipynb", "purpose": "workshop"},
        {"notebook": "01-bad.ipynb", "purpose": "load"},
        {"notebook": "01-bad.ipynb", "purpose": "load"},
    ]
    line = gate_summary.summary_line(287.4, executions)
    assert line == "gate: 287 s, 4 notebook executions (00: test 1, workshop 1; 01: load 2)"
    assert gate_summary.repeated_test_executions(executions) == {}
    twice = [*executions, {"notebook": "00-good.ipynb", "purpose": "test"}]
    assert gate_summary.repeated_test_executions(twice) == {"00-good.ipynb": 2}


REPLAY_TEST = """
from pathlib import Path

import pytest

from offline_archive.replay.cassette import Cassette

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "00-asks.ipynb"


def test_a_science_test_comes_first(run_notebook):
    assert run_notebook(NOTEBOOK).evaluate("status") == 200


@pytest.mark.notebook(NOTEBOOK)
def test_the_execution_was_recorded(recorded_execution):
    executed, folder = recorded_execution(NOTEBOOK)
    assert not executed.alive, "the kernel is stopped before the cassette is handed out"
    asked = [(e.host, e.path) for e in Cassette.open(folder).exchanges]
    assert asked == [("exo.mast.stsci.edu", "/api/v0.1/dvdata/tess/261136679/tces/")]
    assert "200" in executed.outputs_text("stdout")
"""


def test_a_marked_test_gets_the_test_execution_recorded(pytester, archive_env, monkeypatch) -> None:
    # the kernel of a notebook a marked test asks about talks to a recorder in front of the archive
    root = pytester.path
    (root / "notebooks").mkdir()
    _notebook(
        root / "notebooks" / "00-asks.ipynb",
        "import requests",
        "status = requests.get('https://exo.mast.stsci.edu/api/v0.1/dvdata/tess/261136679/tces/', timeout=30)"
        ".status_code",
        "print(status)",
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_replay.py").write_text(REPLAY_TEST)
    (root / "pytest.ini").write_text("[pytest]\n")
    for name, value in archive_env.items():
        monkeypatch.setenv(name, value)
    result, executions = _run(pytester, root, monkeypatch)  # one process: the order is the plugin's
    result.assert_outcomes(passed=5)
    assert [(e["notebook"], e["purpose"]) for e in executions] == [("00-asks.ipynb", "test")]
