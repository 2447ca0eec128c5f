"""The convolution zoo in Chromium: it renders with no exception box, a control changes the
numbers and the link, a bad link shows messages. Screenshots land in tests/browser/screenshots/."""

from convviz import zoo
from tests.support import main_text, open_in_browser as open_zoo, set_number, settled


def test_zoo_renders_and_a_control_changes_the_numbers(page, app_url, screenshots):
    open_zoo(page, f"{app_url}/convolution_zoo")
    page.get_by_role("heading", name="Convolution zoo").first.wait_for()    # on a fresh server the first run may rerun
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 11")
    assert "| parameters |" not in main_text(page)                 # tables render as tables, not raw markdown
    screenshots.save(page, "convolution_zoo.png")

    cost = zoo.conv_cost(8, 8, 3, 32, padding=1, groups=4)
    set_number(page, "Groups g", 4)
    page.get_by_text(f"groups=4)` has {cost['params']:,} parameters".replace("`", ""), exact=False).first.wait_for()
    settled(page, "gr_groups=4", screenshots, "convolution_zoo_groups4.png")

    page.get_by_role("radio", name="Average", exact=True).click()     # pooling's segmented control
    page.get_by_text("Every output hands 1/4 to each cell").first.wait_for()
    settled(page, "pl_op=avg", screenshots, "convolution_zoo_avg_pool.png")


def test_zoo_bad_link_shows_messages_not_a_traceback(page, app_url, screenshots):
    open_zoo(page, f"{app_url}/convolution_zoo?gr_cin=8&gr_groups=3&pl_k=-2&ds_cin=abc&ss_kernel=laplacian&pl_op=avg")
    body = main_text(page)
    assert "not divisible by groups=3" in body
    assert "pl_k='-2' is outside" in body and "ds_cin='abc' is not a number" in body
    assert "not separable" in body
    screenshots.save(page, "convolution_zoo_bad_link.png")
