"""The workshop copies run against the archive, with their solutions blanked, up to their last exercise.

A learner who has not solved an exercise yet must still be able to run everything before the
next one.  Each copy written by ``tools/make_workshop.py`` is cut after its last blanked cell and
executed; no cell may raise.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import make_workshop
import notebook_parts

ROOT = Path(__file__).resolve().parents[2]
WITH_EXERCISES = [
    path
    for path in notebook_parts.suite_notebooks(ROOT / "notebooks")
    if make_workshop.exercises(nbformat.read(path, as_version=4), path.name)
]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workshop") / "workshop"
    make_workshop.write_workshop(notebook_parts.suite_notebooks(ROOT / "notebooks"), folder)
    return folder


# One xdist group per copy: each is a notebook's worth of work, and they share nothing.
@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.stem, marks=pytest.mark.xdist_group(f"workshop-{p.stem}")) for p in WITH_EXERCISES],
)
def test_blank_copy_runs_up_to_its_last_exercise(path, workshop, run_notebook) -> None:
    copy = nbformat.read(workshop / path.name, as_version=4)
    blanked = [i for i, cell in enumerate(copy.cells) if make_workshop.BLANK_TAG in notebook_parts.tags(cell)]
    assert blanked, f"the workshop copy of {path.name} has no blanked solution"
    copy.cells = copy.cells[: blanked[-1] + 1]
    truncated = workshop / f"upto-last-exercise-{path.name}"
    nbformat.write(copy, truncated)
    executed = run_notebook(truncated, purpose="workshop")  # NotebookFailed names the cell that failed
    try:
        ran = [cell for cell in executed.nb.cells if cell.cell_type == "code"]
        assert all(cell.execution_count for cell in ran)
        assert executed.nb.cells[blanked[-1]].source == make_workshop.PROMPT
    finally:
        executed.shutdown()
