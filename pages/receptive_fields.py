"""Lesson: receptive-field arithmetic, n, j, r and start through a layer stack (note 002)."""

import pandas as pd
import streamlit as st

from convviz.receptive import (PRESETS, autograd_snippet, centre_fits, describe, effective_field_cost, field_bounds, format_stack, formula_lines,
                               effective_width_text, parse_stack, receptive_field_table, stack_from_rows, stack_rows)
from convviz.figures.receptive_fields import draws_photo
from convviz.lessons.step_scenes import field_scene, growth_scenes
from convviz.ui.cached_receptive import (autograd_check, cached_field_figure, cached_profile_figure,
                                         dilation_comparison, effective_window, erf_trials)
from convviz.ui.downloads import export_buttons
from convviz.ui.layout import lesson_header, show_problem
from convviz.ui.params import choice_control, int_control, toggle_control
from convviz.ui.present import chart, presenting, settings_box
from convviz.ui.stepping import play_controls, play_interval, step_control
from convviz.ui.unet import unet_section

DEFAULT_STACK = "c3s2p1,c3s2p1"          # note 002's worked example, with n = 5
ERF_BUDGET = 3e8                         # multiply-adds (VGG-16 at 224: 2.4e8, a few seconds here)
PRESET_NAMES = {"custom": "Your own stack", "note002": "Note 002's worked example (n = 5)",
                "note004": "Note 004's conv then pool (100 → 98 → 49)",
                "alexnet": "AlexNet (227 × 227)", "vgg16": "VGG-16 (224 × 224)",
                "resnet50": "ResNet-50 v1, TF-slim (224 × 224)"}
PRESET_NOTES = {
    "note002": "Note 002's worked example: a 5-pixel input and two convs with k 3, p 1, s 2.",
    "note004": "Note 004's pooling example: a (3, 100, 100) image, a 3×3 conv without padding gives 98 × 98, and "
               "2×2 pooling with stride 2 gives 49 × 49. (The channels stay 3 when the layer has 3 kernels.)",
    "alexnet": "AlexNet's original sizes (227 input, conv1 11×11 stride 4). google-research/receptive_field "
               "publishes r = 195, j = 32 for pool5.",
    "vgg16": "VGG-16: thirteen 3×3 convs with padding 1, a 2×2 stride-2 pool after each block. Published: "
             "r = 212, j = 32 at pool5.",
    "resnet50": "ResNet-50 v1 as TF-slim builds it: each unit is 1×1, 3×3, 1×1 and the stride sits in the last "
                "unit of blocks 1–3. Published: r = 483, j = 32 after the last block, wider than the image itself.",
}

lesson_header(
    "Receptive fields",
    "Each feature of a conv net sees only part of the input: its **receptive field**. Four numbers per layer "
    "say which part: how many features there are (**n**), how many input pixels apart neighbours sit (the jump "
    "**j**), how wide each one's field is (**r**) and where the first field is centred (**start**). "
    "Strides multiply j, and every later kernel then adds (k−1)·j to r.",
)

# --- The stack ----------------------------------------------------------------------------------
with settings_box():
    top = st.columns(2)
    preset = choice_control("Preset", "preset", PRESET_NAMES, "custom", container=top[0])
    if preset == "custom":
        n = int_control("Input size n (pixels per side)", "n", 1, 1024, 5, container=top[1])
        raw = st.query_params.get("stack", DEFAULT_STACK)
        try:
            layers = parse_stack(raw)
        except ValueError as error:
            shown = raw if len(raw) <= 40 else raw[:37] + "..."      # a link may carry thousands of characters
            st.warning(f"The link's stack={shown!r} cannot be read. {error} Showing note 002's stack instead.",
                       icon=":material/warning:")
            layers = parse_stack(DEFAULT_STACK)
        stack = format_stack(layers)
        st.markdown("Edit the layers (**c**onv or **p**ool, kernel k, stride s, padding p, dilation d); "
                    "add or delete rows at the bottom and left. Kernels are square.")
        frame = pd.DataFrame(stack_rows(layers), columns=["kind", "k", "s", "p", "d"]).astype(
            {"k": "int64", "s": "int64", "p": "int64", "d": "int64"})
        number = lambda label, low, high, default, help: st.column_config.NumberColumn(   # noqa: E731
            label, min_value=low, max_value=high, step=1, default=default, required=True, help=help)
        edited = st.data_editor(
            frame, key=f"stack_editor:{stack}", num_rows="dynamic", width="content",
            column_config={"kind": st.column_config.SelectboxColumn("kind", options=["conv", "pool"], default="conv",
                                                                    required=True),
                           "k": number("k", 1, 64, 3, "kernel size"), "s": number("s", 1, 16, 1, "stride"),
                           "p": number("p", 0, 64, 0, "zero padding on each side"),
                           "d": number("d", 1, 32, 1, "dilation (a pool has 1)")})
        try:
            layers = stack_from_rows(edited.to_dict("records"))
            stack = format_stack(layers)
        except ValueError as error:
            show_problem(ValueError(f"{error} The numbers below use the stack before this edit."))
        if stack == DEFAULT_STACK:
            st.query_params.pop("stack", None)
        else:
            st.query_params["stack"] = stack
        st.caption(f"In the link: `stack={stack}`")
    else:
        n, layers = PRESETS[preset]
        stack = format_stack(layers)
        st.info(PRESET_NOTES[preset], icon=":material/info:")

        def edit_copy():
            st.session_state["preset"] = "custom"
            st.session_state["n"] = n
            st.query_params["stack"] = stack

        st.button("Edit a copy of this stack", key="edit_copy", on_click=edit_copy, icon=":material/edit:")

# --- The table ------------------------------------------------------------------------------------
st.header("n, j, r and start, layer by layer")
try:
    table = receptive_field_table(n, layers)
except ValueError as error:
    table = None
    show_problem(error)
    st.markdown("Shrink a stride or a kernel before it, add padding, or make the input larger; the dilation "
                "section at the bottom still works.")

if table is not None:
    size, fits, widths = autograd_check(n, stack)
    big = receptive_field_table(size, layers)           # r and j do not depend on n; the centre units do
    checks = [""] + ["✓" if w == row["r"] else "✗" if centre_fits(b, size) else "cut by the border"
                     for w, row, b in zip(widths, table[1:], big[1:])]
    st.dataframe(
        [{"layer": i, "name": row["name"], "settings": "" if i == 0 else describe(layers[i - 1]),
          "n": row["n"], "j": row["j"], "r": row["r"], "start": row["start"],
          "r by autograd": 1 if i == 0 else widths[i - 1], "check": checks[i]} for i, row in enumerate(table)],
        hide_index=True, key="rf_table", height=min(600, 38 + 35 * len(table)),
        column_config={"n": st.column_config.NumberColumn("n", help="n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, "
                                                                     "k_eff = d(k−1)+1"),
                       "j": st.column_config.NumberColumn("j", help="j_out = j_in · s"),
                       "r": st.column_config.NumberColumn("r", help="r_out = r_in + (k_eff − 1) · j_in"),
                       "start": st.column_config.NumberColumn("start", format="%g",
                                                              help="start_out = start_in + ((k_eff − 1)/2 − p) · j_in"),
                       "r by autograd": st.column_config.NumberColumn(
                           "r by autograd", help="width of the non-zero gradient of the centre unit w.r.t. the input")})
    last = table[-1]
    if not layers:
        st.markdown("The stack is empty: each input pixel sees only itself (r = 1). Add a layer above.")
    else:
        st.markdown(f"After the last layer: **n = {last['n']}** features per side, **j = {last['j']}**, "
                    f"**r = {last['r']}** and **start = {last['start']:g}**: feature i sees the {last['r']} input "
                    f"pixels centred at {last['start']:g} + i·{last['j']}.")
        if size == n:
            where = "this input"
        elif fits:
            where = f"a {size}×{size} input (r does not depend on n, and there every centre unit's field fits inside)"
        else:
            where = f"a {size}×{size} input, the largest tried (r does not depend on n)"
        wrong = [str(i) for i, c in enumerate(checks) if c == "✗"]
        cut = [str(i) for i, c in enumerate(checks) if c == "cut by the border"]
        if wrong:
            verdict = f"**the formulas disagree at layer {', '.join(wrong)}** ✗"
        elif cut:
            verdict = (f"the layers whose field fits agree; at layer {', '.join(cut)} the centre unit's field runs "
                       "past the border, so autograd sees only the part inside")
        else:
            verdict = f"**all {len(widths)} layers agree** ✓"
        st.markdown(f"**Autograd check.** The stack is built in torch on {where} with positive weights and "
                    f"average pooling (max pooling would cut gradients), and the width over which the gradient of "
                    f"each layer's centre unit w.r.t. the input is non-zero is compared with r: {verdict}.")
        code = autograd_snippet(size, layers)
        if not presenting():                  # on a projector: the .py download below instead
            with st.expander("The same check in PyTorch (for the last layer)"):
                st.code(code, language="python")
            with st.expander("The formulas with your numbers"):
                st.markdown("n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, j_out = j_in·s, r_out = r_in + (k_eff−1)·j_in, "
                            "start_out = start_in + ((k_eff−1)/2 − p)·j_in, with k_eff = d(k−1)+1 and the input at "
                            f"n = {n}, j = 1, r = 1, start = 0.5.")
                st.markdown("\n\n".join(formula_lines(n, layers)))

        # --- The field on the input -------------------------------------------------------------------
        @st.fragment(run_every=play_interval("layer"))
        def field_steps():
            """The field of one unit and the effective field: ◀ / ▶ and autoplay over layers rerun only this part."""
            st.header("The field of one output unit")
            options = {"last": f"the last layer ({last['name']})"} | {str(i): f"{i}: {row['name']}"
                                                                      for i, row in enumerate(table[1:], start=1)}
            if st.session_state.get("layer", "last") not in options:       # left over from a longer stack
                st.session_state.pop("layer", None)
                st.query_params.pop("layer", None)
            growth = [str(i) for i in range(1, len(layers))] + ["last"]     # the field growing, layer by layer
            cols = st.columns([1, 2])
            layer_box = cols[0].container()
            play_controls("layer", growth, container=cols[0], arrows=True)   # drawn under the layer, run first
            choice = choice_control("Layer", "layer", options, "last", container=layer_box)
            depth = len(layers) if choice == "last" else int(choice)
            row = table[depth]
            with cols[1]:
                pos = step_control(f"Output unit (reading order, {row['n']}×{row['n']} units)", "unit", row["n"] ** 2)
            i, jj = divmod(pos, row["n"])
            (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, i), field_bounds(row, jj)
            past = [f"{side} {amount:g}" for side, amount in (("top", -lo_r), ("bottom", hi_r - n), ("left", -lo_c),
                                                              ("right", hi_c - n)) if amount > 0]
            st.markdown(
                f"Unit **({i}, {jj})** of {row['name']}: centre start + i·j = {row['start']:g} + {i}·{row['j']} = "
                f"**{row['start'] + i * row['j']:g}** (row) and {row['start']:g} + {jj}·{row['j']} = "
                f"**{row['start'] + jj * row['j']:g}** (column), size r = **{row['r']}**: input rows {lo_r:g} … {hi_r - 1:g} "
                f"and columns {lo_c:g} … {hi_c - 1:g} (pixel i spans i to i+1, so its centre is i + 0.5)." +
                (f" It runs past the border ({', '.join(past)} pixels): there it reads the zero **padding** (grey)."
                 if past else " It lies inside the input."))
            photo = draws_photo(n, row, (i, jj))
            chart(cached_field_figure(n, stack, depth, (i, jj), photo, False), key="field_figure")
            st.caption("Magenta box: the receptive field (× its centre); dashed: the input's border. "
                       + ("scikit-image's astronaut photo, resized to the input size." if photo else
                          "Each cell is one input pixel; pink cells are inside the field."))
            export_buttons("receptive_field", lambda: field_scene(n, layers, depth, (i, jj)),
                           lambda: growth_scenes(n, layers), code, steps=len(layers))

            # --- The effective field ----------------------------------------------------------------------
            st.header("The effective receptive field")
            st.markdown("r counts every pixel that *can* reach a unit. Luo et al. (2016) showed that with random weights "
                        "and ReLUs the gradient is spread like a Gaussian: the middle of the field matters far more "
                        "than its edge, so the **effective** field (the fewest contiguous columns holding 95% "
                        "of the gradient) can be much narrower than r.")
            trials = erf_trials(n)
            cost = effective_field_cost(n, layers[:depth], trials)
            show_erf = toggle_control(f"Compute the effective field (mean |gradient| over {trials} random networks)", "erf",
                                      True)
            if show_erf and cost > ERF_BUDGET:
                st.info(f"This stack would take {cost / 1e9:,.1f} billion multiply-adds to average here (the limit is "
                        f"{ERF_BUDGET / 1e9:.1f}); try a smaller input or smaller kernels.", icon=":material/hourglass:")
            elif show_erf:
                centre = (row["n"] - 1) // 2
                photo = draws_photo(n, row, (centre, centre))
                start, width = effective_window(n, stack, depth)
                cols = st.columns(2)
                chart(cached_field_figure(n, stack, depth, (centre, centre), photo, True),
                      key="erf_figure", container=cols[0])
                chart(cached_profile_figure(n, stack, depth), key="erf_profile", container=cols[1])
                cols[1].markdown(f"Centre unit ({centre}, {centre}) of {row['name']}: "
                                 + effective_width_text(width, start, row["r"], n))
                st.caption(f"Mean |∂ output / ∂ input| over {trials} Kaiming-initialised networks with ReLUs and max "
                           "pooling, each with 4 channels and a random input: " +
                           ("orange cells, 1 at the peak." if not photo else
                            "the photo is lit where it is large (smoothed: max pooling leaves a speckled map)."))

        field_steps()

# --- Dilation -------------------------------------------------------------------------------------
st.header("Dilation: a wider field for the same cost")
st.markdown("Stacking stride-1 convs grows r by (k−1) per layer. Doubling the dilation at every layer "
            "(d = 1, 2, 4, …) grows it exponentially, with the **same** weights and multiply-adds per output.")
cols = st.columns(2)
k = int_control("Kernel size k", "k", 2, 5, 3, container=cols[0])
depth_d = int_control("Layers", "depth", 1, 6, 3, container=cols[1])
stacks, tables, counts_fig = dilation_comparison(depth_d, k)
st.dataframe([{"stack": name, "layers": format_stack(layers_d), "weights per channel pair": depth_d * k * k,
               "r": tables[name][-1]["r"]} for name, layers_d in stacks.items()], hide_index=True, key="dilation_table")
chart(counts_fig, key="dilation_figure")
st.caption("Each cell: how many paths join that input cell to the centre output (the gradient with every weight 1). "
           + ("Doubling d leaves no holes in the field; with k = 3, d = 1, 3, 9, … would reach every cell exactly once."
              if k == 3 else "Doubling d leaves no holes in the field."))

unet_section()
