"""The convolution page's sections (pages/convolution.py reads as the list of them).

Each function draws one section from a ConvLayer and its cached numbers (convviz.ui.cached_convolution).
"""

from __future__ import annotations

import streamlit as st

from convviz.backprop import stated_sentences
from convviz.filters import CLASSIC_FILTERS
from convviz.lessons.convolution import OPERATIONS, UPSTREAM, ConvLayer, ConvolutionResult, LayerError, conv_axes
from convviz.lessons.convolution import note_003_caption, step_scene, step_scenes
from convviz.lessons.examples import CONV_PRESETS, INPUT_PATTERNS, KERNEL_CHOICES, exercise_7_1
from convviz.lessons.explain import floor_explanation, output_size_latex
from convviz.lessons.scenes import window_scene
from convviz.ui import cached_convolution as cached
from convviz.ui.downloads import export_buttons
from convviz.ui.layout import course_note, show_problem
from convviz.ui.params import choice_control, float_control, int_control, int_controls
from convviz.ui.present import chart, presenting, settings_box
from convviz.ui.stage import step_stage
from convviz.window import window_step


def grid(values, title: str, key: str, container=None) -> None:
    """A small grid of numbers (a 2-D array; channel 0 of a 3-D one)."""
    values = values[0] if values.ndim == 3 else values
    chart(cached.small_grid(tuple(map(tuple, values)), title), key=key, container=container)


def example_controls(prefix: str, columns, disabled: bool) -> tuple[str, str, int]:
    """The example's input values, kernel and random seed, one control to a column (URL keys prefixed)."""
    return (choice_control("Input values", f"{prefix}input", INPUT_PATTERNS, "random", container=columns[0],
                           disabled=disabled),
            choice_control("Kernel", f"{prefix}kernel", KERNEL_CHOICES, "random", container=columns[1], disabled=disabled),
            int_control("Random seed", f"{prefix}seed", 0, 9999, 0, container=columns[2], disabled=disabled))


def settings() -> dict:
    """The controls (bound to the URL), with a preset's sizes filled in: ConvLayer's fields."""
    with settings_box():
        top = st.columns(4)
        preset = choice_control("Preset", "preset", {"none": "Your own settings",
                                                     **{k: p.label for k, p in CONV_PRESETS.items()}},
                                "none", container=top[0])
        fixed = preset != "none"
        pattern, kernel, seed = example_controls("", top[1:], fixed)
        row = st.columns(4)
        c, h, w = int_controls([("Channels C", "c", 1, 3, 1), ("Input height H", "h", 1, 32, 5),
                                ("Input width W", "w", 1, 32, 5)], columns=row, disabled=fixed)
        bias = float_control("Bias b", "b", -99.0, 99.0, 0.0, container=row[3], disabled=fixed)
        kh, kw, sh, sw, ph, pw, dh, dw = int_controls(
            [("Kernel height", "kh", 1, 9, 3), ("Kernel width", "kw", 1, 9, 3),
             ("Stride (height)", "sh", 1, 6, 1), ("Stride (width)", "sw", 1, 6, 1),
             ("Padding (height)", "ph", 0, 6, 0), ("Padding (width)", "pw", 0, 6, 0),
             ("Dilation (height)", "dh", 1, 5, 1), ("Dilation (width)", "dw", 1, 5, 1)], per_row=4, disabled=fixed)
        op = choice_control("Operation", "op", OPERATIONS, "xcorr", horizontal=True)
    chosen = dict(preset=preset, pattern=pattern, kernel=kernel, seed=seed, c=c, h=h, w=w, kh=kh, kw=kw,
                  stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), bias=bias, op=op)
    if fixed:
        example = CONV_PRESETS[preset]
        st.info(example.info + " The size controls are set by the preset; choose *Your own settings* to change them.")
        (chosen["c"], chosen["h"], chosen["w"]), (chosen["kh"], chosen["kw"]) = example.x.shape, example.w.shape[-2:]
        chosen.update(stride=(example.stride,) * 2, padding=(example.padding,) * 2, dilation=(1, 1), bias=example.bias)
    return chosen


def output_size(chosen: dict) -> ConvLayer | None:
    """The formula worked per axis; the layer, or None after saying what is wrong with the settings."""
    st.header("Output size")
    st.markdown("Each axis on its own: the window's span is d(k−1)+1 cells, and it moves s cells at a time "
                "over the input padded by p zeros on both sides.")
    try:
        layer, problems = ConvLayer(**chosen), {}
    except LayerError as error:
        layer, problems = None, error.problems
    axes = conv_axes(*(chosen[k] for k in ("h", "w", "kh", "kw", "stride", "padding", "dilation")))
    for column, (axis, n, k, s, p, d) in zip(st.columns(2), axes):
        if axis in problems:
            show_problem(ValueError(f"{'Height' if axis == 'H' else 'Width'}: {problems[axis]}"), column)
        else:
            column.latex(output_size_latex(axis, n, k, s, p, d))
            column.markdown(floor_explanation(axis, n, k, s, p, d))
    if "kernel" in problems:                  # e.g. a named 3×3 filter with another kernel size
        show_problem(ValueError(problems["kernel"]))
    return layer


@st.cache_resource(max_entries=32, show_spinner=False)
def window_stage_scene(layer: ConvLayer) -> dict:
    """The stage's sliding-window scene for `layer` (convviz.lessons.scenes.window_scene), once per setting."""
    x, w = layer.arrays()
    return window_scene(x, w, layer.bias, layer.stride, layer.padding, layer.dilation, flip=layer.flip)


def sliding_window(layer: ConvLayer, result: ConvolutionResult) -> None:
    st.header("The sliding window, step by step")
    st.markdown("Step with ◀ / ▶, the arrow keys (PageUp / PageDown) or Play (space), drag the magenta window, "
                "or click an output cell; the step goes into the link. Hover an **output** cell to see its window "
                "and products; hover an **input** cell to see every output that reads it. Grey cells are padding "
                "zeros; dashed cells inside the window are dilation's holes; orange rows or columns are never read."
                + (" The kernel drawn is the **flipped** one." if layer.flip else ""))
    scene, (ph, pw) = window_stage_scene(layer), layer.padding

    @st.fragment
    def window_steps():
        """The stage, exports and product table: a step from the browser reruns only this part of the page."""
        pos = step_stage(scene, key="conv_stage", url_key="pos")
        export_buttons("convolution_window", lambda: step_scene(layer, pos), lambda: step_scenes(layer), result.code,
                       steps=result.y.size)
        i, j = divmod(pos, result.y.shape[1])
        step = window_step(result.x, result.used_kernel, i, j, bias=layer.bias, stride=layer.stride,
                           padding=layer.padding, dilation=layer.dilation)
        st.markdown(f"**Output cell ({i}, {j})**: the window's {len(step.taps)} products, then the sum.")
        st.dataframe(
            [{"channel": t.channel, "kernel (a, b)": f"({t.a}, {t.b})",
              "input (row, col)": "padding" if t.is_padding else f"({t.row - ph}, {t.col - pw})",
              "x": t.x, "w": t.w, "x·w": t.product} for t in step.taps],
            hide_index=True, height=min(400, 38 + 35 * len(step.taps)))
        st.markdown(f"Sum of products {sum(t.product for t in step.taps):g} + bias {layer.bias:g} = "
                    f"**y[{i}, {j}] = {step.total:g}**")

    window_steps()


def cross_correlation_or_convolution(result: ConvolutionResult) -> None:
    st.header("Cross-correlation or convolution?")
    st.markdown(
        "Deep-learning \"convolution\" layers (`torch.nn.Conv2d`, `F.conv2d`) compute **cross-correlation**: "
        "the kernel is used as stored. A **true convolution** flips the kernel by 180° first. Since the "
        "weights are learned, the network simply learns the flipped kernel; the flip matters when you use "
        "a kernel from a textbook.")
    cols = st.columns(4)
    grid(result.kernel, "kernel w (channel 0)", "k_plain", cols[0])
    grid(result.kernel[..., ::-1, ::-1], "flipped w (channel 0)", "k_flip", cols[1])
    grid(result.xcorr, "cross-correlation", "y_xcorr", cols[2])
    grid(result.conv, "true convolution", "y_conv", cols[3])
    if result.differing_cells:
        st.markdown(f"The two outputs differ in **{result.differing_cells} of {result.xcorr.size}** cells.")
    else:
        st.markdown("The two outputs are **equal** here: this kernel looks the same after a 180° flip "
                    "(or the input hides the difference). Try a random kernel or Sobel.")
    st.markdown("True convolution = cross-correlation with the flipped kernel, checked against torch "
                f"(`F.conv2d` with `torch.flip(w, dims=(-2, -1))`): max |difference| = **{result.identity_gap:.1e}**.")


def torch_check(result: ConvolutionResult) -> None:
    st.header("Check it with PyTorch")
    st.markdown(f"`F.conv2d` in float64 gives the output above with max |difference| = **{result.torch_gap:.1e}**. "
                + ("The code is the *PyTorch code, .py* download above." if presenting() else
                   "This code reproduces the view; running it prints the output:"))
    if not presenting():                      # on a projector: the .py download above instead
        st.code(result.code, language="python")
        st.code(repr(result.y.tolist()), language="text")


def backward_pass(layer: ConvLayer) -> None:
    st.header("Backward pass: where the gradient goes (note 003)")
    st.markdown(
        "Training needs the gradient of the loss L with respect to the input (to pass on to the layer below), "
        "the kernel and the bias, given δ = ∂L/∂y from the layer above. Each output cell sends its δ back along "
        "the window it read: to every input cell under it (times the weight) and to every weight (times the input cell).")
    upstream = choice_control("Upstream gradient δ = ∂L/∂y", "grad", UPSTREAM, "ones", horizontal=True)
    back = cached.backward_pass(layer, upstream)
    said = stated_sentences(layer.flip)
    cols = st.columns(3)
    grid(back["delta"], "δ = ∂L/∂y", "grad_delta", cols[0])
    grid(back["grad_input"], "∂L/∂x (channel 0)", "grad_x", cols[1])
    grid(back["grad_weight"], "∂L/∂w (channel 0)", "grad_w", cols[2])
    st.markdown(said["forward"] + "".join(f"\n- {said[k]}" for k in ("input", "weight", "bias"))
                + f" Here ∂L/∂b = Σ δ = **{back['grad_bias']:g}**.")
    st.markdown("With δ = 1 everywhere, ∂L/∂x at an input cell is the sum of the weights that read it (corner cells "
                "are read by fewest), and ∂L/∂w at a weight is the sum of the input cells it touched.")
    st.markdown(f"Torch autograd (`loss.backward()` in float64) against the three gradients computed as the sentences "
                f"say: max |difference| = **{back['gap']:.1e}**.")
    st.caption(note_003_caption(back))


def exercise_7_1_section(expanded: bool) -> None:
    st.header("Worked example: Exercise 7.1 (note 004)")
    with st.expander("Three channels, padding 1, bias 2, ReLU, then 2×2 max and average pooling", expanded=expanded):
        ex = exercise_7_1()
        st.markdown("Each channel is cross-correlated with its own 3×3 slice of the kernel; the three maps are "
                    "added, the bias 2 is added, and ReLU clips negatives to 0. The note writes `*` but, like "
                    "`Conv2d`, it does **not** flip the kernel: these numbers are cross-correlations.")
        cols = st.columns(3)
        for ch in range(3):
            grid(ex["channel_maps"][ch], f"X{ch} ⋆ W{ch}", f"ex_map{ch}", cols[ch])
        for ch, i, j, printed, true in ex["typos"]:
            st.warning(f"Typo in the note: X{ch} ⋆ W{ch} at row {i}, column {j} is printed as {printed:g}; "
                       f"the true value (checked with torch) is **{true:g}**. The note's Y is right: it used {true:g}.",
                       icon=":material/edit:")
        cols = st.columns(3)
        grid(ex["y"], "Y = ReLU(sum + 2)", "ex_y", cols[0])
        grid(ex["max_pool"], "2×2 max pooling", "ex_max", cols[1])
        grid(ex["avg_pool"], "2×2 average pooling", "ex_avg", cols[2])
        st.markdown("Average pooling as the note writes it: 21/4, 7/2, 5/4, 27/4.")


def classic_filters() -> None:
    st.header("Classic filters on a photo (note 004, Example 1.1)")
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
