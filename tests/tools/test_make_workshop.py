"""Workshop copies: exercises pair with solutions, copies are blanked, solutions are collected."""

from __future__ import annotations

import itertools
from pathlib import Path

import nbformat
import pytest

import make_workshop
import notebook_parts
from make_workshop import PROMPT, WorkshopError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")


def _notebook(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    """A notebook from (cell type, source, tags) triples."""
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_a_solution_and_every_solution_an_exercise(path) -> None:
    nb = nbformat.read(path, as_version=4)
    found = make_workshop.exercises(nb, path.name)  # raises WorkshopError on an unpaired cell
    tagged_solutions = [i for i, c in enumerate(nb.cells) if "solution" in notebook_parts.tags(c)]
    tagged_exercises = [i for i, c in enumerate(nb.cells) if "exercise" in notebook_parts.tags(c)]
    assert [e.prompt for e in found] == tagged_exercises
    assert sorted(i for e in found for i in e.solutions) == tagged_solutions


def test_the_suite_has_exercises() -> None:
    assert any(make_workshop.exercises(nbformat.read(p, as_version=4)) for p in NOTEBOOKS)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([("md", "### Exercise", ["exercise"]), ("code", "x = 1", [])], "has no solution"),
        ([("md", "### Exercise", ["exercise"])], "has no solution"),
        ([("code", "x = 1", ["solution"])], "follows no exercise"),
        ([("md", "### Exercise", ["exercise"]), ("md", "x", ["solution"])], "not a code cell"),
        ([("md", "### Exercise", ["exercise", "solution"])], "both exercise and solution"),
        (
            [
                ("md", "### Ex", ["exercise"]),
                ("code", "a", ["solution"]),
                ("md", "t", []),
                ("code", "b", ["solution"]),
            ],
            "follows no exercise",
        ),
    ],
)
def test_unpaired_cells_are_refused_with_the_cell_named(cells, message) -> None:
    with pytest.raises(WorkshopError, match=message) as info:
        make_workshop.exercises(_notebook(*cells), "demo.ipynb")
    assert "demo.ipynb" in str(info.value)


def test_a_solution_may_span_several_code_cells() -> None:
    nb = _notebook(
        ("md", "### Ex", ["exercise"]), ("code", "a = 1", ["solution"]), ("code", "a", ["solution"])
    )
    assert make_workshop.exercises(nb) == [make_workshop.Exercise(0, (1, 2))]


def test_workshop_copies_blank_the_solutions_only(tmp_path) -> None:
    written = make_workshop.write_workshop(NOTEBOOKS, tmp_path / "workshop")
    assert sorted(p.name for p in written) == sorted([p.name for p in NOTEBOOKS] + ["solutions.ipynb"])
    for path in NOTEBOOKS:
        original = nbformat.read(path, as_version=4)
        copy = nbformat.read(tmp_path / "workshop" / path.name, as_version=4)
        assert len(copy.cells) == len(original.cells)
        for before, after in zip(original.cells, copy.cells, strict=True):
            if "solution" in notebook_parts.tags(before):
                assert after.source == PROMPT and notebook_parts.tags(after) == ["blanked"]
            else:
                assert after.source == before.source and notebook_parts.tags(after) == notebook_parts.tags(
                    before
                )
            if after.cell_type == "code":
                assert after.outputs == [] and after.execution_count is None


def test_the_solutions_notebook_collects_every_exercise_and_solution(tmp_path) -> None:
    make_workshop.write_workshop(NOTEBOOKS, tmp_path / "workshop")
    solutions = nbformat.read(tmp_path / "workshop" / "solutions.ipynb", as_version=4)
    sources = [cell.source for cell in solutions.cells]
    headings = notebook_parts.headings(solutions)
    assert [h.level for h in headings].count(1) == 1
    assert all(b.level - a.level <= 1 for a, b in itertools.pairwise(headings))
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for exercise in make_workshop.exercises(nb):
            for index in exercise.solutions:
                assert nb.cells[index].source in sources
            assert any(nb.cells[exercise.prompt].source.split("\n", 1)[1] in source for source in sources), (
                "the exercise's prompt is missing"
            )


def test_a_failed_workshop_build_leaves_no_folder(tmp_path) -> None:
    bad = tmp_path / "00-bad.ipynb"
    nbformat.write(_notebook(("code", "x = 1", ["solution"])), bad)
    with pytest.raises(WorkshopError):
        make_workshop.write_workshop([bad], tmp_path / "workshop")
    assert not (tmp_path / "workshop").exists()
    assert make_workshop.main([str(bad), "--output", str(tmp_path / "workshop")]) == 1
