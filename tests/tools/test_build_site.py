"""The site builder's pieces that need no browser: links, checks of the outputs, the learning path."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import build_site
import notebook_parts
from build_site import SiteBuildError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")


def _executed(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def _code(outputs: list[dict], count: int | None = 1) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x", execution_count=count)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://github.com/owner/repo",
            "https://mybinder.org/v2/gh/owner/repo/main?urlpath=lab/tree/x.ipynb",
        ),
        (
            "https://github.com/owner/repo.git",
            "https://mybinder.org/v2/gh/owner/repo/main?urlpath=lab/tree/x.ipynb",
        ),
        (
            "https://gitlab.com/owner/repo",
            "https://mybinder.org/v2/gl/owner%2Frepo/main?urlpath=lab/tree/x.ipynb",
        ),
        (
            "https://git.example.org/a/b/c",
            "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fa%2Fb%2Fc/main?urlpath=lab/tree/x.ipynb",
        ),
    ],
)
def test_binder_urls(url, expected) -> None:
    assert build_site.binder_url(url, "main", "x.ipynb") == expected


def test_binder_url_opens_the_notebooks_folder_by_default() -> None:
    assert build_site.binder_url("https://github.com/o/r", "dev").endswith(
        "/o/r/dev?urlpath=lab/tree/notebooks"
    )


def test_repository_comes_from_pyproject(tmp_path) -> None:
    url, branch = build_site.repository_settings(ROOT / "pyproject.toml")
    assert url.startswith("https://") and branch == "main"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(SiteBuildError, match=r"\[project.urls\] Repository"):
        build_site.repository_settings(tmp_path / "pyproject.toml")


def test_a_notebook_that_was_not_executed_is_refused() -> None:
    with pytest.raises(SiteBuildError, match="make run"):
        build_site.check_executed(_executed(_code([], count=None)), "00-x.ipynb")
    build_site.check_executed(_executed(_code([], count=1)), "00-x.ipynb")


def test_bokehjs_from_a_cdn_is_refused() -> None:
    js = 'const js_urls = ["https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"];'
    output = {"output_type": "display_data", "metadata": {}, "data": {"application/javascript": js}}
    with pytest.raises(SiteBuildError, match="BOKEH_RESOURCES=inline"):
        build_site.localise_outputs(_executed(_code([output])), "02-x.ipynb")


def test_inline_bokehjs_passes_and_the_animation_icon_stylesheet_is_dropped() -> None:
    inline = {"application/javascript": "const js_urls = [];"}
    animation = (
        '\n<link rel="stylesheet"\nhref="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css">\n'
        '<script language="javascript">function Animation(){}</script><div class="animation"></div>'
    )
    nb = _executed(
        _code([{"output_type": "display_data", "metadata": {}, "data": inline}]),
        _code(
            [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/html": animation},
                }
            ]
        ),
    )
    assert build_site.localise_outputs(nb, "03-x.ipynb") == 1
    html = nb.cells[1].outputs[0].data["text/html"]
    assert "maxcdn" not in html and "<link" not in html and 'class="animation"' in html


def test_figures_get_their_caption_as_alt_text() -> None:
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}
    nb = _executed(
        _code([png]),
        nbformat.v4.new_markdown_cell("*Figure:* the flux of a star\nagainst time."),
        _code([png]),
        nbformat.v4.new_markdown_cell("Some text that is not a caption."),
    )
    assert build_site.describe_figures(nb) == 1
    assert nb.cells[0].metadata["mystnb"]["image"]["alt"] == "the flux of a star against time."
    assert "mystnb" not in nb.cells[2].metadata


def test_learning_path_lists_every_notebook_in_order_with_its_goals() -> None:
    notebooks = [(p.name, nbformat.read(p, as_version=4)) for p in NOTEBOOKS]
    text = build_site.learning_path(notebooks)
    for step, (name, nb) in enumerate(notebooks, start=1):
        assert f"### Step {step}: {notebook_parts.title(nb)}" in text
        assert f"]({name})" in text
        goals = notebook_parts.bullets(notebook_parts.section(nb, "Learning goals"))
        assert goals and all(goal in text for goal in goals)
    toctree = text.split("```{toctree}")[1]
    assert [line for line in toctree.splitlines() if line and not line.startswith((":", "`"))] == [
        p.stem for p in NOTEBOOKS
    ] + ["launch"]


def test_build_refuses_missing_notebooks(tmp_path) -> None:
    with pytest.raises(SiteBuildError, match="make run"):
        build_site.build([], tmp_path / "site", "https://github.com/o/r", "main")
    with pytest.raises(SiteBuildError, match="do not exist"):
        build_site.build([tmp_path / "00-none.ipynb"], tmp_path / "site", "https://github.com/o/r", "main")
    assert not (tmp_path / "site").exists()
