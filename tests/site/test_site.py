"""The suite's website (``build/site``, built by ``make run``) as a reader meets it.

Assumption: ``make run`` has executed every notebook into ``build/`` and built the site from them
(``make test`` runs it before these tests).  A missing site fails the tests; it is never skipped.

Two checks concern the whole site rather than one page: it holds at least one interactive bokeh
plot and at least one animation.  They fail until the notebooks that make them (02 and 03) are in
``notebooks/``; the per-page checks apply to whichever pages have plots or animations.
"""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from site_browser import (
    ANIMATION_MARK,
    BOKEH_MARK,
    BUILD,
    ROOT,
    SITE,
    check_bokeh_plots,
    html_pages,
    pages_with,
    require_site,
    step_animations,
)

import notebook_parts

NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")
NOT_BUILT = "(the site is not built)"


def _all_pages() -> list[str]:
    pages = [p.relative_to(SITE).as_posix() for p in html_pages(SITE)] if SITE.is_dir() else []
    return pages or [NOT_BUILT]


def _executed(notebook: Path) -> nbformat.NotebookNode:
    path = BUILD / notebook.name
    if not path.is_file():
        pytest.fail(f"{path} does not exist: `make run` executes the notebooks into build/.")
    return nbformat.read(path, as_version=4)


class _Links(HTMLParser):
    """Every href/src of a page, the ids it defines, its images and the level-1 headings of its article."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.images: list[dict[str, str]] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self._articles = 0  # the theme repeats the title in a print-only block outside the article

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name"):
            if values.get(name):
                self.ids.add(values[name])
        for name in ("href", "src"):
            if name in values:
                self.links.append((tag, values[name]))
        if tag == "img":
            self.images.append(values)
        if tag == "article":
            self._articles += 1
        if tag == "h1" and self._articles:
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag == "article":
            self._articles -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text())
    return parser


# --- every page, in the browser ---------------------------------------------------------------------


@pytest.mark.parametrize("page", _all_pages())
def test_page_loads_cleanly_over_http(page, site_server, visit_page) -> None:
    require_site()
    tab, visit = visit_page(site_server.url + page)
    try:
        assert visit.problems() == [], f"{page} served from 127.0.0.1"
        assert any(u.startswith(site_server.url) for u in visit.requests[1:]), "the page loaded no assets"
    finally:
        tab.context.close()


# A group of their own: the two test processes share the pages between them (each has its browser).
@pytest.mark.xdist_group("site-pages-from-disk")
@pytest.mark.parametrize("page", _all_pages())
def test_page_loads_cleanly_from_disk(page, visit_page) -> None:
    require_site()
    tab, visit = visit_page((SITE / page).as_uri())
    try:
        assert visit.problems() == [], f"{page} opened as a file"
    finally:
        tab.context.close()


@pytest.mark.xdist_group("site-plots-and-animations")
@pytest.mark.parametrize("page", pages_with(SITE, BOKEH_MARK) if SITE.is_dir() else [])
def test_bokeh_plots_draw(page, site_server, visit_page) -> None:
    tab, visit = visit_page(site_server.url + page)
    try:
        plots = check_bokeh_plots(tab)
        assert plots and all(plot["canvases"] >= 1 and plot["ink"] > 500 for plot in plots), plots
        assert visit.problems() == []
    finally:
        tab.context.close()


@pytest.mark.xdist_group("site-plots-and-animations")
@pytest.mark.parametrize("page", pages_with(SITE, ANIMATION_MARK) if SITE.is_dir() else [])
def test_animations_step_through_frames(page, site_server, visit_page) -> None:
    tab, visit = visit_page(site_server.url + page)
    try:
        steps = step_animations(tab)
        assert steps
        for first, second, slider_before, slider_after in steps:
            assert first != second, "the image did not change when stepping to the next frame"
            assert int(slider_after) == int(slider_before) + 1
        icons = tab.locator("div.animation button svg")
        assert icons.count() == 9 * len(steps), "the player's buttons should show the site's own icons"
        assert visit.problems() == []
    finally:
        tab.context.close()


def test_site_has_an_interactive_bokeh_plot() -> None:
    """Fails until a notebook with a bokeh plot (02) is in notebooks/."""
    require_site()
    assert pages_with(SITE, BOKEH_MARK), "no page of the site has a bokeh plot"


def test_site_has_an_animation() -> None:
    """Fails until a notebook with a to_jshtml animation (03) is in notebooks/."""
    require_site()
    assert pages_with(SITE, ANIMATION_MARK), "no page of the site has an animation"


# --- links and assets, from the files -----------------------------------------------------------------


def test_internal_links_and_anchors_resolve() -> None:
    require_site()
    broken = []
    parsed = {page: _parse(page) for page in html_pages(SITE)}
    for page, links in parsed.items():
        for tag, link in links.links:
            url = urlparse(link)
            if url.scheme or url.netloc or link.startswith(("mailto:", "javascript:")) or link in ("", "#"):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.name}: <{tag}> {link} (no such file)")
            elif url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.name}: <{tag}> {link} (no such anchor)")
    assert broken == []


def test_pages_and_stylesheets_name_no_remote_assets() -> None:
    require_site()
    remote = []
    for page in html_pages(SITE):
        for tag, link in _parse(page).links:
            if tag in ("script", "link", "img", "source", "iframe", "video", "audio") and re.match(
                r"(https?:)?//", link
            ):
                if tag == "link" and not re.search(r"\.(css|js|woff2?|ttf)(\?|$)", link):
                    continue  # <link rel="next|canonical"> and the like are not loaded
                remote.append(f"{page.name}: <{tag}> {link}")
    for sheet in SITE.rglob("*.css"):
        for match in re.finditer(r"""(@import\s+|url\()\s*["']?((https?:)?//[^"')\s]+)""", sheet.read_text()):
            remote.append(f"{sheet.relative_to(SITE)}: {match.group(2)}")
    assert remote == []


# --- the notebooks' pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_has_a_page_with_all_its_outputs(notebook) -> None:
    require_site()
    page = SITE / notebook.with_suffix(".html").name
    assert page.is_file(), f"no page for {notebook.name}"
    nb = _executed(notebook)
    html = page.read_text()
    links = _parse(page)
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])]
    images = sum(any(m.startswith("image/") for m in o.get("data", {})) for o in outputs)
    plots = sum("application/vnd.bokehjs_exec.v0+json" in o.get("data", {}) for o in outputs)
    animations = sum(ANIMATION_MARK in o.get("data", {}).get("text/html", "") for o in outputs)
    assert [h.strip().rstrip("#") for h in links.h1] == [notebook_parts.title(nb)]
    assert sum(img.get("src", "").startswith("_images/") for img in links.images) == images
    assert html.count(BOKEH_MARK) == plots
    assert html.count(ANIMATION_MARK) == animations


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_in_the_executed_notebooks_are_captioned(notebook) -> None:
    """Every image, bokeh plot or animation a cell produced is followed by a "Figure:" caption."""
    nb = _executed(notebook)
    uncaptioned = []
    for index, cell in enumerate(nb.cells):
        shown = [
            o
            for o in cell.get("outputs", [])
            if any(m.startswith("image/") for m in o.get("data", {}))
            or "application/vnd.bokehjs_exec.v0+json" in o.get("data", {})
            or ANIMATION_MARK in o.get("data", {}).get("text/html", "")
        ]
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if shown and (following is None or not notebook_parts.is_caption(following)):
            uncaptioned.append(index)
    assert uncaptioned == [], f"code cells of {notebook.name} whose figures have no caption after them"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_figure_images_carry_their_caption_as_alt_text(notebook) -> None:
    require_site()
    figures = [
        img
        for img in _parse(SITE / notebook.with_suffix(".html").name).images
        if img.get("src", "").startswith("_images/")
    ]
    for img in figures:
        alt = img.get("alt", "")
        assert alt and "_images/" not in alt and len(alt.split()) >= 5, img


def test_landing_page_shows_the_learning_path_in_order() -> None:
    require_site()
    index = (SITE / "index.html").read_text()
    positions = []
    for step, notebook in enumerate(NOTEBOOKS, start=1):
        title = notebook_parts.title(nbformat.read(notebook, as_version=4))
        heading = index.find(f"Step {step}: {title}")
        assert heading >= 0, f"the landing page lacks step {step}, {title!r}"
        assert f'href="{notebook.with_suffix(".html").name}"' in index
        positions.append(heading)
    assert positions == sorted(positions)
    assert 'href="launch.html"' in index


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pages_offer_binder_and_the_launch_instructions(notebook) -> None:
    require_site()
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    owner_repo = urlparse(repository).path.strip("/")
    html = (SITE / notebook.with_suffix(".html").name).read_text()
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    assert binder, "no Binder link"
    expected = f"https://mybinder.org/v2/gh/{owner_repo}/"
    assert all(link.startswith(expected) for link in binder), binder
    assert any(link.endswith(f"urlpath=lab/tree/notebooks/{notebook.name}") for link in binder), binder
    assert 'href="launch.html"' in html


def test_launch_page_explains_binder_tike_and_the_roman_platform() -> None:
    require_site()
    text = " ".join(re.sub(r"<[^>]+>", "", (SITE / "launch.html").read_text()).split())
    for needed in ("Binder", "TIKE", "Roman Research Nexus", "environment.yml", "make lab"):
        assert needed in text
