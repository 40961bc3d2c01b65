"""Reading the structure of a tutorial notebook: headings, sections, tagged cells, figures.

Shared by the site builder (``build_site.py``), the workshop copies (``make_workshop.py``) and the
hygiene tests.  Every function takes an ``nbformat.NotebookNode`` (version 4) and reads it only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

#: The notebooks of the suite, in learning order (``make`` uses the same pattern).
NOTEBOOK_PATTERN = "[0-9][0-9]-*.ipynb"

#: What a plotting cell calls to show a figure: matplotlib, bokeh, an HTML animation.
FIGURE_CALLS = re.compile(r"\bplt\.show\(|(?<![\w.])show\(|\.to_jshtml\(|\.to_html5_video\(")

#: A figure's caption: a markdown cell that starts "Figure:", "*Figure:*" or "**Figure:**".
CAPTION = re.compile(r"^\s*(\*{1,2}|_{1,2})?Figure:")

_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Heading:
    """A markdown heading: the index of its cell, its level (1 for ``#``) and its text."""

    cell: int
    level: int
    text: str


def suite_notebooks(folder: Path) -> list[Path]:
    """The suite's notebooks in ``folder``, in learning order (by their two-digit prefix).

    Parameters
    ----------
    folder : pathlib.Path
        Usually the repository's ``notebooks`` folder.

    Returns
    -------
    list of pathlib.Path
    """
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def read(path: Path) -> NotebookNode:
    """Read a notebook as nbformat version 4."""
    return nbformat.read(path, as_version=4)


def tags(cell: NotebookNode) -> list[str]:
    """The tags of a cell (an empty list if it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def markdown_lines(source: str) -> list[str]:
    """The lines of a markdown source that are not inside fenced code blocks."""
    lines, fenced = [], False
    for line in source.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def headings(nb: NotebookNode) -> list[Heading]:
    """Every ATX heading (``#`` to ``######``) of the markdown cells, in order."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for line in markdown_lines(cell.source):
            match = _ATX_HEADING.match(line)
            if match:
                found.append(Heading(index, len(match.group(1)), match.group(2)))
    return found


def title(nb: NotebookNode) -> str:
    """The text of the notebook's first level-1 heading.

    Raises
    ------
    ValueError
        If the notebook has no level-1 heading.
    """
    for heading in headings(nb):
        if heading.level == 1:
            return heading.text
    raise ValueError("The notebook has no level-1 heading (a '# Title' line); add one to its first cell.")


def section(nb: NotebookNode, name: str) -> str:
    """The markdown under the first heading called ``name``, up to the next heading of its level or above.

    The heading's name is matched without case and without a leading number ("2. Setup" matches
    "setup").  Returns an empty string when there is no such heading.
    """
    wanted = _plain(name)
    parts: list[str] = []
    level = None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if level is not None:
                break
            continue
        for line in cell.source.splitlines():
            match = _ATX_HEADING.match(line)
            if match and level is not None and len(match.group(1)) <= level:
                return "\n".join(parts).strip()
            if match and level is None and _plain(match.group(2)) == wanted:
                level = len(match.group(1))
                continue
            if level is not None:
                parts.append(line)
    return "\n".join(parts).strip()


def bullets(markdown: str) -> list[str]:
    """The top-level bullet items of a markdown text, each joined onto one line."""
    items: list[str] = []
    for line in markdown.splitlines():
        if re.match(r"^[-*]\s+", line):
            items.append(re.sub(r"^[-*]\s+", "", line).strip())
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
    return items


def introduction(nb: NotebookNode) -> str:
    """The first paragraph after the notebook's title, on one line."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for start, line in enumerate(lines):
            match = _ATX_HEADING.match(line)
            if match and len(match.group(1)) == 1:
                paragraph: list[str] = []
                for rest in lines[start + 1 :]:
                    if not rest.strip():
                        if paragraph:
                            break
                        continue
                    if _ATX_HEADING.match(rest):
                        break
                    paragraph.append(rest.strip())
                return " ".join(paragraph)
    return ""


def is_figure_cell(cell: NotebookNode) -> bool:
    """Whether a code cell shows a figure: ``plt.show()``, bokeh's ``show(...)`` or ``to_jshtml()``.

    Comment lines do not count.  (The site tests also check the executed notebooks: every image,
    bokeh plot or animation in a cell's outputs must be followed by a caption.)
    """
    if cell.cell_type != "code":
        return False
    code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("#"))
    return bool(FIGURE_CALLS.search(code))


def is_caption(cell: NotebookNode) -> bool:
    """Whether a cell is a figure caption: markdown starting "Figure:" (plain, italic or bold)."""
    return cell.cell_type == "markdown" and bool(CAPTION.match(cell.source))


def _plain(text: str) -> str:
    return re.sub(r"^[\d.\s]+", "", text).strip().lower()
