"""AppTest for the convolution zoo page: default view, each section's controls, bad links.

No exception ever; a bad URL value gives a message next to its control, and the rest of the
page keeps its numbers.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from convviz import zoo
from convviz.lessons.snippets.convolution_zoo import cost_snippet
from convviz.torch_ref import zoo as zoo_torch
from tests.support import assert_clean, flat, open_page, open_with_bad_values, problems, set_numbers, text_of

ROOT = Path(__file__).resolve().parents[2]
ZOO = str(ROOT / "pages" / "convolution_zoo.py")
SECTIONS = ["1×1 convolution", "Dilated", "Grouped", "Depthwise separable", "Spatially separable",
            "Pooling: max, average, Lp norm and weighted average", "Locally connected", "Pixel shuffle"]


def page(**query):
    return open_page(ZOO, **query)


def torch_gaps(at):
    """The max |difference| numbers of the page's quiet torch check lines ("✓ matches PyTorch (max |difference| …)")."""
    return [float(c.value.split("max |difference| ")[1].split(")")[0])
            for c in at.caption if c.value.startswith("✓ matches PyTorch (") or c.value.startswith("✓ matches PyTorch exactly")]


def checks(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_default_view_has_every_section_and_its_numbers():
    at = page()
    assert_clean(at)
    assert not at.error and not at.warning
    headers = " ".join(h.value for h in at.header)
    for section in SECTIONS:
        assert section in headers
    body = text_of(at)
    assert "| parameters | 296 | 584 |" in body                             # grouped 8 -> 8, 3×3, g = 2
    ds = zoo.depthwise_separable_cost(32, 64, 3, 112, 1, 1)
    assert f"**{ds['params']:,}**" in body and f"**{ds['ratio']:.4f}**" in body
    assert "**3,145,729,000** parameters, 12.6 GB" in body and "64 channels on the same photo has 1,792" in body
    assert "**Shift equivariance**" in body and "is 0 (identical) over the columns both cover" in body
    note_line = next(i.value for i in at.info if "Note 002's slide" in i.value)   # one C too many
    assert note_line.startswith("**From the course notes.** Note 002's slide")
    assert "they give 7,398,752,256 and 937,689,088, 32 and 32 times the MACs" in note_line
    assert "Read as shapes" in note_line and f"The ratio, {ds['ratio']:.4f}, is the same either way" in note_line
    assert ds["standard"]["macs"] * 32 == 7_398_752_256 and ds["macs"] * 32 == 937_689_088   # one factor C = 32
    assert "column [1, 2, 1]ᵀ · row [1, 0, -1]" in body and "residual is exactly 0" in body
    assert "finds 17 input cells" in checks(at) and "equal to the formula" in checks(at)   # 4 layers, d = 2, k = 3
    gaps = torch_gaps(at)
    assert len(gaps) >= 6 and max(gaps) < 1e-10
    assert len(at.get("plotly_chart")) >= 11


def test_pointwise_controls():
    at = page()
    set_numbers(at, pw_cin=4, pw_cout=1)
    assert_clean(at)
    ex = zoo_torch.pointwise_example(4, 1, 0)
    assert "y[0, 0, 0] = " in text_of(at) and f"**{ex['y'][0, 0, 0]:g}**" in text_of(at)
    assert "5 parameters" in text_of(at)                                   # 4 weights + 1 bias


def test_dilation_doubling_schedule():
    at = page()
    at.selectbox(key="dl_schedule").set_value("double").run()
    at.number_input(key="dl_layers").set_value(5).run()
    assert_clean(at)
    assert "dilations 1, 2, 4, 8, 16" in text_of(at) and "**r = 63**" in text_of(at)
    assert "finds 63 input cells" in checks(at)


def test_grouped_depthwise_extreme():
    at = page(gr_cin="16", gr_cout="16", gr_groups="16", gr_k="5")
    assert_clean(at)
    assert not at.error
    assert f"| parameters | {zoo.conv_cost(16, 16, 5, 32, padding=2, groups=16)['params']:,} |" in text_of(at)
    assert max(torch_gaps(at)) < 1e-10


def test_groups_that_do_not_divide_the_channels_say_why():
    at = page(gr_cin="8", gr_groups="3")
    assert_clean(at)
    assert "in_channels=8 is not divisible by groups=3" in problems(at)
    assert "1, 2, 4, 8" in text_of(at)                                     # the groups that would work
    assert at.number_input(key="gr_groups").value == 3 and at.number_input(key="gr_cin").value == 8  # nothing lost
    assert "Sobel" in text_of(at) and len(torch_gaps(at)) >= 5           # the other sections still work
    at.number_input(key="gr_groups").set_value(4).run()
    assert_clean(at)
    assert not at.error


def test_depthwise_separable_controls_and_big_layers():
    at = page()
    set_numbers(at, ds_k=5, ds_cin=1024, ds_cout=1024)
    assert_clean(at)
    cost = zoo.depthwise_separable_cost(1024, 1024, 5, 112, 1, 1)
    assert f"**{cost['ratio']:.4f}** = 1/C_out + 1/k² = 1/1024 + 1/25" in text_of(at)
    # the code shown is the code that was checked (tests/compute/test_zoo.py runs it), and its printed line matches
    assert at.code[0].value == cost_snippet(1024, 1024, 5, 112, 1, 1).strip()   # st.code drops the last newline
    assert at.code[1].value == f"{cost['standard']['params']} {cost['standard']['macs']} {cost['params']} {cost['macs']}"
    assert max(torch_gaps(at)) < 1e-10


def test_depthwise_separable_kernel_larger_than_input():
    at = page(ds_size="2", ds_k="7", ds_padding="0")
    assert_clean(at)
    assert "no window fits" in problems(at)
    assert at.number_input(key="ds_k").value == 7


def test_every_separable_kernel():
    at = page()
    for name in ["sobel_y", "gaussian", "box5", "laplacian", "random"]:
        at.selectbox(key="ss_kernel").set_value(name).run()
        assert_clean(at)
        separable = name not in ("laplacian", "random")
        assert ("residual is exactly 0" in text_of(at)) == separable, name
        assert ("**not separable**" in text_of(at)) == (not separable), name
    at.number_input(key="ss_seed").set_value(42).run()                   # the seed is live for the random kernel
    assert_clean(at)
    assert not at.number_input(key="ss_seed").disabled


def test_pooling_average_with_padding_and_overlap():
    at = page(pl_op="avg", pl_k="3", pl_s="1", pl_p="1")
    assert_clean(at)
    assert not at.error
    assert "1/9 to each cell" in text_of(at) and "padding cells are dropped" in text_of(at)
    assert max(torch_gaps(at)) < 1e-10
    at.number_input(key="pl_size").set_value(9).run()
    assert_clean(at)


def test_pooling_padding_over_half_the_window():
    at = page(pl_k="2", pl_p="2")
    assert_clean(at)
    assert "at most half the pooling kernel" in problems(at)
    assert at.number_input(key="pl_p").value == 2


def test_depthwise_savings_are_computed_not_hard_coded():
    """The old "8 to 9 times fewer" contradicted the default's 7.9×: the intro and the result compute it."""
    at = page()
    body = text_of(at)
    assert "8 to 9 times fewer" not in body
    assert f"{zoo.separable_savings(64, 3):.2f}× with 64" in body and "**7.89× fewer** MACs" in body
    assert f"holds from C_out = {zoo.separable_out_channels_for(8, 3)} up" in body
    assert "(the C_out biases stay)" in body
    at.number_input(key="ds_cout").set_value(512).run()
    assert f"**{zoo.separable_savings(512, 3):.2f}× fewer** MACs" in text_of(at)


def test_lp_pooling_section():
    at = page(pl_op="lp", pl_norm="3", pl_k="3", pl_s="1")
    assert_clean(at)
    assert not at.error and not at.warning
    ex = zoo_torch.pooling_example("lp", 3, 1, 0, 6, 0, p_norm=3.0)
    body = text_of(at)
    assert "**Lp pooling:**" in body and f"= **{ex['y'][0, 0]:.6g}**" in body
    assert "(4^3 + 34^3 + 30^3 + 26^3 + 20^3 + 11^3 + 28^3 + 10^3 + 9^3)^(1/3)" in body     # seed 0's first window
    assert "against `F.lp_pool2d(x, 3, 3, 1)`" in checks(at) and "p = ∞: 34" in body
    gaps = torch_gaps(at)
    assert len(gaps) >= 6 and max(gaps) < 1e-10
    assert not at.number_input(key="pl_norm").disabled and at.number_input(key="pl_p").disabled
    assert at.number_input(key="pl_sigma").disabled


def test_lp_pooling_ignores_padding_and_says_so():
    at = page(pl_op="lp", pl_p="1", pl_k="2")
    assert_clean(at)
    assert not at.error
    assert "so padding 1 is not used" in " ".join(c.value for c in at.caption)
    assert "**Lp pooling:**" in text_of(at)


def test_weighted_average_pooling_section():
    at = page(pl_op="wavg", pl_k="3", pl_s="1", pl_p="1", pl_sigma="0.7")
    assert_clean(at)
    assert not at.error and not at.warning
    ex = zoo_torch.pooling_example("wavg", 3, 1, 1, 6, 0, sigma=0.7)
    body = text_of(at)
    assert "**Weighted average pooling:**" in body and f"= **{ex['y'][0, 0]:.6g}**" in body
    assert "shares of the padding cells are dropped" in body and f"adds up to {ex['grad'].sum():.4g}" in body
    assert "depthwise kernel (groups = C, stride 1, padding 1)" in checks(at)
    assert max(torch_gaps(at)) < 1e-10
    assert len(at.get("plotly_chart")) >= 12                               # the weights figure is drawn too
    at.segmented_control(key="pl_op").set_value("avg").run()               # back to plain average
    assert_clean(at)
    assert "1/9 to each cell" in text_of(at)


@pytest.mark.parametrize("query, words", [(dict(pl_op="lp", pl_norm="0"), "pl_norm='0' is outside"),
                                          (dict(pl_op="wavg", pl_sigma="abc"), "pl_sigma='abc' is not a number")])
def test_bad_pooling_parameters_in_the_link(query, words):
    at = page(**query)
    assert_clean(at)
    assert words in problems(at)
    assert max(torch_gaps(at)) < 1e-10


def test_locally_connected_controls():
    at = page()
    set_numbers(at, lc_k=5, lc_cin=2)
    assert_clean(at)
    assert f"| {zoo.locally_connected_cost(2, 1, 5, 6)['params']:,} |" in text_of(at)
    at.number_input(key="lc_size").set_value(3).run()                    # kernel 5 > input 3: no window fits
    assert_clean(at)
    assert "no window fits" in problems(at)


BAD_LINK = {  # one bad value per section, each with the message it must give
    "gr_groups": ("abc", "gr_groups='abc' is not a number"),
    "pl_k": ("-2", "pl_k='-2' is outside"),
    "ds_cin": ("1e12", "ds_cin='1e12' is outside"),
    "dl_d": ("99999999999999999999", "dl_d='99999999999999999999' is outside"),
    "lc_size": ("7.5", "lc_size='7.5' is not a whole number"),
    "pw_cin": ("nan", "pw_cin='nan' is not a whole number"),
    "ss_kernel": ("../../etc", "ss_kernel='../../etc' is not one of"),
}


def test_bad_url_values_get_a_message_and_the_page_works():
    at = open_with_bad_values(page, BAD_LINK)
    assert len(torch_gaps(at)) >= 5                                        # every section still checks against torch
    shown = at.number_input(key="lc_size").value                          # the message says what is shown instead
    assert f"showing lc_size={shown} instead" in problems(at)


@pytest.mark.parametrize("query, words", [
    (dict(dl_schedule="sideways"), "dl_schedule='sideways' is not one of"),
    (dict(pl_op="min", gr_cin="-5"), "pl_op='min' is not one of"),
])
def test_bad_choices_get_a_message(query, words):
    at = page(**query)
    assert_clean(at)
    assert words in problems(at)


def test_link_reopens_the_view():
    query = dict(pw_cin="2", dl_k="5", gr_groups="4", ds_stride="2", ss_kernel="gaussian", pl_op="avg", lc_seed="7")
    at = page(**query)
    assert_clean(at)
    assert not at.error and not at.warning
    assert at.number_input(key="dl_k").value == 5 and at.number_input(key="gr_groups").value == 4
    assert at.selectbox(key="ss_kernel").value == "gaussian"
    assert "1/4 to each cell" in text_of(at)


def test_zoo_opens_from_the_navigation_with_the_pixel_shuffle_link():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/convolution_zoo.py").run()
    assert_clean(at)
    assert not at.error
    if (ROOT / "pages" / "transposed_convolution.py").exists():
        assert any("transposed_convolution" in str(link.proto.page) for link in at.get("page_link"))


def test_striding_pooling():
    at = page(pl_op="stride", pl_k="3", pl_s="2", pl_p="1", pl_size="7")
    assert_clean(at)
    assert "**Striding** keeps each window's central sample" in text_of(at)
    assert max(torch_gaps(at)) < 1e-10


# --- The settings objects (convviz.lessons.convolution_zoo) ----------------------------------------


@pytest.mark.parametrize("make, words", [
    (lambda s: s.GroupedSettings(c_in=8, groups=3), "in_channels=8 is not divisible by groups=3"),
    (lambda s: s.GroupedSettings(c_in=8, c_out=6, groups=4), "out_channels=6 is not divisible by groups=4"),
    (lambda s: s.DepthwiseSettings(size=2, k=7, padding=0), "no window fits"),
    (lambda s: s.PoolingSettings(k=2, padding=2), "at most half the pooling kernel"),
    (lambda s: s.PoolingSettings(op="min"), "Unknown pooling 'min'"),
    (lambda s: s.PoolingSettings(op="lp", padding=1), "Lp pooling takes no padding"),
    (lambda s: s.PoolingSettings(k=5, size=3), "no window fits"),
    (lambda s: s.LocallyConnectedSettings(k=5, size=3), "no window fits"),
    (lambda s: s.SeparableSettings("../../etc"), "Unknown kernel '../../etc'"),
    (lambda s: s.DilationSettings(schedule="sideways"), "Unknown dilation schedule 'sideways'"),
    (lambda s: s.PointwiseSettings(c_in=0), "Channels must be at least 1"),
])
def test_zoo_settings_say_why_they_cannot_be_made(make, words):
    from convviz.lessons import convolution_zoo

    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(".", r"\.")):
        make(convolution_zoo)


def test_lp_pooling_settings_drop_the_padding_control():
    from convviz.lessons.convolution_zoo import PoolingSettings

    assert PoolingSettings.from_controls("lp", 2, 2, 1, 6, 0, 3.0, 1.0).padding == 0
    assert PoolingSettings.from_controls("avg", 2, 2, 1, 6, 0, 3.0, 1.0).padding == 1


def test_zoo_settings_are_hashable_cache_keys():
    import streamlit as st

    from convviz.lessons import convolution_zoo as lesson

    calls = []

    @st.cache_data
    def build(settings):
        calls.append(settings)
        return settings.cost["params"]

    for _ in range(2):
        assert build(lesson.GroupedSettings(8, 8, 2, 3)) == 296
    assert len(calls) == 1
    assert build(lesson.GroupedSettings(8, 8, 4, 3)) != 296 and len(calls) == 2
    every = [lesson.PointwiseSettings(), lesson.DilationSettings(), lesson.GroupedSettings(), lesson.DepthwiseSettings(),
             lesson.SeparableSettings(), lesson.PoolingSettings(), lesson.LocallyConnectedSettings()]
    assert len({*every, *[type(s)() for s in every]}) == len(every)         # equal settings hash alike


def test_each_section_builder_matches_the_compute_layer():
    from convviz.lessons import convolution_zoo as lesson

    view = lesson.grouped_lesson(lesson.GroupedSettings(16, 16, 16, 5))
    assert view["cost"] == zoo.conv_cost(16, 16, 5, 32, padding=2, groups=16) and view["ex"]["torch_gap"] < 1e-10
    view = lesson.dilation_lesson(lesson.DilationSettings(3, 2, 5, "double"))
    assert view["dilations"] == [1, 2, 4, 8, 16] and view["rf"] == view["measured"] == 63
    view = lesson.pooling_lesson(lesson.PoolingSettings("lp", 3, 1, 0, 6, 0, 3.0))
    assert "**Lp pooling:**" in view["formula"] and view["ex"]["forward_gap"] < 1e-10


# --- Figure first (issue 24) ---------------------------------------------------------------------


def sections(at):
    """{section header: [(type, path, element) up to the next header]}."""
    out, current = {}, None
    for kind, path, el in flat(at.main):
        if kind == "header":
            current = out.setdefault(el.value, [])
        elif current is not None:
            current.append((kind, path, el))
    return out


def test_every_section_opens_on_its_figure_with_the_controls_under_it():
    at = page()
    assert_clean(at)
    for title, elements in sections(at).items():
        if title.startswith(("Pixel shuffle", "Exercise")):
            continue                                       # a link to another lesson; the exercise (issue 25)
        kinds = [kind for kind, _, _ in elements]
        assert kinds[0] == "markdown" and kinds[1] == "plotly_chart", (title, kinds[:4])   # one sentence, the figure
        first_input = next(i for i, k in enumerate(kinds) if k in ("number_input", "selectbox", "segmented_control"))
        assert first_input > kinds.index("plotly_chart"), title
        assert kinds[-1] == "caption" or "caption" in kinds, title          # the quiet torch check line
        bar = [el for kind, path, el in elements if kind in ("number_input", "selectbox", "segmented_control")
               and "expander" not in path]
        assert 2 <= len(bar) <= 5, (title, [el.label for el in bar])      # a compact bar


def test_the_rest_of_a_sections_settings_is_under_more_settings():
    at = page()
    more = [e for e in at.expander if e.label == "More settings"]
    assert len(more) == 3
    inside = {el.key for e in more for kind, _, el in flat(e) if kind == "number_input"}
    assert {"ds_size", "ds_stride", "ds_padding", "pl_size", "pl_seed", "pl_norm", "pl_sigma",
            "lc_cin", "lc_cout", "lc_seed"} == inside


def test_course_notes_are_callouts_and_checks_are_quiet_lines():
    at = page()
    body = text_of(at)
    assert "note 00" not in body.lower() and "0.0e+00" not in body and "Check against PyTorch" not in body
    notes = [i.value for i in at.info if i.value.startswith("**From the course notes.**")]
    assert len(notes) >= 4 and any("Note 001" in n for n in notes) and any("Note 004" in n for n in notes)
    lines = [c.value for c in at.caption if "PyTorch" in c.value]
    assert len(lines) >= 6 and all(line.startswith("✓ matches PyTorch") for line in lines)
    assert not any("0.0e+00" in line for line in lines)


def test_presenting_folds_every_sections_settings_into_a_popover():
    at = page(present="1")
    assert_clean(at)
    assert [e.label for e in at.expander] == ["Exercise"]  # no "More settings"; the exercise folds (issue 25)
    loose = [el.label for kind, path, el in flat(at.main)
             if kind in ("number_input", "selectbox", "segmented_control", "slider") and "popover" not in path
             and "expander" not in path]
    assert loose == []
    assert sum(1 for kind, _, _ in flat(at.main) if kind == "plotly_chart") >= 11
