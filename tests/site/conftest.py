"""Fixtures for the site tests: headless Chromium, a page visitor and ``build/site`` on 127.0.0.1.

The machinery lives in ``site_browser.py``; see its docstring.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from site_browser import CHROMIUM, SITE, PageVisit, SiteServer, open_page, require_site


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (the system's, never a downloaded one)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"No Chromium at {CHROMIUM}. Run `make chromium` (it installs Debian's chromium package) "
            "or point the CHROMIUM environment variable at a Chromium binary."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def visit_page(browser: Browser) -> Callable[[str], tuple[Page, PageVisit]]:
    """The function that opens a URL and records its errors and requests: :func:`open_page`."""
    return functools.partial(open_page, browser)


@pytest.fixture(scope="session")
def site_server() -> Iterator[SiteServer]:
    """``build/site`` served on 127.0.0.1."""
    require_site()
    with SiteServer(SITE) as server:
        yield server
