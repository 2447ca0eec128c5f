"""Shared fixtures. AppTest helpers are plain functions in tests/support.py (open_page, text_of, assert_clean…).

Browser tests (tests/browser/, marked `browser`): one app server and one Chromium for the whole run.

Chromium must be Debian's (/usr/bin/chromium; browsers cannot be downloaded here). Without it
these tests skip on a developer machine, and fail in CI (CI=true), where a missing browser
means the browser layer did not run.
"""

import functools
import ipaddress
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.components.v2 import manifest_scanner

from convviz.testing.serve import CHROMIUM, launch_chromium, running_app
from tests.support import steady

SCREENSHOTS = Path(__file__).resolve().parent / "browser" / "screenshots"

# Every new AppTest scans the metadata of every installed package for Streamlit components (0.2–0.8 s on 2 busy
# cores; the tests make well over a thousand AppTests). The installed packages do not change during a run: scan once.
_scan_once = functools.cache(manifest_scanner.scan_component_manifests)
manifest_scanner.scan_component_manifests = lambda max_workers=None: list(_scan_once())


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI needs the browser layer)")
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api") if os.environ.get("CI") != "true" else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class Tabs:
    """Tabs (pages) in browser contexts kept for the whole run: one context per set of options (viewport, touch, …).

    A test opens its tabs with `tabs.open(viewport=…)` and closes them. The tabs of one context share its HTTP
    cache, so streamlit's scripts and plotly.js are fetched and compiled once per run, not once per test (a lesson's
    first load on 2 busy cores: 6–10 s in a fresh context, 4–6 s in a used one). Nothing else carries over: the
    app keeps no cookie or storage of its own, and each tab is its own streamlit session."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = {}
        self.outside = []          # every request a tab made to a named host (not an IP address or localhost)

    def context(self, **options):
        key = json.dumps(options, sort_keys=True)
        if key not in self.contexts:
            context = self.contexts[key] = self.browser.new_context(**options)
            context.on("request", lambda request: self.outside.append(request.url) if is_outside(request.url) else None)
        return self.contexts[key]

    def open(self, **options):
        return self.context(**options).new_page()


def is_outside(url: str) -> bool:
    """Whether `url` names another server: a host name other than localhost. The app is reached by IP address (the
    test server, HAProxy, the share dialog's network address); a CDN or a font service needs a name. data: and blob:
    URLs have no host."""
    host = urlsplit(url).hostname
    if not host or host == "localhost":
        return False
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        return True


@pytest.fixture(scope="session")
def tabs(browser):
    return Tabs(browser)


@pytest.fixture(autouse=True)
def nothing_from_other_servers(request):
    """Classrooms are offline: a browser test fails if any of its tabs asked another server for anything."""
    if "tabs" not in request.fixturenames:
        yield
        return
    tabs = request.getfixturevalue("tabs")
    before = len(tabs.outside)
    yield
    asked = tabs.outside[before:]
    assert not asked, f"the page asked other servers for {asked}"


@pytest.fixture
def page(tabs):
    context = tabs.context(viewport={"width": 1440, "height": 1000})
    before = set(context.pages)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    for opened in set(context.pages) - before:             # the test's tab and any it opened (a link's new tab)
        opened.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


class Screenshots:
    """Saves whole-page screenshots: streamlit scrolls inside its main block, so the viewport is
    stretched to the block's height first."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __truediv__(self, name):
        return self.folder / name

    def save(self, page, name: str) -> Path:
        size = page.viewport_size
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12000)})
        steady(page)   # plotly has laid out again at the new size
        path = self.folder / name
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)
        return path


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return Screenshots(SCREENSHOTS)
