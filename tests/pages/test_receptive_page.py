"""AppTest for the receptive-field page: default view, edits, presets, bad links. No exception, ever."""

from pathlib import Path

import pytest

from convviz.receptive import PRESETS, parse_stack, receptive_field_table
from convviz.torch_ref.receptive import effective_field_window
from tests.support import assert_clean, open_page

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages/receptive_fields.py")
DEFAULT_EDITOR = "stack_editor:c3s2p1,c3s2p1"


def page(session=None, **query):
    return open_page(PAGE, session=session, **query)


clean = assert_clean


def frame(at, column):
    """The table (st.table, or a dataframe) with `column` (AppTest keeps no key for either)."""
    return next(d.value for d in [*at.table, *at.dataframe] if column in d.value.columns)


def table(at):
    return frame(at, "r by autograd")


def numbers(at):
    return [tuple(row) for row in table(at)[["n", "j", "r", "start"]].itertuples(index=False)]


def text(at):
    return "\n".join(m.value for m in at.markdown)


def edit(rows=None, added=(), deleted=()):
    return {"edited_rows": rows or {}, "added_rows": list(added), "deleted_rows": list(deleted)}


def test_default_is_note_002_checked_by_autograd():
    at = clean(page())
    assert not at.error and not at.warning
    assert numbers(at) == [(5, 1, 1, 0.5), (3, 2, 3, 0.5), (2, 4, 7, 0.5)]
    assert list(table(at)["check"]) == ["", "✓", "✓"]
    assert "all 2 layers agree" in text(at)
    assert "n = ⌊(3 + 2·1 − 3) / 2⌋ + 1 = **2**" in text(at)          # the expander's substitution
    assert "runs past the border" in text(at)                          # unit (0, 0) of conv2 reads padding
    assert "stack" not in at.query_params                              # the default stays out of the link


def test_the_code_on_the_page_prints_the_tables_r(capsys):
    at = clean(page(stack="c3s2p1,p2s2,c3d2p2", n="12"))
    exec(at.code[0].value, {})
    assert capsys.readouterr().out == f"r = {numbers(at)[-1][2]}\n" == "r = 21\n"


def test_changing_n_and_editing_the_stack():
    at = clean(page())
    at.number_input(key="n").set_value(9).run()
    assert numbers(clean(at))[-1] == (3, 4, 7, 0.5)
    at = clean(page(session={DEFAULT_EDITOR: edit({1: {"d": 2}}, added=[{"kind": "pool", "k": 2, "s": 2}])}, n="11"))
    assert not at.error
    assert at.query_params["stack"] == "c3s2p1,c3s2p1d2,p2s2"
    expected = receptive_field_table(11, parse_stack("c3s2p1,c3s2p1d2,p2s2"))
    assert numbers(at)[1:] == [(6, 2, 3, 0.5), (2, 4, 11, 2.5), (1, 8, 15, 4.5)] == [
        (row["n"], row["j"], row["r"], row["start"]) for row in expected[1:]]
    assert list(table(at)["check"][1:]) == ["✓"] * 3


def test_deleting_every_layer_leaves_the_input():
    at = clean(page(session={DEFAULT_EDITOR: edit(deleted=[0, 1])}))
    assert numbers(at) == [(5, 1, 1, 0.5)]
    assert "The stack is empty" in text(at)


def test_a_bad_edit_names_its_row():
    at = clean(page(session={DEFAULT_EDITOR: edit({1: {"kind": "pool", "d": 2}})}))
    assert "Row 2" in at.error[0].value and "dilation 1" in at.error[0].value
    assert numbers(at)[-1] == (2, 4, 7, 0.5)                           # the stack before the edit


def test_layer_and_unit_choice():
    at = clean(page(layer="1", unit="2"))
    assert "Unit **(0, 2)** of conv 1" in text(at)
    assert "**4.5** (column)" in text(at) and "right 1 pixels" in text(at)


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "resnet50"])
def test_presets(name):
    at = clean(page(preset=name, erf="true" if name == "alexnet" else "false"))
    assert not at.error
    n, layers = PRESETS[name]
    final = receptive_field_table(n, layers)[-1]
    assert numbers(at)[-1] == (final["n"], final["j"], final["r"], final["start"])
    assert set(table(at)["check"][1:]) == {"✓"}
    assert {"alexnet": 195, "vgg16": 212, "resnet50": 483}[name] == final["r"]


    if name == "alexnet":
        start, width = effective_field_window(n, layers, trials=4)          # the page averages 4 networks at 227
        assert f"95% of the gradient (summed over the rows) lies in **{width}** contiguous input columns " \
               f"(columns {start} … {start + width - 1}), against r = **195**" in text(at)
        assert width <= 195


def test_effective_width_is_within_r_and_worded_from_the_numbers():
    """The reviewer's case: note 002's layer 1 (r = 3) read '95% within 5 columns'. Now 3, and no "much smaller"."""
    at = clean(page(layer="1"))
    start, width = effective_field_window(5, parse_stack("c3s2p1"), trials=32)
    assert (start, width) == (1, 3)
    assert "lies in **3** contiguous input columns (columns 1 … 3), against r = **3**: here the effective field " \
           "is as wide as the theoretical one." in text(at)
    assert "much smaller than r" not in text(at)


def test_note_004_preset():
    at = clean(page(preset="note004"))
    assert not at.error
    assert numbers(at) == [(100, 1, 1, 0.5), (98, 1, 3, 1.5), (49, 2, 4, 2.0)]
    assert set(table(at)["check"][1:]) == {"✓"}


def test_edit_a_copy_of_a_preset():
    at = clean(page(preset="vgg16", erf="false"))
    at.button(key="edit_copy").click().run()
    clean(at)
    assert at.session_state["preset"] == "custom" and at.number_input(key="n").value == 224
    assert at.query_params["stack"].startswith("c3p1,c3p1,p2s2,")
    assert numbers(at)[-1][1:3] == (32, 212)


BAD_LINK = dict(stack="garbage", k="-1", n="1e30", depth="99999999999999999999", preset="lenet", layer="7",
                unit="-3")


@pytest.mark.parametrize("query, messages", [
    (BAD_LINK, ["stack='garbage' cannot be read. Layer 1: 'garbage' is not a layer", "k='-1' is outside 2–5",
                "n='1e30' is outside 1–1024", "depth='99999999999999999999' is outside 1–6",
                "preset='lenet' is not one of", "layer='7' is not one of", "unit='-3'"]),
    (dict(stack="c3,c99999999999999", n="abc"), ["Layer 2: 'c99999999999999' has kernel_size", "n='abc' is not a number"]),
    (dict(stack=",".join(["c1"] * 500)), ["500 layers"]),
], ids=["all-bad", "huge-kernel", "too-many-layers"])
def test_bad_links_give_a_message(query, messages):
    at = clean(page(**query))
    warnings = "\n".join(w.value for w in at.warning)
    for message in messages:
        assert message in warnings
    assert numbers(at)[0][0] == 5 and not at.error                   # the page works on the defaults


def test_impossible_stack_names_the_layer():
    at = clean(page(stack="c3s2,c3s2,c3s2"))
    assert len(at.error) == 1
    assert at.error[0].value.startswith("Layer 2 (conv k3 s2 p0) gets 2 features")
    at = clean(page(stack="c3s2p1,c9", n="5"))
    assert "Layer 2" in at.error[0].value and "no window fits" in at.error[0].value
    assert list(frame(at, "weights per channel pair")["r"]) == [7, 15]       # the dilation section still works


def test_dilation_comparison():
    at = clean(page(k="5", depth="4"))
    rows = frame(at, "weights per channel pair")
    assert list(rows["r"]) == [17, 61]
    assert list(rows["weights per channel pair"]) == [100, 100]


def test_a_big_input_draws_a_photo_and_skips_a_costly_effective_field():
    at = clean(page(stack=",".join(["c3s2p1"] * 10), n="1024"))
    assert not at.error
    assert "astronaut" in "\n".join(c.value for c in at.caption)
    assert "billion multiply-adds" in at.info[0].value
    assert list(table(at)["check"][1:]).count("cut by the border") == 2     # r 1023 and 2047: wider than 1024


# --- Sizes through a U-Net --------------------------------------------------------------------------


def unet_frame(at):
    return frame(at, "skip")


def test_unet_default_is_the_papers_572_to_388():
    at = clean(page(erf="false"))
    rows = unet_frame(at)
    assert list(rows["size in"])[0] == 572 and list(rows["size out"])[-1] == 388
    assert [s for s in rows["skip"] if s] == ["64 → 56", "136 → 104", "280 → 200", "568 → 392"]
    assert "A **572 × 572** input gives a **388 × 388** output" in text(at)
    assert "556 → 372, 572 → 388, 588 → 404" in text(at) and "2^4 = 16 apart" in text(at)
    assert "has these sizes at all 31 steps ✓" in text(at)
    assert any(i.value.startswith("**From the course notes.** Note 000 says U-Net uses") for i in at.info)


def test_unet_odd_pool_gives_a_message_and_nearby_sizes():
    at = clean(page(erf="false", un_n="570"))
    assert len(at.error) == 1
    assert at.error[0].value.startswith("A 570 × 570 input does not go through the valid U-Net of depth 4. "
                                        "Down 2: the 2×2 max pool gets 279 × 279")
    assert "Input sizes that go through (input → output): 524 → 340, 540 → 356, 556 → 372, 572 → 388" in text(at)


def test_unet_padded_variant():
    at = clean(page(erf="false", un_pad="padded"))
    rows = unet_frame(at)
    assert list(rows["size in"])[0] == 512 and list(rows["size out"])[-1] == 512
    assert "The skips need no crop." in text(at) and "✓" in text(at)
    at = clean(page(erf="false", un_pad="padded", un_n="520", un_depth="4"))
    assert "divisible by 2^depth" in at.error[0].value
    at = clean(page(erf="false", un_pad="padded", un_n="520", un_depth="3"))
    assert not at.error and list(unet_frame(at)["size out"])[-1] == 520


def test_unet_switching_variant_starts_from_its_default():
    at = clean(page(erf="false"))
    at.selectbox(key="un_pad").select("padded").run()
    clean(at)
    assert at.number_input(key="un_n").value == 512 and not at.error
    assert at.query_params["un_pad"] == "padded" and "un_n" not in at.query_params


def test_unet_bad_link_values_give_a_message():
    at = clean(page(erf="false", un_n="abc", un_depth="9", un_pad="same"))
    warnings = "\n".join(w.value for w in at.warning)
    assert "un_n='abc'" in warnings and "un_depth='9' is outside 1–5" in warnings and "un_pad='same'" in warnings
    assert list(unet_frame(at)["size out"])[-1] == 388 and not at.error


# --- The lesson's settings objects (convviz/lessons/receptive_fields.py) ----------------------------

def test_field_settings_are_validated_once_and_hashable():
    from streamlit import cache_data

    from convviz.lessons.receptive_fields import DilationSettings, FieldSettings, UNetSettings

    default = FieldSettings()
    assert default.stack == "c3s2p1,c3s2p1" and default.n == 5
    same = FieldSettings.from_text(5, "c3s2p1d1,c3p1s2")                 # one stack typed two ways
    assert same == default and hash(same) == hash(default) and same.stack == default.stack
    assert FieldSettings.from_preset("vgg16").table()[-1]["r"] == 212  # the preset's names and published r
    with pytest.raises(ValueError, match=r"The input size n must be a whole number from 1 to 1024 \(got 0\)"):
        FieldSettings(0)
    with pytest.raises(ValueError, match="Unknown preset 'lenet'"):
        FieldSettings(preset="lenet")
    with pytest.raises(ValueError, match="'zz' is not a layer"):
        FieldSettings.from_text(5, "zz")
    with pytest.raises(ValueError, match="output would be empty"):      # the table's message, as the page shows it
        FieldSettings.from_text(2, "c5").table()
    with pytest.raises(ValueError, match=r"The depth \(number of pooling steps\) must be a whole number from 1 to 5"):
        UNetSettings("valid", 572, 6)
    with pytest.raises(ValueError, match="The U-Net's convolutions are valid or padded"):
        UNetSettings("same")
    with pytest.raises(ValueError, match="does not go through"):
        UNetSettings("padded", 572, 4).table()
    with pytest.raises(ValueError, match="The kernel size k must be a whole number from 2 to 5"):
        DilationSettings(7)
    assert default.up_to(1) == FieldSettings.from_text(5, "c3s2p1")

    calls = []

    @cache_data
    def cached(settings):
        calls.append(settings)
        return settings

    assert cached(default) == cached(same) == default and len(calls) == 1          # one cache entry
    cached(FieldSettings(6))
    cached(UNetSettings()), cached(UNetSettings())
    assert len(calls) == 3


def test_a_link_stack_that_cannot_be_read_falls_back_with_the_pages_message():
    from convviz.lessons.receptive_fields import link_stack

    assert link_stack("p2s2") == ("p2s2", None)
    raw, message = link_stack("c3x")
    assert raw == "c3s2p1,c3s2p1" and message.startswith("The link's stack='c3x' cannot be read.")
    assert message.endswith("Showing note 002's stack instead.")
