"""Write workshop copies of the notebooks: solutions blanked, plus one notebook of all solutions.

    python tools/make_workshop.py notebooks/*.ipynb --output build/workshop

In the suite, an exercise is a markdown cell tagged ``exercise`` followed by one or more code
cells tagged ``solution``.  Each workshop copy keeps every cell but replaces the source of the
solution cells with a prompt (:data:`PROMPT`) and tags them ``blanked``, ready for live coding;
``solutions.ipynb`` collects every exercise with its solution, notebook by notebook.  The copies
are written without outputs, into a staging folder that replaces the output folder only when
every notebook was written.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

import notebook_parts

PROMPT = "# Your code here\n"
BLANK_TAG = "blanked"
SOLUTIONS = "solutions.ipynb"


class WorkshopError(Exception):
    """A notebook cannot be turned into a workshop copy; the message says why and what to do."""


@dataclass(frozen=True)
class Exercise:
    """An exercise: the index of its prompt cell and of the solution cells that follow it."""

    prompt: int
    solutions: tuple[int, ...]


def exercises(nb: NotebookNode, name: str = "the notebook") -> list[Exercise]:
    """The exercises of a notebook, checking that every exercise has a solution and vice versa.

    Raises
    ------
    WorkshopError
        If an ``exercise`` cell is not followed by a ``solution`` code cell, if a ``solution``
        cell does not follow an exercise (or another solution), or if a cell has both tags.
    """
    found: list[Exercise] = []
    cells = nb.cells
    for index, cell in enumerate(cells):
        tags = notebook_parts.tags(cell)
        if "exercise" in tags and "solution" in tags:
            raise WorkshopError(f"Cell {index} of {name} is tagged both exercise and solution; keep one tag.")
        if "exercise" in tags:
            solutions = []
            for later in range(index + 1, len(cells)):
                if "solution" not in notebook_parts.tags(cells[later]):
                    break
                if cells[later].cell_type != "code":
                    raise WorkshopError(
                        f"Cell {later} of {name} is tagged solution but is not a code cell; "
                        "tag only the code that answers the exercise."
                    )
                solutions.append(later)
            if not solutions:
                raise WorkshopError(
                    f"The exercise in cell {index} of {name} has no solution: the next cell should be a "
                    "code cell tagged 'solution' with the answer."
                )
            found.append(Exercise(index, tuple(solutions)))
        elif "solution" in tags and not any(index in exercise.solutions for exercise in found):
            raise WorkshopError(
                f"The solution in cell {index} of {name} follows no exercise: put the exercise's prompt "
                "just before it, in a markdown cell tagged 'exercise'."
            )
    return found


def blank_copy(nb: NotebookNode, name: str = "the notebook") -> NotebookNode:
    """A copy of ``nb`` with each solution replaced by :data:`PROMPT` and no outputs."""
    solution_cells = {i for exercise in exercises(nb, name) for i in exercise.solutions}
    copy = nbformat.from_dict(nb)
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if index in solution_cells:
            cell.source = PROMPT
            tags = [tag for tag in notebook_parts.tags(cell) if tag != "solution"]
            cell.metadata["tags"] = [*tags, BLANK_TAG]
    return copy


def _shift_headings(markdown: str, top: int) -> str:
    """Move a markdown text's headings so that its highest one is at level ``top``."""
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", markdown, flags=re.MULTILINE)]
    if not levels:
        return markdown
    shift = top - min(levels)
    return re.sub(
        r"^(#{1,6})(\s)",
        lambda m: "#" * min(6, max(1, len(m.group(1)) + shift)) + m.group(2),
        markdown,
        flags=re.MULTILINE,
    )


def solutions_notebook(notebooks: list[tuple[str, NotebookNode]]) -> NotebookNode:
    """One notebook with every exercise and its solution, under its notebook's title."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md(
            "# Solutions to the exercises\n\n"
            "The exercises of every notebook in the suite, each followed by the code that solves it. "
            "A solution runs inside its own notebook, after the cells that come before its exercise: "
            "it uses the names those cells define, so copy it there rather than running it here."
        )
    ]
    for name, nb in notebooks:
        found = exercises(nb, name)
        if not found:
            continue
        cells.append(md(f"## {notebook_parts.title(nb)}\n\nFrom [{name}]({name})."))
        for exercise in found:
            cells.append(md(_shift_headings(nb.cells[exercise.prompt].source, 3)))
            cells.extend(code(nb.cells[i].source) for i in exercise.solutions)
    solutions = nbformat.v4.new_notebook(cells=cells)
    if notebooks:
        solutions.metadata = nbformat.from_dict(
            {k: v for k, v in notebooks[0][1].metadata.items() if k in ("kernelspec", "language_info")}
        )
    return solutions


def write_workshop(paths: list[Path], output: Path) -> list[Path]:
    """Write the blank copies and ``solutions.ipynb`` into ``output``; returns the files written.

    Raises
    ------
    WorkshopError
        If a notebook's exercises and solutions do not pair up; nothing is written then.
    """
    if not paths:
        raise WorkshopError("No notebooks were given; pass the notebooks/[0-9][0-9]-*.ipynb files.")
    notebooks = [(path.name, nbformat.read(path, as_version=4)) for path in paths]
    copies = [(name, blank_copy(nb, name)) for name, nb in notebooks]
    staging = output.with_name(output.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, copy in copies:
        nbformat.write(copy, staging / name)
    nbformat.write(solutions_notebook(notebooks), staging / SOLUTIONS)
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    return sorted(output.iterdir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--output", type=Path, default=Path("build/workshop"))
    args = parser.parse_args(argv)
    try:
        written = write_workshop(sorted(args.notebooks, key=lambda p: p.name), args.output)
    except WorkshopError as exc:
        print(f"make_workshop: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"Workshop copies and {SOLUTIONS} are in {args.output.resolve()}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
