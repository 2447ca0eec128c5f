"""The sections that state formulas and flag the course notes' typos, in Chromium: each opens from its link with no
exception box, shows its computed statement and its "From the course notes" callout, and is saved as a screenshot of
that section at a laptop's 1440×900 and (the same tab made narrower) a phone's 390×844."""

import pytest

from convviz.testing.serve import wait_for_app
from tests.support import steady

SECTIONS = [   # (name, link, heading to scroll to, words that must be on the page)
    ("backward_conv", "/convolution?op=conv&grad=random", "Backward pass: where the gradient goes (note 003)",
     ["From the course notes", "autograd"]),
    ("filters_box3", "/convolution?filter=box3", "Classic filters on a photo (note 004, Example 1.1)",
     ["From the course notes", "unchanged"]),
    ("output_padding_dilated", "/transposed_convolution?tc_s=3&tc_d=2&tc_h=4&tc_op=2",
     "The same numbers from a plain convolution", ["mod s", "the `output_padding` set above".replace("`", "")]),
    ("adjoint_note000", "/transposed_convolution", "Note 000's 1-D derivation, next to its matrix",
     ["From the course notes", "yᵀAx = 260"]),
    ("group_norm_c3", "/batch_normalization?n=2&c=3&gamma=2.5&beta=1.5", "Layer, instance and group norm average other cells",
     ["G = 2 does not divide C = 3: showing G = 1"]),
    ("effective_field_vgg", "/receptive_fields?preset=vgg16&layer=3", "The effective receptive field", ["95%"]),
    ("unet_188", "/receptive_fields?un_n=188&un_depth=3", "Sizes through a U-Net", ["188", "crop"]),
    ("ista", "/convolution_matrix?ista_steps=30", "A CNN layer is one ISTA step (note 001)",
     ["From the course notes"]),
    ("lp_pool", "/convolution_zoo?pl_op=lp&pl_k=3&pl_s=1",
     "Pooling: max, average, Lp norm and weighted average, forward and backward", ["lp_pool2d"]),
    ("sr_average", "/super_resolution?sr_src=camera&sr_degrade=average", "×3 side by side", ["average"]),
]


@pytest.mark.parametrize("name, link, heading, words", SECTIONS, ids=[s[0] for s in SECTIONS])
def test_section_opens_clean_and_states_its_numbers(tabs, app_url, screenshots, name, link, heading, words):
    page = tabs.open(viewport={"width": 1440, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(app_url + link)
        wait_for_app(page)
        title = page.get_by_role("heading", name=heading).first
        title.wait_for(timeout=60_000)
        main = page.locator("[data-testid='stMain']")
        assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"
        assert main.locator("[data-testid='stAlertContentError']").count() == 0, main.locator(
            "[data-testid='stAlertContentError']").all_inner_texts()
        text = main.inner_text()
        for word in words:
            assert word in text, (word, link)
        for width, height in [(1440, 900), (390, 844)]:          # a laptop, then a phone (the layout is CSS)
            page.set_viewport_size({"width": width, "height": height})
            title.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -60)")
            steady(page)                     # plotly lays out once it is visible
            page.screenshot(path=str(screenshots / f"truth_{name}_{width}.png"))
        assert not errors, errors
    finally:
        page.close()
