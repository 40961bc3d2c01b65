"""Reading a notebook's structure: headings, sections, bullets, figures and captions."""

from __future__ import annotations

import nbformat
import pytest

import notebook_parts

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

NB = nbformat.v4.new_notebook(
    cells=[
        md("# The title\n\nFirst paragraph,\nover two lines.\n\nSecond paragraph."),
        md(
            "## Learning goals\n\n- one thing;\n- another thing,\n  continued.\n\n"
            "## Prerequisites\n\n- Python."
        ),
        md("## 2. Setup\n\n```python\n# not a heading\n```\n\n### 2.1 Details"),
        code("plt.show()"),
        md("*Figure:* a plot."),
    ]
)


def test_headings_skip_fenced_code() -> None:
    assert [(h.level, h.text) for h in notebook_parts.headings(NB)] == [
        (1, "The title"),
        (2, "Learning goals"),
        (2, "Prerequisites"),
        (2, "2. Setup"),
        (3, "2.1 Details"),
    ]


def test_title_introduction_section_and_bullets() -> None:
    assert notebook_parts.title(NB) == "The title"
    assert notebook_parts.introduction(NB) == "First paragraph, over two lines."
    goals = notebook_parts.section(NB, "learning goals")
    assert notebook_parts.bullets(goals) == ["one thing;", "another thing, continued."]
    assert notebook_parts.section(NB, "Setup").startswith("```python")
    assert notebook_parts.section(NB, "Summary") == ""


def test_a_notebook_without_a_title_is_named_as_such() -> None:
    with pytest.raises(ValueError, match="level-1 heading"):
        notebook_parts.title(nbformat.v4.new_notebook(cells=[md("## Only a section")]))


@pytest.mark.parametrize(
    ("source", "is_figure"),
    [
        ("plt.show()", True),
        ("show(fig)", True),
        ("HTML(anim.to_jshtml())", True),
        ("output_notebook()", False),
        ("# plt.show()", False),
        ("lc.show_properties()", False),
        ("x = 1", False),
    ],
)
def test_figure_cells(source, is_figure) -> None:
    assert notebook_parts.is_figure_cell(code(source)) is is_figure


@pytest.mark.parametrize(
    ("source", "is_caption"),
    [("Figure: a", True), ("*Figure:* a", True), ("**Figure:** a", True), ("The figure: a", False)],
)
def test_captions(source, is_caption) -> None:
    assert notebook_parts.is_caption(md(source)) is is_caption
