"""The "Your network" page in Chromium (issue 35): it renders with its table (an HTML table), the torch check
and the field on the photo; an edit in the text box changes the table and the link; a hostile text shows a
message. Screenshots at 1440×900 and 390×844: your_network_*.png."""

from convviz.architecture import PRESETS, analyse
from convviz.testing.serve import wait_for_app
from tests.support import main_text, open_in_browser as open_page


def _table_rows(page) -> int:
    return page.locator("[data-testid='stMain'] table tbody tr").count()


def test_default_view_at_1440(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, f"{app_url}/your_network")
    assert page.get_by_role("heading", name="Your network").first.is_visible()
    assert _table_rows(page) == len(analyse(PRESETS["tiny_vgg"])) + 1
    text = main_text(page)
    assert "✓ matches PyTorch" in text and "r = 16" in text
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for(state="visible")
    screenshots.save(page, "your_network_1440.png")


def test_vgg16_on_a_phone(page, app_url, screenshots):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{app_url}/your_network?preset=vgg16")
    assert _table_rows(page) == 32
    assert "r = 212" in main_text(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a phone"
    screenshots.save(page, "your_network_phone_390.png")


def test_an_edit_changes_the_table_and_the_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/your_network")
    box = page.get_by_role("textbox", name="Your network (PyTorch)")
    box.fill("nn.Sequential(nn.Conv2d(3, 8, 7, stride=2, padding=3), nn.ReLU())")
    box.press("Control+Enter")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stMain] table tbody tr').length === 3")
    wait_for_app(page)
    assert "net=" in page.url and "32×32" in main_text(page)           # on the default 3×64×64 input
    box.fill("__import__('os').system('echo ran')")
    box.press("Control+Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').innerText.includes('is not a layer')")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0 and _table_rows(page) == 0
    screenshots.save(page, "your_network_hostile.png")
