"""The site machinery on a notebook of its own: bokeh plots draw and animations play, offline.

``fixtures/90-bokeh-and-animation.ipynb`` is executed here (``BOKEH_RESOURCES=inline``, as
``make run`` does; it needs no archive) and built into a site with ``tools/build_site.py``, so
these checks hold whatever notebooks the suite has.  The last tests show that the checks
themselves can fail: a blank canvas, a frozen animation and a remote stylesheet are caught.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_browser import ROOT, SiteServer, check_bokeh_plots, step_animations

import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "90-bokeh-and-animation.ipynb"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture notebook, executed and built into a site; returns the site's folder."""
    work = tmp_path_factory.mktemp("fixture-site")
    executed = work / "executed"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--output", str(executed), str(FIXTURE)],
        env=os.environ | {"BOKEH_RESOURCES": "inline"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return build_site.build(
        [executed / FIXTURE.name], work / "site", "https://github.com/example-owner/example-repo", "main"
    )


@pytest.fixture(scope="module")
def fixture_server(fixture_site) -> SiteServer:
    with SiteServer(fixture_site) as server:
        yield server


def _page_url(site: Path, server: SiteServer | None) -> str:
    name = FIXTURE.with_suffix(".html").name
    return server.url + name if server else (site / name).as_uri()


@pytest.mark.parametrize("served", [True, False], ids=["http", "file"])
def test_fixture_bokeh_plot_draws_offline(served, fixture_site, fixture_server, visit_page) -> None:
    tab, visit = visit_page(_page_url(fixture_site, fixture_server if served else None))
    try:
        plots = check_bokeh_plots(tab)
        assert len(plots) == 1
        assert plots[0]["canvases"] >= 1 and plots[0]["ink"] > 500
        assert visit.problems() == []
    finally:
        tab.context.close()


@pytest.mark.parametrize("served", [True, False], ids=["http", "file"])
def test_fixture_animation_steps_frames(served, fixture_site, fixture_server, visit_page) -> None:
    tab, visit = visit_page(_page_url(fixture_site, fixture_server if served else None))
    try:
        steps = step_animations(tab)
        assert len(steps) == 1
        first, second, slider_before, slider_after = steps[0]
        assert first.startswith("data:image/png;base64,") and first != second
        assert (int(slider_before), int(slider_after)) == (0, 1)
        assert tab.locator("div.animation button svg").count() == 9, "icons drawn by the site's Font Awesome"
        assert visit.problems() == []
    finally:
        tab.context.close()


def test_fixture_page_carries_bokehjs_and_no_cdn_link(fixture_site) -> None:
    html = (fixture_site / FIXTURE.with_suffix(".html").name).read_text()
    assert "cdn.bokeh.org" not in html and "maxcdn.bootstrapcdn.com" not in html
    assert "Bokeh.embed" in html or "embed_items_notebook" in html


# --- the checks can fail ---------------------------------------------------------------------------------


def test_a_blank_bokeh_canvas_is_caught(browser) -> None:
    page = browser.new_page()
    try:
        page.set_content('<div data-root-id="p1"><canvas width="200" height="100"></canvas></div>')
        with pytest.raises(PlaywrightTimeout):
            check_bokeh_plots(page, timeout_ms=1500)
    finally:
        page.close()


def test_an_animation_that_does_not_change_is_caught(fixture_site, fixture_server, visit_page) -> None:
    tab, _ = visit_page(_page_url(fixture_site, fixture_server))
    try:
        tab.evaluate(
            """() => { for (const b of document.querySelectorAll("div.animation button[title='Next frame']"))
                       b.setAttribute('onclick', ''); }"""
        )
        with pytest.raises(PlaywrightTimeout):
            step_animations(tab, timeout_ms=1500)
    finally:
        tab.context.close()


def test_a_request_for_another_machine_is_refused_and_reported(tmp_path, visit_page) -> None:
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.org/x.css">'
        "</head><body>hello</body></html>"
    )
    with SiteServer(tmp_path) as server:
        tab, visit = visit_page(server.url + "index.html")
        tab.context.close()
    assert visit.remote == ["https://cdn.example.org/x.css"]
    assert any("another machine" in problem for problem in visit.problems())
