"""Issue 33 in Chromium at a projector's 1920×1080 (?present=1): the receptive-field tables are HTML tables with
text of 20 px or more, and the README's VGG-16 view shows the whole photo with the field outlined thickly and its
size written beside it."""

import re

from convviz.lessons.receptive_fields import FieldSettings
from convviz.testing.serve import wait_for_app

VGG_VIEW = "receptive_fields?present=1&preset=vgg16&layer=3"


def open_projector(tabs, url):
    page = tabs.open(viewport={"width": 1920, "height": 1080})
    page.goto(url)
    wait_for_app(page)
    return page


def px(page, locator, prop="font-size") -> float:
    return float(re.match(r"[\d.]+", locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')")).group())


def test_receptive_field_tables_are_html_tables_of_20_px(tabs, app_url):
    page = open_projector(tabs, f"{app_url}/{VGG_VIEW}")
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
        page.close()


def test_vgg16_view_fits_the_photo_and_labels_the_field(tabs, app_url):
    page = open_projector(tabs, f"{app_url}/{VGG_VIEW}")
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
        page.close()


# Every stage cell whose number is drawn: (text colour, rect fill, grid, text), read in the stage's shadow root; not
# A's structural zeros ("faint": always 0, drawn pale on purpose so that the window's entries stand out).
CELL_COLOURS = """() => {
  const out = [];
  document.querySelectorAll('*').forEach(host => host.shadowRoot && host.shadowRoot.querySelectorAll('g.cell').forEach(g => {
    const t = g.querySelector('text'), r = g.querySelector('rect');
    if (t && t.textContent && !g.hasAttribute('data-faint'))
      out.push([getComputedStyle(t).fill, getComputedStyle(r).fill, g.dataset.grid, t.textContent]);
  }));
  return out;
}"""


def _contrast(a: str, b: str) -> float:
    def lum(colour):
        rgb = [int(v) / 255 for v in re.findall(r"\d+", colour)[:3]]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_hovering_a_keeps_every_number_readable(page, app_url):
    """Issue 33: hovering A left the output cell's white "-3" on pale blue. Hovering cells of A (the picked column's
    first, then others), every number on the stage keeps at least 3:1 against its cell (large bold digits)."""
    page.goto(f"{app_url}/convolution_matrix")
    wait_for_app(page)
    cells = page.locator("g.cell[data-grid=matrix]")
    cells.first.wait_for()
    for index in [0, 1, 5, 17]:
        cells.nth(index).hover()
        page.wait_for_function("() => [...document.querySelectorAll('*')].some(e => e.shadowRoot && "
                               "e.shadowRoot.querySelector('g.cell.reads'))")
        low = [(grid, text, fg, bg) for fg, bg, grid, text in page.evaluate(CELL_COLOURS) if _contrast(fg, bg) < 3]
        assert not low, f"hovering A cell {index}: numbers without contrast {low[:5]}"


def test_the_default_field_stage_keeps_its_five_panels_on_one_row(tabs, app_url):
    """The field and its n, j, r, start columns side by side on the projector: with cells of at least 70 px the
    start column wrapped under the field, below the fold; 64 px (numbers still 24 px) keeps one row."""
    page = open_projector(tabs, f"{app_url}/receptive_fields?present=1")
    try:
        panels = page.locator(".stage g.panel")
        tops = {name: round(box["y"]) for name, box in zip(
            panels.evaluate_all("gs => gs.map(g => g.dataset.grid)"),
            panels.evaluate_all("gs => gs.map(g => g.getBoundingClientRect().toJSON())"))}
        assert list(tops) == ["input", "n", "j", "r", "start"]
        assert len({tops[name] for name in ("n", "j", "r", "start")}) == 1, tops
        assert tops["start"] < tops["input"] + 50, tops                   # the same row as the field
        fonts = page.locator(".stage .cell text").evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert min(fonts) >= 24
    finally:
        page.close()
