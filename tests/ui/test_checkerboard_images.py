"""AppTest for the checkerboard-images section of /transposed_convolution (issue 34): it renders under its anchor,
reads its settings from the link, shows the numbers convviz computes, says what is wrong with a bad link."""

import numpy as np
import pytest

from convviz import checkerboard as cb
from convviz.ui.sections.transposed_convolution_checkerboard import TRAINED_LABELS, fmt
from tests.support import assert_clean, open_page, text_of

PAGE = "pages/transposed_convolution.py"


def tables(at) -> list:
    return [t.value for t in at.table]


def share_table(at):
    """The decoders' table: the one whose first column names the five decoders."""
    for frame in tables(at):
        if "decoder" in frame.columns:
            return frame
    raise AssertionError("no decoder table")


@pytest.fixture(scope="module")
def default_page():
    return assert_clean(open_page(PAGE))


def test_section_renders_with_its_anchor_and_says_before_training(default_page):
    at = default_page
    headers = [h for h in at.header if h.value == "Checkerboard artifacts in images"]
    assert len(headers) == 1 and headers[0].proto.anchor == "checkerboard"
    body = text_of(at)
    assert "**Before training**" in body and "seed 0" in body
    frame = share_table(at)
    assert list(frame["decoder"]) == [cb.KIND_LABELS[k] for k in cb.KINDS]
    expected = [fmt(cb.periodic_power_share(cb.decoder_output(k, 0, 8, 3), 2)) for k in cb.KINDS]
    assert list(frame["period-2 share"]) == expected
    captions = [c.value for c in at.caption]
    assert any(c.startswith("✓ matches PyTorch") and "five decoders" in c for c in captions)
    assert any(c.startswith("✓ matches PyTorch") and "autograd" in c for c in captions)


def test_gradient_sentence_states_the_computed_ratio(default_page):
    from convviz.restoration.image_input import sample_image

    photo = np.asarray(sample_image("camera", side=128), dtype=np.float64)
    strided = cb.periodic_power_share(cb.input_gradient("strided", photo, 0))
    pooled = cb.periodic_power_share(cb.input_gradient("pooled", photo, 0))
    assert strided >= 10 * pooled
    assert f"**{strided / pooled:.0f}×**" in text_of(default_page)


def test_trained_upsamplers_are_shown_with_their_shares(default_page):
    frame = next(f for f in tables(default_page) if "upsampler" in f.columns)
    assert list(frame["upsampler"]) == list(TRAINED_LABELS.values()) + ["the original"]
    added = dict(zip(frame["upsampler"], frame["period-2 share of output − bicubic"]))
    before = dict(zip(frame["upsampler"], frame["before training"]))
    # the trained transposed net: milder than at its start, still well above the photo's own detail and the remedies
    assert float(before["transposed conv k3 s2"]) > float(added["transposed conv k3 s2"]) > 3 * float(added["the original"])
    assert float(added["transposed conv k3 s2"]) > 3 * max(float(added["nearest ×2 + conv k3"]),
                                                           float(added["pixel shuffle + ICNR"]))
    assert "What the trained transposed convolution adds still has" in text_of(default_page)
    assert not [w.value for w in default_page.warning if "missing" in w.value]


def test_link_settings_are_read():
    at = assert_clean(open_page(PAGE, ci_seed="7", ci_layers="2", ci_k1="4", ci_s1="2", ci_damp="true", ci_gseed="3"))
    frame = share_table(at)
    expected = [fmt(cb.periodic_power_share(cb.decoder_output(k, 7, 8, 2), 2)) for k in cb.KINDS]
    assert list(frame["period-2 share"]) == expected
    assert "seed 7" in text_of(at) and "32×32 image" in text_of(at)
    stack = next(f for f in tables(at) if "after layer" in f.columns)
    assert list(stack["k, s"]) == ["4, 2", "3, 2", "3, 2", "2, 1"]
    assert "seed 3" in text_of(at)


def test_bad_link_values_are_named_and_replaced():
    at = assert_clean(open_page(PAGE, ci_layers="9", ci_seed="abc"))
    warnings = " ".join(w.value for w in at.warning)
    assert "ci_layers='9' is outside 1–4" in warnings and "ci_seed='abc' is not a number" in warnings
    assert "seed 0" in text_of(at)
