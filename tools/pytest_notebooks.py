"""pytest plugin: each notebook executed once per session, its cells as test items, its kernel for the science tests.

* The suite's notebooks (``notebooks/NN-*.ipynb``, when ``notebooks`` or a notebook is given on the
  command line) are collected as one item per code cell, ``notebooks/02-....ipynb::cell 7``.  A
  cell passes when it ran without error; the cell that stopped the notebook fails with its
  traceback, and the cells after it are skipped, naming it.  This is the verdict ``nbval --nbval-lax``
  gave, from the same execution that the science tests question and the site is built from.
* The ``run_notebook`` fixture hands out the session's execution of a suite notebook (executing it
  on first use) with its kernel alive for :meth:`~notebook_execution.ExecutedNotebook.evaluate`;
  any other notebook (a workshop copy) is executed afresh, once per call.
* A notebook's cell items and the science tests that question it (tests using ``run_notebook`` in
  a module that names the notebook in a module-level ``NOTEBOOK``) are ordered together and put in one pytest-xdist group (``--dist loadgroup``), so
  that one worker executes it, once; its kernel stops when the last of them is done.  Every other
  test is grouped with its module, so that a module-scoped fixture (an archive with faults, a load
  run) is set up by one worker, once.
* A test marked ``@pytest.mark.notebook(path)`` joins that notebook's group, after its science
  tests.  The ``executed_notebook`` fixture hands it the session's execution of the notebook (its
  outputs; the kernel may be stopped), and ``recorded_execution`` that execution together with the
  cassette it was recorded into: the kernel of a notebook that a test using ``recorded_execution``
  asks about talks to a recorder in front of the session's archive
  (``notebook_recording.Recording``), so that the replay round trip replays the test execution
  instead of running the notebook once more to record it.
* ``--notebook-output DIR`` writes each executed notebook, its HTML and its time there (what
  ``make run`` writes), for the site, the credential scan and ``make bench``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # nbclient, nbformat, nbconvert and the archive load only when a notebook is executed
    from notebook_execution import ExecutedNotebook
    from notebook_recording import Recording

#: The suite's notebooks, by name (``make`` and ``notebook_parts`` use the same pattern).
SUITE_NAME = re.compile(r"^\d\d-.+\.ipynb$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(Exception):
    """A notebook stopped at a cell; the science tests that question it cannot run."""


class Executions:
    """The notebooks executed in this session, by path; each is executed at most once.

    Parameters
    ----------
    output : pathlib.Path or None
        Where executed copies are written (``--notebook-output``), or None.
    questioned : set of pathlib.Path
        Notebooks that science tests will question: their kernels stay up after the execution.
    """

    def __init__(self, output: Path | None, questioned: set[Path]) -> None:
        self.output = output
        self.questioned = questioned
        #: Notebooks whose execution is recorded into a cassette (a marked test replays it).
        self.to_record: set[Path] = set()
        self._done: dict[Path, ExecutedNotebook] = {}
        self._recordings: dict[Path, Recording] = {}
        self._cassettes: tempfile.TemporaryDirectory | None = None

    def get(self, path: Path, keep_kernel: bool = False) -> ExecutedNotebook:
        """The session's execution of ``path``, executing the notebook if it has not run yet (its
        kernel kept up when asked to, or when science tests will question it; its requests
        recorded when a marked test will replay it)."""
        from notebook_execution import execute, write_executed

        path = path.resolve()
        if path not in self._done:
            keep = keep_kernel or path in self.questioned
            env = self._start_recording(path).kernel_env() if path in self.to_record else None
            executed = execute(path, keep_kernel=keep, purpose="test", env=env)
            if self.output is not None:
                write_executed(executed, self.output)
            self._done[path] = executed
        return self._done[path]

    def _start_recording(self, path: Path) -> Recording:
        from notebook_recording import Recording

        if self._cassettes is None:
            self._cassettes = tempfile.TemporaryDirectory(prefix="notebook-cassettes-")
        recording = Recording(Path(self._cassettes.name) / path.stem, dict(os.environ))
        self._recordings[path] = recording
        return recording

    def recorded(self, path: Path) -> tuple[ExecutedNotebook, Path]:
        """The session's execution of ``path`` and the cassette it was recorded into, closed.

        Raises
        ------
        NotebookFailed
            If the notebook stopped at a cell (there is nothing to replay).
        RuntimeError
            If the notebook was not recorded (no test marked with it was collected).
        """
        path = path.resolve()
        if path not in self.to_record:
            raise RuntimeError(
                f"{path.name} is not recorded in this session: only a test that uses the "
                "recorded_execution fixture (and is marked @pytest.mark.notebook(path)) gets it recorded."
            )
        executed = self.get(path)
        self.release(path)
        if executed.error is not None:
            raise NotebookFailed(f"{path.name} stopped at cell {executed.failed_cell()}; nothing to replay")
        return executed, self._recordings[path].close()

    def questioned_kernel(self, path: Path) -> ExecutedNotebook:
        """The execution of ``path`` with its kernel up, for science tests.

        Raises
        ------
        NotebookFailed
            If the notebook stopped at a cell.
        RuntimeError
            If its kernel was stopped already: the tests questioning it ran apart from its cells.
        """
        executed = self.get(path, keep_kernel=True)
        if executed.error is not None:
            cell = executed.failed_cell()
            last = executed.error.strip().splitlines()[-1] if executed.error.strip() else ""
            raise NotebookFailed(f"{path.name} stopped at cell {cell}: {_ANSI.sub('', last)}")
        if not executed.alive:
            raise RuntimeError(
                f"{path.name} was executed once in this session and its kernel is stopped; the tests "
                "that question it must run in the same group as its cells (see tools/pytest_notebooks.py)."
            )
        return executed

    def release(self, path: Path) -> None:
        """Stop the kernel of ``path`` and its recorder: nothing more will question it."""
        path = path.resolve()
        executed = self._done.get(path)
        if executed is not None:
            executed.shutdown()
        if path in self._recordings:
            self._recordings[path].close()

    def close(self) -> None:
        """Stop every kernel and recorder still running, and remove the cassettes."""
        for executed in self._done.values():
            executed.shutdown()
        for recording in self._recordings.values():
            recording.close()
        if self._cassettes is not None:
            self._cassettes.cleanup()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--notebook-output",
        type=Path,
        default=None,
        help="write each executed notebook, its HTML and its time here (what `make run` writes)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "notebook(path): the test questions that suite notebook's execution (recorded_execution)"
    )
    output = config.getoption("--notebook-output")
    config.stash[_EXECUTIONS] = Executions(output.resolve() if output else None, set())


def pytest_unconfigure(config: pytest.Config) -> None:
    executions = config.stash.get(_EXECUTIONS, None)
    if executions is not None:
        executions.close()


_EXECUTIONS = pytest.StashKey[Executions]()


def _suite_notebook(path: Path, config: pytest.Config) -> bool:
    """A suite notebook, or any notebook named on the command line (an instructor's own)."""
    if path.suffix != ".ipynb":
        return False
    named = {(config.invocation_params.dir / arg).resolve() for arg in config.args if arg.endswith(".ipynb")}
    return path.resolve() in named or (
        path.parent == config.rootpath / "notebooks" and bool(SUITE_NAME.match(path.name))
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _suite_notebook(file_path, parent.config):
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class NotebookFile(pytest.File):
    """A suite notebook: one item per code cell."""

    def collect(self) -> Iterator[pytest.Item]:
        cells = json.loads(self.path.read_text(encoding="utf-8"))["cells"]  # nbformat 4, stored as JSON
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                yield NotebookCell.from_parent(self, name=f"cell {index}", index=index, source=source)


class NotebookCell(pytest.Item):
    """One code cell of the session's execution of its notebook."""

    def __init__(self, *, index: int, source: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.source = source
        self.add_marker("archive")

    def runtest(self) -> None:
        executed = self.config.stash[_EXECUTIONS].get(self.path)
        failed = executed.failed_cell()
        if failed is None or self.index < failed:
            return
        if self.index > failed:
            pytest.skip(f"not run: cell {failed} stopped {self.path.name}")
        cell = executed.nb.cells[self.index]
        tracebacks = [
            "\n".join(output.get("traceback", [])) or f"{output.get('ename')}: {output.get('evalue')}"
            for output in cell.get("outputs", [])
            if output.output_type == "error"
        ]
        raise CellFailed(_ANSI.sub("", "\n".join(tracebacks) or executed.error or "the cell did not finish"))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CellFailed):
            return (
                f"{self.path.name}, cell {self.index} failed:\n"
                f"{'-' * 70}\n{self.source}\n{'-' * 70}\n{excinfo.value}"
            )
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


class CellFailed(Exception):
    """A cell raised; its message is the cell's traceback."""


def _notebook_of(item: pytest.Item) -> Path | None:
    """The suite notebook an item belongs to: a cell's own, the one a ``notebook`` marker names, or
    the ``NOTEBOOK`` named by the module of a test that questions a notebook (through the
    ``run_notebook`` fixture)."""
    if isinstance(item, NotebookCell):
        return item.path.resolve()
    marked = _marked_notebook(item)
    if marked is not None:
        return marked
    if "run_notebook" not in getattr(item, "fixturenames", ()):
        return None
    module = getattr(item, "module", None)
    named = getattr(module, "NOTEBOOK", None) if module is not None else None
    if isinstance(named, Path) and _suite_notebook(named.resolve(), item.config):
        return named.resolve()
    return None


def _marked_notebook(item: pytest.Item) -> Path | None:
    """The notebook named by the item's ``@pytest.mark.notebook(path)``, if any."""
    marker = item.get_closest_marker("notebook")
    return Path(marker.args[0]).resolve() if marker is not None and marker.args else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    groups: dict[Path, list[pytest.Item]] = {}
    notebook_of = {item: _notebook_of(item) for item in items}
    for item in items:
        notebook = notebook_of[item]
        if notebook is not None:
            groups.setdefault(notebook, []).append(item)
            item.add_marker(pytest.mark.xdist_group(name=notebook.stem))
    executions = config.stash[_EXECUTIONS]
    executions.questioned = {
        nb
        for nb, members in groups.items()
        if any(not isinstance(m, NotebookCell) and _marked_notebook(m) is None for m in members)
    }
    executions.to_record = {
        nb
        for nb, members in groups.items()
        if any("recorded_execution" in getattr(m, "fixturenames", ()) for m in members)
    }
    for item in items:
        if notebook_of[item] is None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::", 1)[0]))
    # Each notebook's items together: its cells, its science tests, the marked tests (a replay);
    # the notebooks first of all, in their order: they are the longest groups, and pytest-xdist
    # hands groups out in this order when told not to sort them by size (--no-loadscope-reorder,
    # as make test runs it).
    ordered = []
    for notebook in sorted(groups):
        members = groups[notebook]
        ordered += [m for m in members if isinstance(m, NotebookCell)]
        ordered += [m for m in members if not isinstance(m, NotebookCell) and _marked_notebook(m) is None]
        ordered += [m for m in members if not isinstance(m, NotebookCell) and _marked_notebook(m) is not None]
    items[:] = ordered + [item for item in items if notebook_of[item] is None]


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    notebook = _notebook_of(item)
    if notebook is not None and (nextitem is None or _notebook_of(nextitem) != notebook):
        item.config.stash[_EXECUTIONS].release(notebook)


@pytest.fixture(scope="session")
def run_notebook(pytestconfig):
    """A function ``run_notebook(path, purpose="test") -> ExecutedNotebook``: the session's execution
    of a suite notebook, kernel up (call ``shutdown()`` when done, or leave it to the session); any
    other notebook is executed afresh (logged with ``purpose``), with its kernel up; a notebook that
    stops at a cell raises ``NotebookFailed``."""
    executions = pytestconfig.stash[_EXECUTIONS]

    def run(path: Path, purpose: str = "test") -> ExecutedNotebook:
        from notebook_execution import execute

        if _suite_notebook(path.resolve(), pytestconfig):
            return executions.questioned_kernel(path)
        executed = execute(path, keep_kernel=True, purpose=purpose)
        if executed.error is not None:
            raise NotebookFailed(f"{path.name} stopped at cell {executed.failed_cell()}:\n{executed.error}")
        return executed

    return run


@pytest.fixture(scope="session")
def recorded_execution(pytestconfig):
    """A function ``recorded_execution(path) -> (ExecutedNotebook, cassette)``: the session's
    execution of a suite notebook, its kernel stopped, and the folder of the cassette its requests
    were recorded into.  Only for tests marked ``@pytest.mark.notebook(path)``; a notebook that
    stopped at a cell raises ``NotebookFailed``."""
    return pytestconfig.stash[_EXECUTIONS].recorded


@pytest.fixture(scope="session")
def executed_notebook(pytestconfig):
    """A function ``executed_notebook(path) -> ExecutedNotebook``: the session's execution of a
    suite notebook, for its outputs (executing it on first use).  For tests marked
    ``@pytest.mark.notebook(path)``, which run after the notebook's science tests."""
    return pytestconfig.stash[_EXECUTIONS].get
