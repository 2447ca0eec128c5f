"""Sections of the receptive-field page that carry their own controls: the control bar (preset, n, layer, unit;
the stack's layers under "More settings"), the figure (the field of one unit, layer by layer on the stage),
the effective field, the dilation comparison and "Sizes through a U-Net" (un_pad, un_n, un_depth: the
per-step table, working input sizes near the chosen one, the agreement with a torch U-Net).

Each reads its URL-bound controls, builds the lesson's settings object once
(convviz.lessons.receptive_fields) and passes it to the cached builders.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from convviz.figures.receptive_fields import draws_photo
from convviz.lessons import receptive_fields as lesson
from convviz.lessons.receptive_fields import (DEFAULT_STACK, PRESET_NAMES, PRESET_NOTES, UNET_DEFAULT_N, UNET_MAX_DEPTH,
                                             UNET_MAX_N, UNET_VARIANTS, DilationSettings, FieldSettings, UNetSettings)
from convviz.lessons.scenes.common import export_frame, export_frames
from convviz.lessons.snippets.receptive_fields import autograd_snippet
from convviz.receptive import effective_field_cost, effective_width_text, stack_rows
from convviz.ui.cache import receptive_fields as cached
from convviz.ui.widgets.downloads import export_buttons
from convviz.ui.widgets.layout import course_note, show_problem
from convviz.ui.widgets.params import choice_control, int_control, toggle_control
from convviz.ui.widgets.present import (by_pointer_or_touch, chart, charts, more_settings, presenting, section_settings,
                                settings_box)
from convviz.ui.stage import sent_state, stage, url_speed
from convviz.ui.widgets.stepping import SPEED_KEY, SPEEDS, go_to, url_step


def html_table(rows: list[dict], formats: dict | None = None, scroll_above: int = 20) -> None:
    """`rows` as an HTML table (st.table: a screen reader reads it, and its text grows while presenting,
    convviz.ui.widgets.present), numbers as the lesson wrote them ("start" 0.5, not 0.5000); a long stack scrolls
    inside a box of about `scroll_above` rows, its header kept."""
    frame = pd.DataFrame(rows)
    styled = frame.style.format({name: "{:g}" for name in frame.columns if frame[name].dtype.kind == "f"}
                                | (formats or {}))
    st.table(styled, hide_index=True, height="content" if len(rows) <= scroll_above else 40 * scroll_above)


def _number(label, low, high, default, help):
    return st.column_config.NumberColumn(label, min_value=low, max_value=high, step=1, default=default,
                                         required=True, help=help)


def _custom_stack(n: int, raw: str) -> FieldSettings:
    """The stack from the link (`raw`, already read), then the student's edits in the table (n from the bar)."""
    settings = FieldSettings.from_text(n, raw)
    st.markdown("Edit the layers (**c**onv or **p**ool, kernel k, stride s, padding p, dilation d); "
                "add or delete rows at the bottom and left. Kernels are square.")
    frame = pd.DataFrame(stack_rows(settings.layers), columns=["kind", "k", "s", "p", "d"]).astype(
        {"k": "int64", "s": "int64", "p": "int64", "d": "int64"})
    edited = st.data_editor(
        frame, key=f"stack_editor:{settings.stack}", num_rows="dynamic", width="content",
        column_config={"kind": st.column_config.SelectboxColumn("kind", options=["conv", "pool"], default="conv",
                                                                required=True),
                       "k": _number("k", 1, 64, 3, "kernel size"), "s": _number("s", 1, 16, 1, "stride"),
                       "p": _number("p", 0, 64, 0, "zero padding on each side"),
                       "d": _number("d", 1, 32, 1, "dilation (a pool has 1)")})
    try:
        settings = FieldSettings.from_rows(n, edited.to_dict("records"))
    except ValueError as error:
        show_problem(ValueError(f"{error} The numbers below use the stack before this edit."))
    if settings.stack == DEFAULT_STACK:
        st.query_params.pop("stack", None)
    else:
        st.query_params["stack"] = settings.stack
    st.caption(f"In the link: `stack={settings.stack}`")
    return settings


def _preset_stack(preset: str) -> FieldSettings:
    settings = FieldSettings.from_preset(preset)
    st.info(PRESET_NOTES[preset], icon=":material/info:")

    def edit_copy():
        st.session_state["preset"] = "custom"
        st.session_state["n"] = settings.n
        st.query_params["stack"] = settings.stack

    st.button("Edit a copy of this stack", key="edit_copy", on_click=edit_copy, icon=":material/edit:")
    return settings


@dataclass
class FieldView:
    """What the control bar chose: the stack, its table (None, and why, when a layer gets no features),
    and the layer and unit the figure shows, with the anchor the stage steps from."""
    settings: FieldSettings
    table: list[dict] | None = None
    problem: ValueError | None = None
    depth: int = 0
    unit: tuple[int, int] = (0, 0)
    anchor: tuple | None = None

    def checked(self) -> FieldView:
        """This view, or its problem raised when a layer gets no features."""
        if self.problem is not None:
            raise self.problem
        return self


STACK_PROBLEM = "_link_problem_stack"   # why the link's stack was not used, while note 002's is shown


def stack_settings() -> FieldView:
    """The control bar under the figure: the preset, n (own stack), the layer and the unit shown; the stack's
    layers (an editor, or the preset's note and "Edit a copy") under "More settings"."""
    with settings_box():
        bar = st.columns([3, 2, 3])
        preset = choice_control("Preset", "preset", PRESET_NAMES, "custom", container=bar[0])
        n = int_control("Input size n (pixels per side)", "n", 1, lesson.MAX_N, 5, container=bar[1]) \
            if preset == "custom" else None
        unit_row = st.container()
        raw, problem = lesson.link_stack(st.query_params.get("stack", DEFAULT_STACK))
        if problem:                 # kept until the stack changes: a first visit runs twice (ui/widgets/figure_gate.py)
            st.session_state[STACK_PROBLEM] = problem
        elif raw != DEFAULT_STACK:
            st.session_state.pop(STACK_PROBLEM, None)
        problem = st.session_state.get(STACK_PROBLEM)
        if problem and preset == "custom":              # a link's stack that could not be read: said above the fold
            st.warning(problem, icon=":material/warning:")
        with more_settings():
            settings = _custom_stack(n, raw) if preset == "custom" else _preset_stack(preset)
        view = FieldView(settings)
        try:
            view.table = settings.table()
        except ValueError as error:
            view.problem = error
            return view
        if settings.layers:
            layer_and_unit(view, bar[2], unit_row)
    return view




def layer_and_unit(view: FieldView, layer_box, unit_box) -> None:
    """The layer (a select box) and the output unit (◀ unit / unit ▶ and a slider), both in the link. A layer the
    stage sent (stepped in the browser, debounced) moves them first: the page reruns and everything follows."""
    settings, table = view.settings, view.table
    growth = [str(i) for i in range(1, len(settings.layers))] + ["last"]         # stage step t = layer t + 1
    ss = st.session_state
    options = {"last": f"the last layer ({table[-1]['name']})"} | {str(i): f"{i}: {row['name']}"
                                                                   for i, row in enumerate(table[1:], start=1)}
    if ss.get("layer", "last") not in options:                     # left over from a longer stack
        ss.pop("layer", None)
        st.query_params.pop("layer", None)
    anchor = ss.get("_rf_anchor")
    anchor = anchor if anchor and anchor[0] == settings else None
    sent, seen = sent_state("rf_stage"), ss.get("_rf_stage_seen", {})
    if (anchor and sent.get("step") != seen.get("step") and isinstance(sent.get("step"), int)
            and 0 <= sent["step"] < len(growth)):                  # the stage moved: layer and unit follow it
        t = sent["step"]
        ui, uj = cached.anchored_units(settings, anchor[1], anchor[2])[t]
        ss["layer"], ss["unit"] = growth[t], ui * table[t + 1]["n"] + uj
    if sent.get("speed") != seen.get("speed") and sent.get("speed") in SPEEDS:
        ss[SPEED_KEY] = sent["speed"]
    choice = choice_control("Layer", "layer", options, "last", container=layer_box)
    depth = len(settings.layers) if choice == "last" else int(choice)
    side = table[depth]["n"]
    unit = divmod(unit_stepper(f"Output unit of layer {depth} (reading order, {side}×{side} units)", side ** 2,
                               unit_box), side)
    if anchor is None or cached.anchored_units(settings, anchor[1], anchor[2])[depth - 1] != unit:
        anchor = (settings, depth, unit)                           # a new unit: the stage follows it
    ss["_rf_anchor"] = anchor
    view.depth, view.unit, view.anchor = depth, unit, anchor


def unit_stepper(label: str, count: int, container) -> int:
    """The output unit (`unit` in the link): a slider between "◀ unit" and "unit ▶" (labelled: the stage's own
    ◀ / ▶ step the layer)."""
    if url_step("unit", count, container) == 0 and count <= 1:
        return 0
    current, last = st.session_state["unit"], count - 1
    back, slider, forward = container.columns([2, 8, 2], vertical_alignment="bottom")
    back.button("◀ unit", key="unit_prev", on_click=go_to, args=("unit", max(0, current - 1)), width="stretch",
                help="previous output unit (reading order)")
    forward.button("unit ▶", key="unit_next", on_click=go_to, args=("unit", min(last, current + 1)), width="stretch",
                   help="next output unit (reading order)")
    return int(slider.slider(label, 0, last, key="unit"))


def field_code(view: FieldView) -> str | None:
    """The PyTorch autograd check of the stack's last layer, as code (None for an empty stack)."""
    settings = view.settings
    return autograd_snippet(cached.autograd_check(settings)[0], list(settings.layers)) if settings.layers else None


def field_figure(view: FieldView, code: str | None) -> None:
    """The figure: the field of the chosen unit, layer by layer on the stage (◀ / ▶, the keys and Play step the
    layer), the unit's sentence and the exports of the step shown; for an empty stack, what it means."""
    if not view.settings.layers:
        st.markdown("The stack is empty: each input pixel sees only itself (r = 1). Add a layer under "
                    "**More settings**.")
        return
    settings, table, depth, unit = view.settings, view.table, view.depth, view.unit
    n, layers, row = settings.n, settings.layers, table[view.depth]
    scene = cached.field_stage_scene(settings, view.anchor[1], view.anchor[2])
    result = stage(scene, key="rf_stage", step=depth - 1, speed=url_speed(), on_step=lambda _: None,
                   on_speed=lambda _: None, present=presenting())
    st.session_state["_rf_stage_seen"] = {"step": result.get("step"), "speed": result.get("speed")}
    st.markdown(lesson.unit_text(n, row, unit))
    st.caption("**Layer ◀ / ▶** ("
               + by_pointer_or_touch("or the arrow keys, Play", "tap them, or Play")
               + ") step through the layers; the magenta box is the unit's "
               "field (in each layer, the unit centred nearest the chosen one's field); dashed: the input's border; "
               "grey: zero padding. "
               + ("scikit-image's astronaut photo, resized to the input size." if draws_photo(n, row, unit) else
                  "Each cell is one input pixel."), unsafe_allow_html=True)
    export_buttons("receptive_field", lambda: export_frame(scene, depth - 1), lambda: export_frames(scene), code,
                   steps=len(layers))


FIELD_TABLE_NOTE = ("n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, j_out = j_in · s, r_out = r_in + (k_eff − 1) · j_in, "
                    "start_out = start_in + ((k_eff − 1)/2 − p) · j_in, with k_eff = d(k−1)+1; **r by autograd**: the "
                    "width of the non-zero gradient of the centre unit with respect to the input.")


def field_table(rows: list[dict]) -> None:
    """The n, j, r, start table (lesson.table_rows) as an HTML table, the formulas of its columns under it."""
    html_table(rows)
    st.caption(FIELD_TABLE_NOTE)


def effective_section(upto: FieldSettings, row: dict) -> None:
    st.header("The effective receptive field")
    st.markdown("r counts every pixel that *can* reach a unit. Luo et al. (2016) showed that with random weights "
                "and ReLUs the gradient is spread like a Gaussian: the middle of the field matters far more "
                "than its edge, so the **effective** field (the fewest contiguous columns holding 95% "
                "of the gradient) can be much narrower than r.")
    n = upto.n
    trials = lesson.erf_trials(n)
    cost = effective_field_cost(n, list(upto.layers), trials)
    show_erf = toggle_control(f"Compute the effective field (mean |gradient| over {trials} random networks)", "erf",
                              True)
    if show_erf and cost > lesson.ERF_BUDGET:
        st.info(f"This stack would take {cost / 1e9:,.1f} billion multiply-adds to average here (the limit is "
                f"{lesson.ERF_BUDGET / 1e9:.1f}); try a smaller input or smaller kernels.", icon=":material/hourglass:")
    elif show_erf:
        centre = (row["n"] - 1) // 2
        photo = draws_photo(n, row, (centre, centre))
        start, width = cached.effective_window(upto)
        cols = charts({"erf_figure": cached.field_figure(upto, (centre, centre), photo, True),
                       "erf_profile": cached.profile_figure(upto)})
        cols[1].markdown(f"Centre unit ({centre}, {centre}) of {row['name']}: "
                         + effective_width_text(width, start, row["r"], n))
        st.caption(f"Mean |∂ output / ∂ input| over {trials} Kaiming-initialised networks with ReLUs and max "
                   "pooling, each with 4 channels and a random input: " +
                   ("orange cells, 1 at the peak." if not photo else
                    "the photo is lit where it is large (smoothed: max pooling leaves a speckled map)."))


def dilation_section() -> None:
    st.header("Dilation: a wider field for the same cost")
    st.markdown("Stacking stride-1 convs grows r by (k−1) per layer. Doubling the dilation at every layer "
                "(d = 1, 2, 4, …) grows it exponentially, with the **same** weights and multiply-adds per output.")
    with section_settings():                       # while presenting: folded into a "Settings" popover
        cols = st.columns(2)
        settings = DilationSettings(int_control("Kernel size k", "k", 2, 5, 3, container=cols[0]),
                                    int_control("Layers", "depth", 1, 6, 3, container=cols[1]))
    stacks, tables, counts_fig = cached.dilation_comparison(settings)
    html_table(lesson.dilation_rows(settings, stacks, tables))
    chart(counts_fig, key="dilation_figure")
    st.caption("Each cell: how many paths join that input cell to the centre output (the gradient with every weight 1). "
               + ("Doubling d leaves no holes in the field; with k = 3, d = 1, 3, 9, … would reach every cell exactly once."
                  if settings.kernel_size == 3 else "Doubling d leaves no holes in the field."))


def _reset_size() -> None:
    """A new variant starts from its own default size (572 does not go through the padded net)."""
    st.session_state.pop("un_n", None)
    st.query_params.pop("un_n", None)


def unet_section() -> None:
    st.header("Sizes through a U-Net")
    st.markdown("U-Net (Ronneberger et al. 2015; notes 000 and 003) halves the size with 2×2 max pools on the way "
                "down, doubles it with 2×2 up-convs (stride 2: n_out = 2(n−1) + 2 = 2n) on the way up, and "
                "concatenates each encoder map with the decoder map of the same level. With **valid** 3×3 convs "
                "(n → n − 2) the encoder map is larger and is centre-cropped first; with **padded** ones "
                "(n → n) nothing is cropped. Every pool must see an even size.")
    cols = st.columns(3)
    variant = choice_control("Convolutions", "un_pad", UNET_VARIANTS, "valid", container=cols[0], on_change=_reset_size)
    settings = UNetSettings(variant,
                            int_control("Input size (pixels per side)", "un_n", 1, UNET_MAX_N, UNET_DEFAULT_N[variant],
                                        container=cols[1]),
                            int_control("Depth (pooling steps)", "un_depth", 1, UNET_MAX_DEPTH, 4, container=cols[2]))
    try:
        table = settings.table()
    except ValueError as error:
        show_problem(error)
        st.markdown(f"Input sizes that go through (input → output): {lesson.unet_near(settings)[1]}.")
        return
    st.dataframe(table, hide_index=True, key="unet_table", height=min(600, 38 + 35 * len(table)))
    st.markdown(lesson.unet_summary(settings, table))
    st.markdown(lesson.torch_text(settings, *cached.torch_agreement(settings)))
    course_note("Note 000 says U-Net uses \"residual connections across each dimension reduction stage\". Its skip "
                "connections concatenate the (cropped) encoder map with the decoder's, as note 003 says; they do "
                "not add it.")
