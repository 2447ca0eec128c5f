"""AppTest for the batch-norm lesson: default view, changed controls, bad links. Never an exception.

Every test opens the page with demo_steps=10 so that the training demo stays tiny (it is cached
per settings, so it trains once per process).
"""

from pathlib import Path

import numpy as np
import pytest

from convviz.batchnorm import batch_norm_train
from convviz.lessons.batch_normalization import draw_batch
from tests.support import assert_clean, flat, open_page, text_of, warnings_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "batch_normalization.py")
TINY = {"demo_steps": "10"}


def page(**query):
    return open_page(PAGE, **{**TINY, **query})


def test_default_view_numbers_match_convviz_and_torch():
    at = page()
    assert_clean(at)
    assert not at.error and not at.warning
    _, mean, var = batch_norm_train(draw_batch(4, 4, 4, 4, 0), 1.0, 0.0)
    body = text_of(at)
    assert "m = N·H·W = 4·4·4 = **64**" in body
    assert f"**{mean[0]:.4g}**" in body and f"**{var[0]:.4g}**" in body
    # torch checks: running statistics and both outputs, and folding, to float64 rounding
    checks = "\n".join(c.value for c in at.caption)
    gaps = [float(g) for g in __import__("re").findall(r"✓ matches PyTorch \(max \|difference\| ([0-9.e+-]+)\)", checks)]
    assert len(gaps) == 2 and max(gaps) < 1e-12
    # note 002's E_B[μ_B] beside torch's running mean: the mean of the first 30 batches' μ_B (default steps)
    running = next(d.value for d in at.dataframe if "μ_B averaged over the steps (note 002's E_B[μ_B])" in d.value.columns)
    batch_means = [batch_norm_train(draw_batch(4, 4, 4, 4, step), 1.0, 0.0)[1] for step in range(30)]
    expected = __import__("numpy").mean(batch_means, axis=0)
    assert list(running["μ_B averaged over the steps (note 002's E_B[μ_B])"]) == [round(float(v), 4) for v in expected]
    # the demo ran (tiny) and its table has the four runs
    assert len(at.dataframe[-1].value) == 4


def test_the_code_shown_prints_what_the_page_prints():
    """STYLE F: run the torch code on the page and compare its output with the text under it."""
    import contextlib
    import io

    at = page(n="3", c="2", h="2", w="3", seed="11", steps="7", momentum="0.3", gamma="1.5", beta="-0.5")
    assert_clean(at)
    code, printed = at.code[0].value, at.code[1].value
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    lines = out.getvalue().strip().splitlines()
    expected = printed.splitlines()
    assert [line.split("=")[0] for line in lines] == [line.split("=")[0] for line in expected]
    for got, want in zip(lines, expected):
        np.testing.assert_allclose(eval(got.split("=")[1]), eval(want.split("=")[1]), atol=2e-6)


def test_changing_controls_changes_the_numbers():
    at = page()
    at.number_input(key="n").set_value(2).run()
    at.slider(key="gamma").set_value(2.0).run()
    at.slider(key="beta").set_value(-1.0).run()
    at.slider(key="momentum").set_value(0.5).run()
    at.number_input(key="ch").set_value(2).run()
    assert_clean(at)
    x = draw_batch(2, 4, 4, 4, 0)
    _, mean, var = batch_norm_train(x, 2.0, -1.0)
    body = text_of(at)
    assert "= 2·4·4 = **32**" in body
    assert f"Channel 2: μ_B = (sum of the 32 orange values) / 32 = **{mean[2]:.4g}**" in body
    after = at.dataframe[0].value
    np.testing.assert_allclose(after["mean after"], -1.0, atol=1e-4)
    np.testing.assert_allclose(after["variance after"], 4 * var / (var + 1e-5), atol=1e-4)
    assert "momentum=0.5" in " ".join(c.value for c in at.caption)       # the quiet torch check line


def test_one_value_per_channel_is_explained_and_the_rest_still_works():
    at = page(n="1", h="1", w="1")
    assert_clean(at)
    assert "single value" in at.error[0].value
    assert "max |difference|" in text_of(at)            # folding still shown
    assert len(at.dataframe[-1].value) == 4             # the demo still shown


BAD_LINKS = [  # several bad values per link: each gets its own message, the valid ones still apply
    ({"n": "abc", "h": "-3", "momentum": "1.5", "gamma": "inf", "lr1": "fast", "steps": "12"},
     ["n='abc' is not a number", "h='-3' is outside 1–6", "momentum='1.5' is outside 0–1",
      "gamma='inf' is outside -3–3", "lr1='fast' is not one of"], {"steps": 12}),
    ({"w": "1e9", "c": "2.5", "steps": "99999999", "momentum": "-0.2", "beta": "zero", "seed": "-1e300", "n": "3"},
     ["w='1e9' is outside 1–6", "c='2.5' is not a whole number", "steps='99999999' is outside 1–300",
      "momentum='-0.2' is outside 0–1", "beta='zero' is not a number", "seed='-1e300' is outside 0–9999"],
     {"n": 3}),
    ({"momentum": "nan", "ch": "3", "c": "2", "steps": "12"},
     ["momentum='nan' is outside 0–1", "Channel 3 does not exist with C = 2"], {"steps": 12, "c": 2, "ch": 3}),
]


@pytest.mark.parametrize("query, said, kept", BAD_LINKS, ids=["garbage-negative-inf", "huge-fraction-words", "nan-channel"])
def test_bad_link_values_give_a_message_and_keep_the_rest(query, said, kept):
    at = page(g="1", **query)
    assert_clean(at)
    for message in said:
        assert message in warnings_of(at)
    assert at.number_input(key="g").value == 1                        # nothing else entered is lost
    for key, value in kept.items():
        assert at.number_input(key=key).value == value


def test_groups_that_do_not_divide_channels_and_equal_learning_rates():
    at = page(c="3", g="2", lr1="0.1", lr2="0.1")
    assert_clean(at)
    errors = " ".join(e.value for e in at.error)
    assert "two different learning rates" in errors and "G must divide" not in errors
    infos = " ".join(i.value for i in at.info)
    assert "G = 2 does not divide C = 3: showing G = 1" in infos
    assert at.number_input(key="g").value == 2            # what was entered stays, with the message beside it


@pytest.mark.parametrize("c, g, shown", [("3", None, 1), ("4", "3", 2), ("2", "3", 2), ("4", None, 2)])
def test_group_norm_default_is_valid_for_every_channel_count(c, g, shown):
    """The README's /batch_normalization?n=2&c=3 opened with a red error: G = 2 (the default) does not divide 3."""
    at = page(c=c, **({"g": g} if g else {}))
    assert_clean(at)
    assert not at.error
    if str(shown) != (g or "2"):
        assert f"showing G = {shown}" in " ".join(i.value for i in at.info)


def test_groups_dividing_matches_torch_group_norm():
    """torch's GroupNorm accepts exactly the G that divide C; groups_dividing returns the largest such G ≤ wanted."""
    import torch
    from convviz.batchnorm import groups_dividing
    for c in range(1, 9):
        for wanted in range(1, 10):
            g = groups_dividing(c, wanted)
            torch.nn.GroupNorm(g, c)(torch.zeros(1, c, 2, 2))          # accepted
            for bigger in range(g + 1, min(c, wanted) + 1):
                with pytest.raises(ValueError):
                    torch.nn.GroupNorm(bigger, c)


def test_training_demo_is_cached_per_settings(monkeypatch):
    """A rerun that changes nothing, or changes only a control outside the demo, trains nothing."""
    import convviz.ui.cache.batch_normalization as cached

    calls = []
    real = cached.compare
    monkeypatch.setattr(cached, "compare", lambda *a, **k: calls.append(a) or real(*a, **k))
    at = page(demo_seed="97")
    assert_clean(at)
    at.run()
    at.slider(key="gamma").set_value(0.5).run()
    assert len(calls) == 1
    at.number_input(key="demo_seed").set_value(96).run()
    assert len(calls) == 2


# --- The lesson's settings objects (convviz/lessons/batch_normalization.py) --------------------------

def test_settings_are_validated_once_and_hashable():
    from streamlit import cache_data

    from convviz.lessons.batch_normalization import (BatchSettings, DemoSettings, RunningSettings, follow_channel,
                                                     shown_groups)

    batch = BatchSettings()
    assert batch.shape == (4, 4, 4, 4) and batch.m == 64 and batch.eps == 1e-5
    assert BatchSettings(gamma=1) == batch and hash(BatchSettings(gamma=1)) == hash(batch)
    with pytest.raises(ValueError, match=r"Batch size N must be a whole number from 1 to 8 \(got 9\)"):
        BatchSettings(n=9)
    with pytest.raises(ValueError, match="Channels C must be a whole number from 1 to 4"):
        BatchSettings(c=0)
    with pytest.raises(ValueError, match="γ must be a number from -3 to 3"):
        BatchSettings(gamma=float("nan"))
    with pytest.raises(ValueError, match="momentum must be a number from 0 to 1"):
        RunningSettings(batch, 1.5)
    with pytest.raises(ValueError, match="Pick two different learning rates to compare."):
        DemoSettings(0.1, 0.1)
    with pytest.raises(ValueError, match="The learning rates must be positive"):
        DemoSettings(0.0, 0.1)
    assert follow_channel(3, 2) == (1, "Channel 3 does not exist with C = 2; following channel 1.")
    assert follow_channel(1, 2) == (1, None)
    assert shown_groups(3, 2) == (1, "G = 2 does not divide C = 3: showing G = 1, the largest divisor of 3 not above 2.")
    assert shown_groups(4, 2) == (2, None)
    from convviz.lessons.batch_normalization import batch_and_output
    with pytest.raises(ValueError, match="single value"):                # the page's error, from batch_norm_train
        batch_and_output(BatchSettings(n=1, h=1, w=1))

    calls = []

    @cache_data
    def cached(settings):
        calls.append(settings)
        return settings

    cached(RunningSettings(batch, 0.1, 30)), cached(RunningSettings(BatchSettings(), 0.1, 30))
    cached(DemoSettings()), cached(DemoSettings())
    assert len(calls) == 2
    cached(RunningSettings(batch, 0.2, 30))
    assert len(calls) == 3


# --- Figure first (issue 24) ---------------------------------------------------------------------


INPUTS = ("number_input", "slider", "selectbox", "segmented_control")


def test_the_lesson_opens_on_its_figure_with_a_compact_bar_and_more_settings():
    at = page()
    assert_clean(at)
    kinds = [(kind, path, el) for kind, path, el in flat(at.main)]
    intro = next(i for i, (kind, _, _) in enumerate(kinds) if kind == "markdown")     # the one sentence
    after = [k for k in kinds[intro + 1:] if k[0] != "empty"]
    assert after[0][0] == "plotly_chart"                                      # the batch, before any control
    first_input = next(i for i, k in enumerate(after) if k[0] in INPUTS)
    first_header = next(i for i, k in enumerate(after) if k[0] == "header")
    assert 0 < first_input < first_header                                     # the bar, then the explanations
    bar = [el.key for kind, path, el in after[:first_header] if kind in INPUTS and "expander" not in path]
    assert bar == ["n", "c", "ch", "gamma", "beta"]
    more = [e for e in at.expander if e.label == "More settings"]
    assert len(more) == 1 and {el.key for kind, _, el in flat(more[0]) if kind in INPUTS} == {"h", "w", "seed"}


def test_course_notes_are_callouts_and_checks_are_quiet_lines():
    at = page()
    body = text_of(at)
    assert "note 00" not in body.lower() and "0.0e+00" not in body and "Note 002" not in body
    notes = [i.value for i in at.info if i.value.startswith("**From the course notes.**")]
    assert len(notes) >= 3
    lines = [c.value for c in at.caption if "PyTorch" in c.value]
    assert len(lines) == 2 and all(line.startswith("✓ matches PyTorch") for line in lines)


def test_presenting_shows_no_input_outside_the_folded_settings():
    at = page(present="1")
    assert_clean(at)
    assert [e.label for e in at.expander] == ["Settings", "Exercise"]      # the exercise folds too (issue 25)
    loose = [el.key for kind, path, el in flat(at.main) if kind in INPUTS and "expander" not in path
             and "popover" not in path]
    assert loose == []


def test_default_training_demo_is_read_not_trained(monkeypatch):
    """A first visit (default settings) shows the stored demo: nothing is trained (issue 33)."""
    import convviz.ui.cache.batch_normalization as cached

    calls = []
    monkeypatch.setattr(cached, "compare", lambda *a, **k: calls.append(a))
    cached.training_demo.clear()
    at = open_page(PAGE)                     # the page's own defaults (the other tests shorten the demo)
    assert_clean(at)
    assert calls == []
    assert "read from a file" in " ".join(m.value for m in at.markdown)
