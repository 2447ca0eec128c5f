"""The batch-norm lesson in Chromium: it renders with no exception box, changing a control brings
new numbers and a new link, a bad link shows messages. The training demo runs on a tiny setting
(demo_steps=10) so that the tests stay fast; the screenshots land in tests/browser/screenshots/.
"""

from playwright.sync_api import expect

from convviz.batchnorm import batch_norm_train
from convviz.lessons.batch_normalization import draw_batch
from convviz.testing.serve import wait_for_app

TINY = "demo_steps=10"


def open_page(page, url):
    page.goto(url)
    # a fresh server may rerun the first request through app.py's navigation: wait for the title, then the run
    page.get_by_role("heading", name="Batch normalization", level=1).wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def save(page, screenshots, name):
    """Screenshot once every figure has drawn (plotly loads lazily; slow on a busy machine)."""
    page.wait_for_function(
        "() => { const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];"
        " return charts.length >= 6 && charts.every(c => c.querySelector('.main-svg'))"
        " && !document.querySelector('[data-testid=stSkeleton]'); }", timeout=120_000)
    screenshots.save(page, name)


def main_text(page):
    return page.locator("[data-testid='stMain']").inner_text()


def test_batchnorm_page_renders(page, app_url, screenshots):
    open_page(page, f"{app_url}/batch_normalization?{TINY}")
    assert page.get_by_role("heading", name="Batch normalization", level=1).is_visible()
    _, mean, var = batch_norm_train(draw_batch(4, 4, 4, 4, 0), 1.0, 0.0)
    assert f"**{mean[0]:.4g}**".strip("*") in main_text(page)
    assert page.locator(".js-plotly-plot").count() >= 6
    save(page, screenshots, "batch_normalization.png")


def test_changing_a_control_updates_numbers_and_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/batch_normalization?{TINY}")
    box = page.get_by_label("Batch size N", exact=True)
    box.fill("2")
    box.press("Enter")
    page.get_by_text("= 2·4·4 = 32", exact=False).first.wait_for()
    wait_for_app(page)
    _, mean, _ = batch_norm_train(draw_batch(2, 4, 4, 4, 0), 1.0, 0.0)
    assert f"{mean[0]:.4g}" in main_text(page)
    assert "n=2" in page.url
    # the γ slider: one step right with the keyboard, and the histograms' titles follow it into the link
    gamma = page.get_by_role("slider").nth(0)
    expect(gamma).to_have_value("1")
    gamma.focus()
    page.keyboard.press("ArrowRight")
    expect(gamma).to_have_value("1.1")
    page.wait_for_url("**gamma=1.1**", timeout=60_000)
    page.get_by_text("≈ γ² = 1.21", exact=False).first.wait_for()
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    save(page, screenshots, "batch_normalization_n2.png")


def test_bad_link_shows_messages_not_a_traceback(page, app_url, screenshots):
    open_page(page, f"{app_url}/batch_normalization?{TINY}&momentum=1.5&n=abc&gamma=9&g=2&c=3")
    body = main_text(page)
    assert "momentum='1.5' is outside 0–1" in body
    assert "n='abc' is not a number" in body
    assert "gamma='9' is outside" in body
    assert "G = 2 does not divide C = 3: showing G = 1" in body      # the largest divisor of C not above G
    save(page, screenshots, "batch_normalization_bad_link.png")
