"""The convolution page's sections (pages/convolution.py reads as the list of them).

Each function draws one section from a ConvLayer and its cached numbers (convviz.ui.cache.convolution).
"""

from __future__ import annotations

import streamlit as st

from convviz.backprop import stated_sentences
from convviz.filters import CLASSIC_FILTERS
from convviz.lessons.convolution import OPERATIONS, UPSTREAM, ConvLayer, ConvolutionResult, conv_axes
from convviz.lessons.convolution import note_003_caption, read_count_sentence, step_scene, step_scenes
from convviz.lessons.shared.course_notes import link_notes
from convviz.lessons.shared.examples import CONV_PRESETS, INPUT_PATTERNS, KERNEL_CHOICES, exercise_7_1
from convviz.lessons.shared.explain import floor_explanation, output_size_latex
from convviz.ui.cache import convolution as cached
from convviz.ui.widgets.downloads import export_buttons
from convviz.ui.widgets.layout import course_note, show_problem, torch_check as quiet_torch_check
from convviz.ui.widgets.number_grid import number_grids
from convviz.ui.widgets.params import write_url, choice_control, float_control, int_control, int_controls, toggle_control
from convviz.ui.widgets.present import by_pointer_or_touch, chart, more_settings, presenting, section_settings, settings_box
from convviz.ui.stage import step_stage
from convviz.window import window_step


def example_controls(prefix: str, columns, disabled: bool) -> tuple[str, str, int]:
    """The example's input values, kernel and random seed, one control to a column (URL keys prefixed)."""
    return (choice_control("Input values", f"{prefix}input", INPUT_PATTERNS, "random", container=columns[0],
                           disabled=disabled),
            choice_control("Kernel", f"{prefix}kernel", KERNEL_CHOICES, "random", container=columns[1], disabled=disabled),
            int_control("Random seed", f"{prefix}seed", 0, 9999, 0, container=columns[2], disabled=disabled))


# The bar: (label, height key, width key, min, max, default). It sets both axes unless "Different values per axis"
# is on; then it sets the height and More settings shows the widths (URL keys kh, sh, ph, dh and kw, sw, pw, dw).
BAR = [("Kernel size", "kh", "kw", 1, 9, 3), ("Stride", "sh", "sw", 1, 6, 1), ("Padding", "ph", "pw", 0, 6, 0),
       ("Dilation", "dh", "dw", 1, 5, 1)]
AXIS_LABELS = {"kh": "Kernel height", "kw": "Kernel width"}
PER_AXIS = "per_axis"


def axis_label(label: str, key: str) -> str:
    """"Kernel width", "Stride (width)", … for the per-axis controls."""
    axis = "height" if key.endswith("h") else "width"
    return AXIS_LABELS.get(key, f"{label} ({axis})")


def link_differs_per_axis() -> bool:
    """Whether the link sets a width value apart from its height value (an old link such as ?sh=2): it opens
    with "Different values per axis" on, so that it means what it meant."""
    def value(key: str, default: int) -> float:
        try:
            return float(st.query_params.get(key, default))
        except ValueError:
            return default
    return any(value(hk, default) != value(wk, default) for _, hk, wk, _, _, default in BAR)


def settings() -> dict:
    """The control bar under the figure (kernel size, stride, padding, dilation) and "More settings" (preset, input
    size and values, channels, bias, per-axis values, operation), bound to the URL; a preset's values are shown
    greyed. Returns ConvLayer's fields."""
    if PER_AXIS not in st.session_state and PER_AXIS not in st.query_params:
        st.session_state[PER_AXIS] = link_differs_per_axis()          # then per_axis=true goes into the link
    with settings_box():
        bar = st.columns(4)                               # filled once the preset is known, drawn above More settings
        with more_settings():
            top = st.columns(4)
            preset = choice_control("Preset", "preset", {"none": "Your own settings",
                                                         **{k: p.label for k, p in CONV_PRESETS.items()}},
                                    "none", container=top[0])
            example = CONV_PRESETS.get(preset)
            pattern, kernel, seed = example_controls("", top[1:], example is not None)
            row = st.columns(4)
            c, h, w = int_controls([("Channels C", "c", 1, 3, 1), ("Input height H", "h", 1, 32, 5),
                                    ("Input width W", "w", 1, 32, 5)], columns=row,
                                   shown=example and tuple(int(n) for n in example.x.shape))
            bias = float_control("Bias b", "b", -99.0, 99.0, 0.0, container=row[3], shown=example and example.bias)
            per_axis = toggle_control("Different values per axis", PER_AXIS,
                                      help="Off: the bar's values are used for the height and the width. On: the bar "
                                           "sets the height, and the width values are set here.")
            fixed = example and (int(example.w.shape[-1]), example.stride, example.padding, 1)   # square, no dilation
            values = {}
            if per_axis:
                for n, (col, (label, _, wk, lo, hi, default)) in enumerate(zip(st.columns(4), BAR)):
                    values[wk] = int_control(axis_label(label, wk), wk, lo, hi, default, container=col,
                                             shown=fixed and fixed[n])
            op = choice_control("Operation", "op", OPERATIONS, "xcorr", horizontal=True)
        for n, (label, hk, wk, lo, hi, default) in enumerate(BAR):
            values[hk] = int_control(axis_label(label, hk) if per_axis else label, hk, lo, hi, default, container=bar[n],
                                     shown=fixed and fixed[n], help=None if per_axis else "Used for the height and the width.")
            if not per_axis:                              # the width follows the height, in the link too
                values[wk] = values[hk]
                if example is None:
                    write_url(wk, values[wk], default)
    if example is not None:
        st.info(example.info + " Its sizes are shown greyed; choose *Your own settings* (More settings) to change them.")
    return dict(preset=preset, pattern=pattern, kernel=kernel, seed=seed, c=c, h=h, w=w, kh=values["kh"],
                kw=values["kw"], stride=(values["sh"], values["sw"]), padding=(values["ph"], values["pw"]),
                dilation=(values["dh"], values["dw"]), bias=bias, op=op)


def output_size(chosen: dict, problems: dict) -> None:
    """The formula worked per axis, or what is wrong with an axis."""
    st.header("Output size")
    st.markdown("Stride, padding and dilation decide where the window stops and which cells it reads. Each axis "
                "on its own: the window's span is d(k−1)+1 cells, and it moves s cells at a time over the input "
                "padded by p zeros on both sides.")
    axes = conv_axes(*(chosen[k] for k in ("h", "w", "kh", "kw", "stride", "padding", "dilation")))
    for column, (axis, n, k, s, p, d) in zip(st.columns(2), axes):
        if axis in problems:
            show_problem(ValueError(f"{'Height' if axis == 'H' else 'Width'}: {problems[axis]}"), column)
        else:
            column.latex(output_size_latex(axis, n, k, s, p, d))
            column.markdown(floor_explanation(axis, n, k, s, p, d))
    if "kernel" in problems:                  # e.g. a named 3×3 filter with another kernel size
        show_problem(ValueError(problems["kernel"]))


def sliding_window(layer: ConvLayer, result: ConvolutionResult) -> None:
    """The lesson's figure: the stage (as large as the screen allows), then this step's exports and products."""
    scene, (ph, pw) = cached.window_stage_scene(layer), layer.padding

    @st.fragment
    def window_steps():
        """The stage, exports and product table: a step from the browser reruns only this part of the page."""
        pos = step_stage(scene, key="conv_stage", url_key="pos", size="present" if presenting() else "fill")
        st.caption(by_pointer_or_touch(
                       "Step with ◀ / ▶, the arrow keys (PageUp / PageDown) or Play (space), drag the magenta window, "
                       "or click an output cell; the step goes into the link. Hover an **output** cell for its window "
                       "and products, an **input** cell for every output that reads it.",
                       "Step with ◀ / ▶ or Play, drag the magenta window, or tap an **output** cell to go to its "
                       "window; the step goes into the link. Tap an **input** cell for every output that reads it.")
                   + " Grey: padding zeros; dashed: dilation's holes; orange: rows or columns never read."
                   + (" The kernel drawn is the **flipped** one." if layer.flip else ""), unsafe_allow_html=True)
        export_buttons("convolution_window", lambda: step_scene(layer, pos), lambda: step_scenes(layer), result.code,
                       steps=result.y.size)
        i, j = divmod(pos, result.y.shape[1])
        step = window_step(result.x, result.used_kernel, i, j, bias=layer.bias, stride=layer.stride,
                           padding=layer.padding, dilation=layer.dilation)
        st.markdown(f"**Output cell ({i}, {j})**: the window's {len(step.taps)} products, then the sum: "
                    f"{sum(t.product for t in step.taps):g} + bias {layer.bias:g} = **y[{i}, {j}] = {step.total:g}**")
        if presenting():                          # on a projector the stage lists the products itself
            return
        with st.expander(f"The {len(step.taps)} products of output cell ({i}, {j}) as a table", icon=":material/table:"):
            st.dataframe(
                [{"channel": t.channel, "kernel (a, b)": f"({t.a}, {t.b})",
                  "input (row, col)": "padding" if t.is_padding else f"({t.row - ph}, {t.col - pw})",
                  "x": t.x, "w": t.w, "x·w": t.product} for t in step.taps],
                hide_index=True, height=min(400, 38 + 35 * len(step.taps)))

    window_steps()


def cross_correlation_or_convolution(result: ConvolutionResult) -> None:
    st.header("Cross-correlation or convolution?")
    st.markdown(
        "Deep-learning \"convolution\" layers (`torch.nn.Conv2d`, `F.conv2d`) compute **cross-correlation**: "
        "the kernel is used as stored. A **true convolution** flips the kernel by 180° first. Since the "
        "weights are learned, the network simply learns the flipped kernel; the flip matters when you use "
        "a kernel from a textbook.")
    number_grids({"k_plain": (result.kernel, "kernel w (channel 0)"),
                  "k_flip": (result.kernel[..., ::-1, ::-1], "flipped w (channel 0)"),
                  "y_xcorr": (result.xcorr, "cross-correlation"), "y_conv": (result.conv, "true convolution")})
    if result.differing_cells:
        st.markdown(f"The two outputs differ in **{result.differing_cells} of {result.xcorr.size}** cells.")
    else:
        st.markdown("The two outputs are **equal** here: this kernel looks the same after a 180° flip "
                    "(or the input hides the difference). Try a random kernel or Sobel.")
    st.markdown("True convolution = cross-correlation with the flipped kernel:")
    quiet_torch_check(result.identity_gap, "true convolution against F.conv2d with torch.flip(w, dims=(-2, -1))")


def torch_check(result: ConvolutionResult) -> None:
    st.header("Check it with PyTorch")
    quiet_torch_check(result.torch_gap, "the output above against F.conv2d (float64)")
    st.markdown(("The code is the *PyTorch code, .py* download above." if presenting() else
                   "This code reproduces the view; running it prints the output:"))
    if not presenting():                      # on a projector: the .py download above instead
        st.code(result.code, language="python")
        st.code(repr(result.y.tolist()), language="text")


def backward_pass(layer: ConvLayer) -> None:
    st.header(link_notes("Backward pass: where the gradient goes (note 003)"))
    st.markdown(
        "Training needs the gradient of the loss L with respect to the input (to pass on to the layer below), "
        "the kernel and the bias, given δ = ∂L/∂y from the layer above. Each output cell sends its δ back along "
        "the window it read: to every input cell under it (times the weight) and to every weight (times the input cell).")
    with section_settings():
        upstream = choice_control("Upstream gradient δ = ∂L/∂y", "grad", UPSTREAM, "ones", horizontal=True)
    back = cached.backward_pass(layer, upstream)
    said = stated_sentences(layer.flip)
    number_grids({"grad_delta": (back["delta"], "δ = ∂L/∂y"), "grad_x": (back["grad_input"], "∂L/∂x (channel 0)"),
                  "grad_w": (back["grad_weight"], "∂L/∂w (channel 0)")})
    st.markdown(said["forward"] + "".join(f"\n- {said[k]}" for k in ("input", "weight", "bias"))
                + f" Here ∂L/∂b = Σ δ = **{back['grad_bias']:g}**.")
    st.markdown("With δ = 1 everywhere, ∂L/∂x at an input cell is the sum of the weights that read it, and ∂L/∂w "
                "at a weight is the sum of the input cells it touched. " + read_count_sentence(back["reads"]))
    quiet_torch_check(back["gap"], "the three gradients computed as the sentences say, against autograd "
                                   "(loss.backward() in float64)")
    st.caption(note_003_caption(back))


def exercise_7_1_section(expanded: bool) -> None:
    st.header(link_notes("Worked example: Exercise 7.1 (note 004)"))
    with st.expander("Three channels, padding 1, bias 2, ReLU, then 2×2 max and average pooling", expanded=expanded):
        ex = exercise_7_1()
        st.markdown("Each channel is cross-correlated with its own 3×3 slice of the kernel; the three maps are "
                    "added, the bias 2 is added, and ReLU clips negatives to 0. The note writes `*` but, like "
                    "`Conv2d`, it does **not** flip the kernel: these numbers are cross-correlations.")
        number_grids({f"ex_map{ch}": (ex["channel_maps"][ch], f"X{ch} ⋆ W{ch}") for ch in range(3)})
        for ch, i, j, printed, true in ex["typos"]:
            st.warning(f"Typo in the note: X{ch} ⋆ W{ch} at row {i}, column {j} is printed as {printed:g}; "
                       f"the true value (checked with torch) is **{true:g}**. The note's Y is right: it used {true:g}.",
                       icon=":material/edit:")
        number_grids({"ex_y": (ex["y"], "Y = ReLU(sum + 2)"), "ex_max": (ex["max_pool"], "2×2 max pooling"),
                      "ex_avg": (ex["avg_pool"], "2×2 average pooling")})
        st.markdown("Average pooling as the note writes it: 21/4, 7/2, 5/4, 27/4.")


def classic_filters() -> None:
    st.header(link_notes("Classic filters on a photo (note 004, Example 1.1)"))
    with section_settings():
        filter_name = choice_control("Filter", "filter", {k: v[0] for k, v in CLASSIC_FILTERS.items()}, "sobel_x")
    st.markdown(CLASSIC_FILTERS[filter_name][2] + " Applied as a cross-correlation with \"same\" zero padding; "
                "signed responses are shown with grey as 0.")
    flat = cached.constant_image(filter_name)
    st.markdown(f"Entries sum to **{flat['sum']:.6g}**: a constant image of brightness {flat['level']:g} gives "
                f"**{flat['interior'][1]:.6g}** wherever the window lies inside it ({flat['sum']:.6g} × {flat['level']:g}); "
                "at the border the zero padding changes it.")
    course_note("Note 004 says kernels whose entries sum to 1 leave \"the expected value of the brightness of each pixel "
                "... 0\"; it means **unchanged**: a constant image maps to itself away from the border (checked above).")
    kernel_fig, photo_fig, filtered_fig = cached.filter_figures(filter_name)
    cols = st.columns([1, 2, 2])
    chart(kernel_fig, key="filter_kernel", container=cols[0])
    chart(photo_fig, key="filter_photo", container=cols[1])
    chart(filtered_fig, key="filter_result", container=cols[2])
