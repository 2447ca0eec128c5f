"""Issue 33 in Chromium at a projector's 1920×1080 (?present=1): the receptive-field tables are HTML tables with
text of 20 px or more, and the README's VGG-16 view shows the whole photo with the field outlined thickly and its
size written beside it."""

import re

from convviz.lessons.receptive_fields import FieldSettings
from convviz.testing.serve import wait_for_app

VGG_VIEW = "receptive_fields?present=1&preset=vgg16&layer=3"


def open_projector(browser, url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    return context, page


def px(page, locator, prop="font-size") -> float:
    return float(re.match(r"[\d.]+", locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')")).group())


def test_receptive_field_tables_are_html_tables_of_20_px(browser, app_url):
    context, page = open_projector(browser, f"{app_url}/{VGG_VIEW}")
    try:
        table = page.locator("[data-testid=stTable] table").filter(has_text="r by autograd")
        table.first.wait_for()
        rows = table.first.locator("tbody tr")
        assert rows.count() == len(FieldSettings.from_preset("vgg16").table())          # layer 0 … 18
        assert "212" in rows.last.inner_text()                                           # r at pool5 (published)
        for cell in [table.first.locator("th").first, rows.first.locator("td").first]:
            assert px(page, cell) >= 20
        dilation = page.locator("[data-testid=stTable] table").filter(has_text="weights per channel pair")
        assert px(page, dilation.first.locator("td").first) >= 20
    finally:
        context.close()


def test_vgg16_view_fits_the_photo_and_labels_the_field(browser, app_url):
    context, page = open_projector(browser, f"{app_url}/{VGG_VIEW}")
    try:
        photo = page.locator("image.photo")
        photo.wait_for()
        box = photo.bounding_box()
        assert box["y"] + box["height"] <= 1080, "the photo runs off the bottom of the screen"
        label = page.locator("text.field-size")
        assert label.text_content() == "6×6 input px"                                  # r = 6 after pool1
        assert px(page, label) >= 20
        outline = page.locator("rect.photo-field")
        assert px(page, outline, "stroke-width") >= 5
        field = outline.bounding_box()
        assert field["width"] >= 14 and field["y"] + field["height"] <= 1080          # on screen and seen
        page.locator("[data-action=next]").first.click()                               # layer 4: r = 10
        page.wait_for_function("() => [...document.querySelectorAll('*')].some(e => e.shadowRoot && "
                               "e.shadowRoot.querySelector('text.field-size')?.textContent === '10×10 input px')")
    finally:
        context.close()
