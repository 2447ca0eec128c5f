"""The receptive-field page in Chromium: it renders with no exception box, a control changes the
numbers and the link, presets and bad links reopen as they should. Screenshots: receptive_*.png."""

from convviz.testing.serve import wait_for_app
from tests.support import choose_option, main_text, open_grid_cell, open_in_browser as open_page, settled, stage_font_sizes


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
    page.get_by_text("More settings").first.click()                # the layers are folded under the figure
    grid = page.locator("[data-testid='stDataFrame']").first
    # Header, 2 rows and the empty "add" row have equal heights; s is the 4th of 6 columns (index, kind, k, s,
    # p, d), its centre 58% of the way across (measured on receptive_fields_default.png).
    cell = open_grid_cell(page, grid, 0.58, 2.5 / 4)            # the grid's overlay editor for that cell
    assert cell.input_value() == "2"
    cell.fill("1")
    cell.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').innerText"
                           ".includes('n = 3 features per side, j = 2, r = 7')")
    wait_for_app(page)
    assert "stack=c3s2p1%2Cc3p1" in page.url or "stack=c3s2p1,c3p1" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    screenshots.save(page, "receptive_fields_edited.png")


# --- Issue 24: labelled step pairs, one step state, lecturer links, readable numbers -----------------
import re  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import parse_qsl, urlsplit  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
LECTURER = README.split("## For lecturers", 1)[1].split("\n## ", 1)[0]


def lecturer_links(page_name: str) -> list[str]:
    return re.findall(rf"http://localhost:8501/{page_name}\?[^\s:]+", LECTURER)


def step_buttons(page) -> list[str]:
    """The accessible name of every ◀ / ▶ button on the page (the stage's included; Play left out)."""
    buttons = page.locator("[data-testid=stMain] button").filter(has_text=re.compile("^[^P]*[◀▶][^P]*$"))
    return [b.get_attribute("aria-label") or b.inner_text() for b in buttons.all()]


def test_every_step_pair_says_what_it_steps(page, app_url):
    """Issue 24: receptive fields had two unlabelled ◀ / ▶ pairs (the layer, the unit)."""
    open_page(page, f"{app_url}/receptive_fields?preset=note002")
    page.locator(".stage").scroll_into_view_if_needed()
    names = step_buttons(page)
    assert sorted(set(names)) == ["next layer", "previous layer", "unit ▶", "◀ unit"], names   # (a help tooltip repeats one)
    expect(page.locator(".stage .stage-step-label")).to_have_text("Layer")


def export_svg(page, tmp_path) -> str:
    with page.expect_download() as download:
        page.get_by_role("button", name="This step, SVG").click()
    path = tmp_path / "step.svg"
    download.value.save_as(path)
    return path.read_text()


def shown_layer(page) -> str:
    """The layer the table marks "▶ shown" (an HTML table: its row's cells)."""
    grid = page.locator("[data-testid=stTable]").filter(has_text="r by autograd").first
    grid.scroll_into_view_if_needed()
    row = grid.locator("tbody tr").filter(has_text="▶ shown")
    expect(row).to_have_count(1)
    cells = [c.inner_text().strip() for c in row.first.locator("td, th").all()]
    return cells[cells.index("▶ shown") + 1]                             # the next column: "layer"


SHOWN_LAYER = """() => {
  const grid = [...document.querySelectorAll('[data-testid=stTable]')].find(t => t.innerText.includes('r by autograd'));
  const row = grid && [...grid.querySelectorAll('tbody tr')].find(r => r.innerText.includes('▶ shown'));
  if (!row) return null;
  const cells = [...row.querySelectorAll('td, th')].map(c => c.innerText.trim());
  return cells[cells.indexOf('▶ shown') + 1];
}"""


def assert_shown_layer(page, layer: str, timeout: float = 30.0) -> None:
    """The table marks `layer` "▶ shown", once the grid has redrawn (it may lag the link and the select box)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"layer => ({SHOWN_LAYER})() === layer", arg=layer, timeout=timeout * 1000)
    except PlaywrightTimeout:
        assert shown_layer(page) == layer, f"the table marks layer {shown_layer(page)}, not {layer}"


def test_one_layer_for_the_stage_the_link_the_select_box_the_table_and_the_export(page, app_url, tmp_path):
    """Issue 24, one step state per view: a layer stepped on the stage moves the link, the Layer box, the
    table's marked row, the unit's sentence and the exported step; the Layer box moves the stage back."""
    open_page(page, f"{app_url}/receptive_fields?preset=note002")
    stage = page.locator(".stage")
    stage.scroll_into_view_if_needed()
    expect(page.locator(".stage-status")).to_contain_text("Layer 2")
    assert_shown_layer(page, "2")
    stage.focus()
    page.keyboard.press("ArrowLeft")                                     # layer 2 → 1 on the stage
    expect(page.locator(".stage-status")).to_contain_text("Layer 1 (conv1")
    page.wait_for_url(re.compile(r"layer=1"))
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Layer")).to_have_value("1: conv1")
    assert_shown_layer(page, "1")
    assert "of conv1" in main_text(page)
    svg = export_svg(page, tmp_path)
    assert "Layer 1 (conv1" in svg and "r = 3, start" in svg and "step 1 of 2" in svg
    choose_option(page, "Layer", re.compile("the last layer"))         # the box moves the stage
    expect(page.locator(".stage-status")).to_contain_text("Layer 2 (conv2")
    page.wait_for_url(lambda url: "layer=" not in url)                  # the rerun has started (the link follows)
    wait_for_app(page)                                                  # ... and ended: the export is the new one
    assert "layer=" not in page.url
    assert "Layer 2 (conv2" in (svg := export_svg(page, tmp_path)) and "r = 7, start" in svg


@pytest.mark.parametrize("link", lecturer_links("receptive_fields"))
def test_lecturer_link_opens_on_the_layer_it_names(tabs, app_url, screenshots, link):
    params = dict(parse_qsl(urlsplit(link).query))
    page = tabs.open(viewport={"width": 1920, "height": 1080})
    try:
        open_page(page, link.replace("http://localhost:8501", app_url))
        layer = params["layer"]
        expect(page.locator(".stage-status")).to_contain_text(f"Layer {layer} (")
        expect(page.locator(".stage")).to_have_attribute("data-step", str(int(layer) - 1))
        top = page.locator(".stage").evaluate("e => e.getBoundingClientRect().top")
        assert top < 540, f"the stage starts at {top:.0f} px"
        page.screenshot(path=str(screenshots / f"lecturer_receptive_{params['preset']}_{layer}.png"))
    finally:
        page.close()


@pytest.mark.parametrize("present", [False, True])
def test_numbers_are_readable_on_a_laptop_and_a_projector(tabs, app_url, present):
    sizes = stage_font_sizes(tabs, f"{app_url}/receptive_fields?preset=note002", ("r",), present=present)["r"]
    assert sizes and min(sizes) >= (24 if present else 14), sizes
