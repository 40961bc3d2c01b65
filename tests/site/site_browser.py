"""Checking a website in headless Chromium: a local web server, page visits, plots and animations.

The site is checked the way a reader meets it: served over HTTP on 127.0.0.1 and opened from
disk (``file://``), in Debian's Chromium (``/usr/bin/chromium``, which ``make chromium`` installs)
driven by Playwright, which never downloads a browser of its own.  Every request a page makes is
recorded; requests for any other machine are refused before they leave, and reported.

The site under test is ``build/site``, written by ``make run`` (``$SUITE_BUILD_DIR/site`` when that
is set); the fixture site built from ``tests/site/fixtures`` is set up by the tests that use it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

ROOT = Path(__file__).resolve().parents[2]
#: Where ``make run`` wrote the executed notebooks and the site (``make`` sets SUITE_BUILD_DIR).
BUILD = Path(os.environ.get("SUITE_BUILD_DIR", ROOT / "build"))
SITE = BUILD / "site"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about", "file", "javascript"}

#: Longest wait for a page, a plot or a frame, in milliseconds.
TIMEOUT_MS = 30_000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test reports what matters
        pass


class SiteServer:
    """Serves a folder over HTTP on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine: loopback HTTP, a file, or inline data."""
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in LOOPBACK


@dataclass
class PageVisit:
    """What happened while a page loaded: its errors and the requests it made."""

    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, failed local requests and refused remote requests."""
        return (
            [f"console error: {e}" for e in self.errors]
            + [f"request failed: {f}" for f in self.failed]
            + [f"request to another machine: {r}" for r in self.remote]
        )


def open_page(browser: Browser, url: str) -> tuple[Page, PageVisit]:
    """Open ``url`` in a fresh browser context, recording everything; the caller closes ``page.context``.

    Requests for other machines are aborted (so nothing leaves this machine even when it is
    online) and listed in ``PageVisit.remote``.
    """
    visit = PageVisit(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)

    def route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            visit.remote.append(route.request.url)
            route.abort("blockedbyclient")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _is_own_abort(message.text, visit):
            visit.errors.append(message.text)

    def on_failed(request: Request) -> None:
        if is_local(request.url):
            visit.failed.append(f"{request.url} ({request.failure})")

    def on_response(response) -> None:
        if response.status >= 400:
            visit.failed.append(f"{response.url} (HTTP {response.status})")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught {error}"))
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    # file:// requests are not routed: anything remote they trigger is caught here instead.
    visit.remote.extend(u for u in visit.requests if not is_local(u) and u not in visit.remote)
    return page, visit


def _is_own_abort(text: str, visit: PageVisit) -> bool:
    """Chromium logs the requests this harness refused as errors; they are reported as remote instead."""
    return "ERR_BLOCKED_BY_CLIENT" in text and bool(visit.remote)


def require_site() -> None:
    """Fail (not skip) when the site has not been built: a missing site is a failure to build it."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE}/index.html does not exist: build the site with `make run` (make test does it).")


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a site (Sphinx's own folders of assets and sources left out)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


def pages_with(site: Path, pattern: str) -> list[str]:
    """Names of the pages whose HTML matches a regular expression."""
    return [p.relative_to(site).as_posix() for p in html_pages(site) if re.search(pattern, p.read_text())]


#: A bokeh plot's embed target and a matplotlib to_jshtml animation, as they appear in a page.
BOKEH_MARK = r"data-root-id="
ANIMATION_MARK = r'<img id="_anim_img'

#: Script run in a page: the non-background pixels of the canvases under a bokeh plot's root
#: element (bokeh 3 draws inside shadow roots, which the walk enters).
CANVAS_INK_JS = """
(root) => {
  const canvases = [];
  const walk = (node) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.tagName === 'CANVAS') canvases.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  let ink = 0;
  for (const canvas of canvases) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      const blank = data[i + 3] === 0 || (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250);
      if (!blank) ink += 1;
    }
  }
  return {canvases: canvases.length, ink: ink};
}
"""


def check_bokeh_plots(page: Page, timeout_ms: int = TIMEOUT_MS) -> list[dict]:
    """Wait until every bokeh plot on the page has drawn, and return each one's canvases and ink.

    Raises playwright's ``TimeoutError`` if a plot's canvases stay blank.
    """
    roots = page.locator(f"[{BOKEH_MARK.rstrip('=')}]")
    results = []
    for index in range(roots.count()):
        root = roots.nth(index)  # a display:contents element: it has no box to scroll to
        page.wait_for_function(
            f"(root) => ({CANVAS_INK_JS})(root).ink > 500", arg=root.element_handle(), timeout=timeout_ms
        )
        results.append(root.evaluate(CANVAS_INK_JS))
    return results


def step_animations(page: Page, timeout_ms: int = TIMEOUT_MS) -> list[tuple[str, str, str, str]]:
    """For each animation: (first frame, frame after "Next frame", slider before, slider after).

    Raises playwright's ``TimeoutError`` if the image does not change after "Next frame".
    """
    players = page.locator("div.animation")
    steps = []
    for index in range(players.count()):
        player = players.nth(index)
        player.scroll_into_view_if_needed()
        image = player.locator("img[id^='_anim_img']")
        slider = player.locator("input[id^='_anim_slider']")
        page.wait_for_function("(img) => img.src && img.src.startsWith('data:')", arg=image.element_handle())
        player.locator("button[title='Pause']").click()
        player.locator("button[title='First frame']").click()
        before, slider_before = image.get_attribute("src"), slider.input_value()
        player.locator("button[title='Next frame']").click()
        page.wait_for_function(
            "([img, src]) => img.src !== src", arg=[image.element_handle(), before], timeout=timeout_ms
        )
        steps.append((before, image.get_attribute("src"), slider_before, slider.input_value()))
    return steps
