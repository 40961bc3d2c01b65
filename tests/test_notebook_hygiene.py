"""Accessibility and hygiene of every notebook in notebooks/: structure, captions, links, no outputs.

The conventions are those of notebooks 00 and 01 (see the brief): a single level-1 title; headings
that never skip a level; the sections a learner looks for first (learning goals, prerequisites,
time to run) and last (summary, what to read next); a caption cell starting "Figure:" (plain,
italic or bold) after every cell that shows a figure, which is the figure's text alternative;
links whose text says where they lead; and no outputs or execution counts stored.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat
import pytest

import notebook_parts

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")
REQUIRED_SECTIONS = ("Learning goals", "Prerequisites", "Time to run", "Summary", "What to read next")
VAGUE_LINK_TEXT = {
    "here",
    "click here",
    "link",
    "this link",
    "this",
    "this page",
    "more",
    "read more",
    "page",
}
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _prose(source: str) -> str:
    """Markdown without fenced code blocks and inline code spans."""
    return re.sub(r"`[^`\n]*`", "", "\n".join(notebook_parts.markdown_lines(source)))


def test_the_suite_has_notebooks() -> None:
    assert len(NOTEBOOKS) >= 2


each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)


@each_notebook
def test_is_a_valid_notebook(path) -> None:
    nbformat.validate(_read(path))


@each_notebook
def test_has_one_title_in_its_first_cell(path) -> None:
    nb = _read(path)
    titles = [h for h in notebook_parts.headings(nb) if h.level == 1]
    assert len(titles) == 1, f"level-1 headings: {[h.text for h in titles]}"
    assert titles[0].cell == 0 and nb.cells[0].source.lstrip().startswith("# ")


@each_notebook
def test_headings_never_skip_a_level(path) -> None:
    headings = notebook_parts.headings(_read(path))
    skips = [
        f"{a.text!r} (level {a.level}) -> {b.text!r} (level {b.level})"
        for a, b in itertools.pairwise(headings)
        if b.level > a.level + 1
    ]
    assert skips == []


@each_notebook
def test_has_the_sections_a_learner_looks_for(path) -> None:
    nb = _read(path)
    names = [re.sub(r"^[\d.\s]+", "", h.text).strip().lower() for h in notebook_parts.headings(nb)]
    for section in REQUIRED_SECTIONS:
        assert section.lower() in names, f"no {section!r} heading"
        assert notebook_parts.section(nb, section).strip(), f"the {section!r} section is empty"
    assert notebook_parts.bullets(notebook_parts.section(nb, "Learning goals")), "learning goals as a list"
    assert names.index("summary") > names.index("time to run")


@each_notebook
def test_every_figure_has_a_caption_after_it(path) -> None:
    nb = _read(path)
    missing = [
        index
        for index, cell in enumerate(nb.cells)
        if notebook_parts.is_figure_cell(cell)
        and (index + 1 == len(nb.cells) or not notebook_parts.is_caption(nb.cells[index + 1]))
    ]
    assert missing == [], "code cells showing a figure without a 'Figure:' caption cell right after them"


@each_notebook
def test_captions_describe_the_figure(path) -> None:
    for cell in _read(path).cells:
        if notebook_parts.is_caption(cell):
            words = notebook_parts.CAPTION.sub("", cell.source).split()
            assert len(words) >= 8, f"a caption of {len(words)} words: {cell.source!r}"


@each_notebook
def test_is_stored_without_outputs_or_execution_counts(path) -> None:
    stored = [
        index
        for index, cell in enumerate(_read(path).cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert stored == [], "clear the outputs before committing (nbstripout does it as a pre-commit hook)"


@each_notebook
def test_link_text_says_where_the_link_leads(path) -> None:
    vague = []
    for cell in _read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for text, _ in _LINK.findall(_prose(cell.source)):
            plain = re.sub(r"[^\w\s]", "", text).strip().lower()
            if plain in VAGUE_LINK_TEXT or re.match(r"(https?://|www\.)", text.strip()) or not plain:
                vague.append(text)
    assert vague == []


@each_notebook
def test_no_bare_urls_in_the_text(path) -> None:
    bare = []
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            text = _LINK.sub(" ", _prose(cell.source))
            bare += re.findall(r"<?https?://[^\s)>]+>?|\bwww\.[^\s)]+", text)
    assert bare == [], "give each address descriptive link text: [what it is](address)"


@each_notebook
def test_each_exercise_cell_holds_one_named_exercise(path) -> None:
    nb = _read(path)
    for index, cell in enumerate(nb.cells):
        if "exercise" in notebook_parts.tags(cell):
            headings = [h for h in notebook_parts.headings(nb) if h.cell == index]
            assert len(headings) == 1 and "exercise" in headings[0].text.lower(), (
                f"cell {index}: an exercise cell starts with one heading naming the exercise, "
                f"and holds nothing else; it has {[h.text for h in headings]}"
            )


# --- the checks catch what they are for ------------------------------------------------------------------

_md, _code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


@pytest.mark.parametrize(
    ("check", "cells"),
    [
        (test_has_one_title_in_its_first_cell, [_md("## Intro"), _md("# Title")]),
        (test_has_one_title_in_its_first_cell, [_md("# Title"), _md("# Another")]),
        (test_headings_never_skip_a_level, [_md("# Title\n\n### Too deep")]),
        (test_has_the_sections_a_learner_looks_for, [_md("# Title\n\n## Learning goals\n\n- a")]),
        (test_every_figure_has_a_caption_after_it, [_code("plt.show()"), _md("Some text.")]),
        (test_captions_describe_the_figure, [_md("*Figure:* a plot.")]),
        (test_link_text_says_where_the_link_leads, [_md("See [here](https://example.org).")]),
        (test_link_text_says_where_the_link_leads, [_md("See [https://example.org](https://example.org).")]),
        (test_no_bare_urls_in_the_text, [_md("See https://example.org for more.")]),
        (test_each_exercise_cell_holds_one_named_exercise, [_md("### 4.5 Table\n\n### 4.6 Exercise: x")]),
    ],
)
def test_the_checks_catch_a_bad_notebook(check, cells, tmp_path) -> None:
    for cell in cells:
        if "Exercise" in cell.source:
            cell.metadata["tags"] = ["exercise"]
    path = tmp_path / "00-bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    with pytest.raises(AssertionError):
        check(path)


def test_stored_outputs_are_caught(tmp_path) -> None:
    cell = _code("1 + 1", execution_count=3)
    path = tmp_path / "00-bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    with pytest.raises(AssertionError):
        test_is_stored_without_outputs_or_execution_counts(path)
