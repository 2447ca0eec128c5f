"""Shared fixtures. AppTest helpers are plain functions in tests/support.py (open_page, text_of, assert_clean…).

Browser tests (tests/browser/, marked `browser`): one app server and one Chromium for the whole run.

Chromium must be Debian's (/usr/bin/chromium; browsers cannot be downloaded here). Without it
these tests skip on a developer machine, and fail in CI (CI=true), where a missing browser
means the browser layer did not run.
"""

import functools
import os
from pathlib import Path

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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
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
