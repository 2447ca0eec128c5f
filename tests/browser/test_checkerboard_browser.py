"""The checkerboard-images section of /transposed_convolution (issue 34) in Chromium: reached by its #checkerboard
link (which keeps the section under the header while the figures above it are drawn, until the reader scrolls),
the five decoders, the gradients and the trained upsamplers drawn as images, no exception box, a seed change
reaches the link. Screenshots of the section at 1440×900, at 1920×1080 presenting, and on a 390×844 phone go to
tests/browser/screenshots/."""

import pytest
from playwright.sync_api import expect

from convviz import checkerboard as cb
from convviz.testing.serve import wait_for_app
from convviz.ui.sections.transposed_convolution_checkerboard import TRAINED_LABELS
from tests.support import open_long_page, steady

FIGURES = [f"ci_fig_{k}" for k in cb.KINDS] + ["ci_grad_photo", "ci_grad_strided", "ci_grad_pooled",
                                               "ci_trained_original"] + [f"ci_trained_{a}" for a in TRAINED_LABELS]


def open_section(page, url):
    open_long_page(page, url, "After training: milder, not gone")


def images_drawn(page) -> dict:
    """For every figure of the section: how many plotly images (go.Image, an SVG <image>) it has drawn."""
    return {key: page.locator(f".st-key-{key} .js-plotly-plot image").count() for key in FIGURES}


def shoot(page, screenshots, name: str, heading: str) -> None:
    page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
    page.get_by_role("heading", name=heading).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")  # painted
    page.screenshot(path=str(screenshots / name))


@pytest.mark.parametrize("width, height, query, stem", [
    (1440, 900, "", "checkerboard_1440"),
    (1920, 1080, "present=1", "checkerboard_present_1920"),
    (390, 844, "", "checkerboard_phone_390"),
])
def test_section_renders_its_images(tabs, app_url, screenshots, width, height, query, stem):
    page = tabs.open(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        open_section(page, f"{app_url}/transposed_convolution?{query}#checkerboard")
        heading = page.locator("#checkerboard")
        expect(heading).to_contain_text("Checkerboard artifacts in images")
        for key in FIGURES:
            page.locator(f".st-key-{key}").scroll_into_view_if_needed()
            expect(page.locator(f".st-key-{key} .js-plotly-plot image")).to_have_count(2)   # image and spectrum
        assert all(n == 2 for n in images_drawn(page).values())
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "Before training" in main and "What the trained transposed convolution adds still has" in main
        shoot(page, screenshots, f"{stem}_decoders.png", "Checkerboard artifacts in images")
        shoot(page, screenshots, f"{stem}_stack.png", "Stacked layers compound the pattern")
        shoot(page, screenshots, f"{stem}_gradients.png", "The same pattern in gradients")
        shoot(page, screenshots, f"{stem}_trained.png", "After training: milder, not gone")
    finally:
        page.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_seed_change_redraws_and_reaches_the_link(page, app_url):
    open_section(page, f"{app_url}/transposed_convolution#checkerboard")
    box = page.get_by_label("Random seed (weights and input)", exact=True)
    box.fill("5")
    box.press("Enter")
    page.wait_for_url("**ci_seed=5**")
    expect(page.locator("[data-testid='stMain']")).to_contain_text("seed 5")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_its_link_keeps_the_section_in_view_until_the_reader_scrolls(tabs, app_url):
    """The figures above the section are drawn after streamlit has scrolled to it and push it down (it opened
    270–710 px down before, at times off the screen): the page puts it back 16 px under the header whenever its
    height changes (present.PAGE_JS, part 2), and leaves it alone once the reader has scrolled."""
    page = tabs.open(viewport={"width": 1440, "height": 900})
    try:
        open_section(page, f"{app_url}/transposed_convolution#checkerboard")
        heading = page.locator("#checkerboard")
        header = page.locator("[data-testid=stHeader]").bounding_box()
        wanted = header["y"] + header["height"] + 16

        def top() -> float:
            steady(page)                                       # plotly has laid out again, the height is still
            return heading.bounding_box()["y"]

        stopped = "() => window.__convvizAnchorStopped ?? null"     # why the page stopped keeping it, if it did
        assert abs(top() - wanted) <= 8, page.evaluate(stopped)
        page.set_viewport_size({"width": 1100, "height": 900})  # narrower: everything above it grows taller
        assert abs(top() - wanted) <= 8, page.evaluate(stopped)
        page.mouse.move(600, 500)
        page.mouse.wheel(0, 900)                               # the reader scrolls on
        page.wait_for_function("() => document.getElementById('checkerboard').getBoundingClientRect().top < 0")
        assert page.evaluate(stopped) == "wheel"
        page.set_viewport_size({"width": 1440, "height": 900})
        assert top() < 0                                       # and the page stays where the reader put it
    finally:
        page.close()
