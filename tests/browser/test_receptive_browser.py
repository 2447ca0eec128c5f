"""The receptive-field page in Chromium: it renders with no exception box, a control changes the
numbers and the link, presets and bad links reopen as they should. Screenshots: receptive_*.png."""

from convviz.testing.serve import wait_for_app
from tests.support import main_text, open_in_browser as open_page, settled


def test_default_view(page, app_url, screenshots):
    open_page(page, f"{app_url}/receptive_fields")
    assert page.get_by_role("heading", name="Receptive fields").first.is_visible()
    text = main_text(page)
    assert "n = 2 features per side, j = 4, r = 7 and start = 0.5" in text
    assert "all 2 layers agree" in text
    chart = page.locator("[data-testid='stPlotlyChart']").first      # the field figure
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for(state="visible")          # plotly has drawn it
    screenshots.save(page, "receptive_fields_default.png")


def test_changing_n_updates_numbers_and_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/receptive_fields")
    box = page.get_by_label("Input size n (pixels per side)", exact=True)
    box.fill("9")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').innerText"
                           ".includes('n = 3 features per side')")
    settled(page, "n=9", screenshots, "receptive_fields_n9.png")


def test_preset_deep_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/receptive_fields?preset=vgg16&layer=17&unit=45")
    text = main_text(page)
    assert "r = 212 and start = 16" in text and "all 18 layers agree" in text
    assert "Unit (3, 3) of conv5_3" in text
    screenshots.save(page, "receptive_fields_vgg16.png")


def test_bad_link_shows_messages_not_a_traceback(page, app_url, screenshots):
    open_page(page, f"{app_url}/receptive_fields?stack=garbage&k=-1&n=abc")
    text = main_text(page)
    assert "stack='garbage' cannot be read" in text and "k='-1' is outside" in text and "n='abc' is not" in text
    open_page(page, f"{app_url}/receptive_fields?stack=c3s2,c3s2,c3s2")
    assert "Layer 2 (conv k3 s2 p0) gets 2 features" in main_text(page)
    screenshots.save(page, "receptive_fields_impossible.png")


def test_resnet_field_is_wider_than_the_image(page, app_url, screenshots):
    open_page(page, f"{app_url}/receptive_fields?preset=resnet50")
    text = main_text(page)
    assert "r = 483" in text and "all 50 layers agree" in text and "runs past the border" in text
    screenshots.save(page, "receptive_fields_resnet50.png")


def test_editing_a_cell_of_the_stack(page, app_url, screenshots):
    """Type into the data editor (a canvas grid): row 2's stride 2 -> 1 gives n 3, j 2, r 7, and the link follows."""
    open_page(page, f"{app_url}/receptive_fields")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Header, 2 rows and the empty "add" row have equal heights; s is the 4th of 6 columns (index, kind, k, s,
    # p, d), its centre 58% of the way across (measured on receptive_fields_default.png).
    page.mouse.dblclick(box["x"] + box["width"] * 0.58, box["y"] + box["height"] * 2.5 / 4)
    cell = page.locator("#portal input.gdg-input")            # the grid's overlay editor for that cell
    assert cell.input_value() == "2"
    cell.fill("1")
    cell.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').innerText"
                           ".includes('n = 3 features per side, j = 2, r = 7')")
    wait_for_app(page)
    assert "stack=c3s2p1%2Cc3p1" in page.url or "stack=c3s2p1,c3p1" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    screenshots.save(page, "receptive_fields_edited.png")
