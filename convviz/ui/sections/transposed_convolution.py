"""The transposed-convolution page's sections (pages/transposed_convolution.py reads as the list of them).

Each function draws one section from a TransposedLayer and its cached numbers (convviz.ui.cache.transposed_convolution),
or from the section's own controls.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import transposed_convolution as lesson
from convviz.lessons.shared.explain import adjoint_sum_sentence, output_padding_sentence
from convviz.lessons.transposed_convolution import TransposedLayer, TransposedResult
from convviz.transposed import note_003_latex, transposed_size_latex
from convviz.ui.cache import transposed_convolution as cached
from convviz.ui.sections.convolution import example_controls
from convviz.ui.widgets.downloads import code_download, export_buttons
from convviz.ui.widgets.layout import course_note, show_problem, torch_check as quiet_torch_check
from convviz.ui.widgets.number_grid import number_grids
from convviz.ui.widgets.params import choice_control, int_control, int_controls, slider_control, toggle_control
from convviz.ui.widgets.present import (by_pointer_or_touch, chart, charts, more_settings, presenting, section_settings,
                                        settings_box)
from convviz.ui.stage import step_stage


def exact(values, title: str, key: str, container=None) -> None:
    chart(cached.cached_exact_grid(tuple(map(tuple, values)), title), key=key, container=container)


NOTE_000 = dict(h=2, w=2, k=2, s=2, p=0, output_padding=0, d=1)     # the preset's sizes, shown greyed


def settings() -> dict:
    """The control bar under the figure (kernel size, stride, padding, dilation, output padding) and "More
    settings" (preset, input values and size, seed), bound to the URL; note 000's sizes are shown greyed.
    Returns TransposedLayer's fields."""
    with settings_box():
        bar = st.columns(5)                               # filled once the preset is known, drawn above More settings
        with more_settings():
            top = st.columns(4)
            preset = choice_control("Preset", "tc_preset", lesson.PRESETS, "none", container=top[0])
            fixed = NOTE_000 if preset == "note000" else None
            pattern, kernel, seed = example_controls("tc_", top[1:], fixed is not None)
            h, w = int_controls([("Input height H", "tc_h", 1, 8, 3), ("Input width W", "tc_w", 1, 8, 3)],
                                columns=st.columns(4)[:2], shown=fixed and (fixed["h"], fixed["w"]))
        k, s, p, d = int_controls([("Kernel size", "tc_k", 1, 7, 3), ("Stride", "tc_s", 1, 4, 2), ("Padding", "tc_p", 0, 6, 0),
                                   ("Dilation", "tc_d", 1, 3, 1)], columns=bar[:4],
                                  shown=fixed and (fixed["k"], fixed["s"], fixed["p"], fixed["d"]))
        a = int_control("Output padding", "tc_op", 0, 3, 0, container=bar[4], shown=fixed and fixed["output_padding"],
                        help="`output_padding`: extra rows/columns at the bottom/right; must be smaller than the "
                             "stride or the dilation.")
    if fixed:
        st.info("Note 000's example: input [[0, 1], [2, 3]], kernel [[0, 1], [2, 3]], stride 2, no padding; its sizes "
                "are shown greyed. Choose *Your own settings* (More settings) to change them.")
    return dict(preset=preset, pattern=pattern, kernel=kernel, seed=seed, h=h, w=w, k=k, s=s, p=p, output_padding=a, d=d)


def output_size(chosen: dict, problems: dict) -> None:
    """The formula per axis (note 003's form too), or what is wrong with the settings."""
    st.header("Output size")
    st.markdown("A transposed convolution is the transpose of a convolution, not its inverse (\"deconvolution\" "
                "is a misnomer). Each input cell's stamp starts s cells after the previous one and spans d(k−1)+1 cells; "
                "the padding p **crops** p cells from each side (the opposite of a convolution's padding), and "
                "`output_padding` adds cells at the bottom/right.")
    h, k, s, p, a, d = (chosen[key] for key in ("h", "k", "s", "p", "output_padding", "d"))
    for axis, n in [("H", h), ("W", chosen["w"])]:
        if axis not in problems:
            st.latex(transposed_size_latex(axis, n, k, s, p, a, d))
    sizes = {axis: message for axis, message in problems.items() if axis in ("H", "W")}
    if len(sizes) == 2 and len(set(sizes.values())) == 1:     # the same reason on both axes: say it once
        show_problem(ValueError(sizes["H"]))
    else:
        for axis, message in sizes.items():
            show_problem(ValueError(f"{'Height' if axis == 'H' else 'Width'}: {message}"))
    if not sizes and d == 1 and a == 0:
        st.markdown("Without dilation and output_padding this is note 003's formula:")
        st.latex(note_003_latex("H", h, k, s, p))
    if "kernel" in problems:                  # e.g. a named 3×3 filter with another kernel size
        show_problem(ValueError(problems["kernel"]))


def why_output_padding(chosen: dict) -> None:
    h, k, s, p, a, d = (chosen[key] for key in ("h", "k", "s", "p", "output_padding", "d"))
    st.subheader("Why output_padding exists")
    st.markdown(f"A convolution with k={k}, s={s}, p={p}, d={d} floors its division, so several input sizes give the "
                f"same output. Its transpose cannot know which one you meant; `output_padding` (Dumoulin & Visin's *a*) "
                "picks it.")
    try:
        rows = lesson.output_padding_rows(h, k, s, p, d, a)
    except ValueError as error:
        rows = []
        show_problem(error)
    if rows:
        st.dataframe(rows, hide_index=True)
    else:
        st.markdown(f"No input size gives a convolution output of {h} with these settings.")


def scatter_view(layer: TransposedLayer, result: TransposedResult) -> None:
    """The lesson's figure: the scatter on the stage (as large as the screen allows), this step's sentence and exports."""
    x, y, h, w, k, s, p, d = result.x, result.y, layer.h, layer.w, layer.k, layer.s, layer.p, layer.d
    scene = cached.scatter_stage_scene(layer)

    @st.fragment                                    # a step from the browser reruns only this part of the page
    def scatter_steps():
        """The stage, its sentence and the exports of the step it shows."""
        step = step_stage(scene, key="tc_stage", url_key="tc_step", size="present" if presenting() else "fill")
        st.caption(by_pointer_or_touch("Step with ◀ / ▶, the arrow keys (PageUp / PageDown) or Play (space), drag the "
                                       "magenta input cell, or click one;",
                                       "Step with ◀ / ▶ or Play, drag the magenta input cell, or tap one;")
                   + " the step goes into the link. The magenta input cell multiplies the kernel and the "
                   "product is **added** into the magenta box of the running sum; beside it, how many stamps each "
                   "output cell has received so far. "
                   + by_pointer_or_touch("Hover", "Tap") + " an output cell for every input that stamps onto it. Grey: "
                   "the rows/columns the padding crops; the rest is the output that is kept.", unsafe_allow_html=True)
        i, j = divmod(step, w)
        st.markdown(f"**Input cell ({i}, {j})** = {x[i, j]:g}: it adds {x[i, j]:g} × kernel to output rows "
                    f"{i * s - p}…{i * s + d * (k - 1) - p}, columns {j * s - p}…{j * s + d * (k - 1) - p} "
                    f"(counted in the kept output). After all {h * w} cells the kept box is the output, "
                    f"{y.shape[0]}×{y.shape[1]}.")
        export_buttons("transposed_scatter", lambda: lesson.step_scene(layer, step), lambda: lesson.step_scenes(layer),
                       result.code, steps=h * w)

    scatter_steps()


def direct_convolution(layer: TransposedLayer, result: TransposedResult) -> None:
    st.header("The same numbers from a plain convolution")
    k, s, p, a, d = layer.k, layer.s, layer.p, layer.output_padding, layer.d
    border = d * (k - 1) - p
    st.markdown(
        f"Dumoulin & Visin: insert **s−1 = {s - 1}** zeros between neighbouring inputs, pad the border by "
        f"**d(k−1)−p = {border}**" + (" (negative: crop that many cells instead)" if border < 0 else "")
        + f", add **a = {a}** more rows/columns at the bottom/right, and slide the kernel **flipped by 180°**"
        + (f" and **dilated** (d − 1 = {d - 1} zeros between its taps, as the transposed convolution spreads them)"
           if d > 1 else "") + " with stride 1. Their extra-row parameter, with dilation, is "
        "a = (i + 2p − d(k−1) − 1) mod s for a convolution "
        "with input size i (their (i + 2p − k) mod s is the case d = 1): exactly the `output_padding` that maps that "
        "convolution's output back to i. " + output_padding_sentence(result.direct.output.shape[0], k, s, p, d, a))
    chart(cached.cached_direct_figure(layer), key="direct_figure")
    st.markdown(f"Grey cells are inserted or border zeros. Scatter view vs direct convolution: max |difference| = "
                f"**{result.direct_gap:.1e}**.")


def torch_check(result: TransposedResult) -> None:
    st.header("Check it with PyTorch")
    quiet_torch_check(result.torch_gap, "the output above against F.conv_transpose2d (float64)")
    st.markdown(("The code is the *PyTorch code, .py* download above."
                                                   if presenting() else
                                                   "This code reproduces the view; running it prints the output:"))
    if not presenting():                      # on a projector: the .py download above instead
        st.code(result.code, language="python")
        st.code(repr(result.y.tolist()), language="text")


def adjoint(layer: TransposedLayer, result: TransposedResult) -> None:
    st.header("Why \"transposed\": the adjoint")
    big, (left, right), y = result.adjoint_shape, result.adjoint, result.y
    if result.adjoint_output_padding != layer.output_padding:
        st.markdown(f"With output_padding {layer.output_padding} ≥ stride {layer.s} no convolution with these settings "
                    f"maps back to {y.shape[0]}×{y.shape[1]}, so this check uses output_padding 0.")
    st.markdown(
        f"A convolution with the same k, s, p, d maps a {big[0]}×{big[1]} image to {layer.h}×{layer.w}: it is a matrix A. "
        "The transposed convolution is Aᵀ, which is what the identity ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ says. "
        f"For a random x ({big[0]}×{big[1]}) and y ({layer.h}×{layer.w}), seed {layer.seed}:")
    cols = st.columns(3)
    cols[0].metric("⟨conv(x), y⟩", f"{left:.10f}")
    cols[1].metric("⟨x, conv_transpose(y)⟩", f"{right:.10f}")
    cols[2].metric("difference", f"{abs(left - right):.1e}")


def note_000_derivation() -> None:
    st.subheader("Note 000's 1-D derivation, next to its matrix")
    n1, f1, s1, w1 = (lesson.NOTE_000_1D[key] for key in ("n", "f", "s", "w"))
    one = lesson.note_000_1d()
    st.markdown(f"A 1-D cross-correlation of length n = {n1} with f = {f1} weights w = (w1, w2, w3), stride 1: row j of A "
                "holds the weights that output j reads, $(Ax)_j = \\sum_i w_i x_{j+i-1}$. Aᵀ has the same weights down its "
                "columns: input k is *sent* to every output j with weight $w_{k-j+1}$, which is the last line of the derivation:")
    st.latex(r"y^\top A x = \sum_{j=1}^{n-f+1} y_j \sum_{i=1}^{f} w_i x_{j+i-1}"
             r" = \sum_{k=1}^{n} x_k \sum_{j=\max(1,\,k-f+1)}^{\min(n-f+1,\,k)} w_{k-j+1}\, y_j = (A^\top y)^\top x")
    course_note("Note 000 writes the adjoint step as $y^\\top A x = \\sum_{i=1}^n (\\text{something})_j\\, x_j$: the sum "
                "must run over the same index as $x_j$, $\\sum_{j=1}^n (A^\\top y)_j\\, x_j$. "
                + adjoint_sum_sentence(one["A"], one["y"]) +
                " Its last line also starts the inner sum at j = 1, which holds only if w_i is read as 0 for i > f; the "
                "line before it keeps the bound k − f + 1 ≤ j, and so does the formula above.")
    charts(dict(zip(("adj_A", "adj_AT"), cached.cached_adjoint_figures(n1, w1, s1))))
    st.markdown(f"With w = (1, 2, 3) and y = {one['y'].astype(int).tolist()}: Aᵀy = {one['ATy'].astype(int).tolist()}, "
                f"and the scatter (conv_transpose) gives {one['scatter'].astype(int).tolist()}.")


def channels_and_bias(chosen: dict) -> None:
    h, w, k, seed = chosen["h"], chosen["w"], chosen["k"], chosen["seed"]
    st.subheader("Channels and bias: note 000's formal definition")
    st.markdown("With channels the kernel is C_in × C_out × f₁ × f₂ (the layout of `nn.ConvTranspose2d`): each input cell of "
                "channel k stamps its own kernel w[k, o] into **every** output channel o, and each output channel gets its "
                "bias b[o] once. Stride 1 and no padding, as in the note, so an m × n input gives (m + f₁ − 1) × (n + f₂ − 1). "
                "The input size and kernel size are the ones set above.")
    with section_settings():
        c_in, c_out = int_controls([("Input channels C_in", "tc_cin", 1, 3, 2),
                                    ("Output channels C_out", "tc_cout", 1, 3, 2)], columns=st.columns(3))
    ex = cached.cached_channel_example(c_in, c_out, h, w, k, seed)
    st.markdown(f"Input {c_in}×{h}×{w}, kernel {c_in}×{c_out}×{k}×{k}, bias b = {ex['b'].astype(int).tolist()} → output "
                f"{c_out}×{h + k - 1}×{w + k - 1}.")
    number_grids({f"tc_ch_in{ch}": (ex["y"][ch], f"input channel {ch}") for ch in range(c_in)})
    with st.expander(f"The {c_in * c_out} kernels w[k, o] (row k = input channel, column o = output channel)"):
        for ch in range(c_in):
            number_grids({f"tc_ch_w{ch}{o}": (ex["w"][ch, o], f"w[{ch}, {o}]") for o in range(c_out)})
    number_grids({f"tc_ch_out{o}": (ex["x"][o], f"output channel {o}") for o in range(c_out)})
    quiet_torch_check(ex["note_gap"], "these outputs against note 000's `trans_conv` loop, run as printed (torch, float64)")
    quiet_torch_check(ex["torch_gap"], "these outputs against F.conv_transpose2d (float64)")


def checkerboard() -> None:
    st.header("Checkerboard artifacts")
    st.markdown("When the stride does not divide the kernel size, neighbouring outputs receive different numbers of "
                "stamps. A constant input with a constant kernel makes this visible: the output *is* the count.")
    with section_settings():
        row = st.columns(4)
        k = slider_control("Checkerboard kernel size k", "cb_k", 1, 7, 3, step=1, container=row[0])
        s = slider_control("Checkerboard stride s", "cb_s", 1, 4, 2, step=1, container=row[1])
        n = int_control("Checkerboard input size n", "cb_n", 2, 8, 4, container=row[2])
        kind = choice_control("Input for the remedies", "cb_input", {"constant": "Constant 1", "smooth": "Smooth bump"},
                              "constant", container=row[3])
    charts(dict(zip(("overlap_bars", "overlap_grid"), cached.cached_overlap_figures(n, k, s))))
    cb = cached.cached_checkerboard(n, k, s)
    st.markdown(f"`conv_transpose2d(ones({n}×{n}), ones({k}×{k}), stride={s})` equals these counts: "
                f"max |difference| = **{cb['constant_gap']:.1e}**. "
                + (f"Here s = {s} divides k = {k}: away from the borders every output gets {k // s}² stamps, so there is "
                   "no checkerboard."
                   if cb["even"] else f"Here s = {s} does not divide k = {k}: the counts alternate, a checkerboard."))

    st.subheader("The same pattern in the gradient of a strided convolution")
    st.markdown(f"Backpropagation through `conv2d(x, ones({k}×{k}), stride={s})` on a {cb['n_grad']}×{cb['n_grad']} input "
                f"(torch autograd, loss = sum of the outputs) **is** a transposed convolution of the upstream gradient: "
                f"max |gradient − counts| = **{cb['grad_gap']:.1e}**. Discriminators and encoders "
                "with such strides pass checkerboards back into what they train.")
    number_grids({"grad_grid": (cb["grad"], "∂ sum(conv(x)) / ∂x")})

    st.subheader("Remedies, side by side with the same input")
    problem = lesson.remedies_problem(n, k, s, kept=_changed_last({"cb_k": k, "cb_s": s, "cb_n": n}))
    if problem is not None:
        _offer_a_setting_that_works(*problem, columns={"cb_k": row[0], "cb_s": row[1], "cb_n": row[2]})
        return
    _, remedies_fig, rows = cached.cached_remedies(kind, n, k, s)
    chart(remedies_fig, key="remedies")
    st.markdown("Each panel has its own colour range. Resize-then-convolve (Odena et al. 2016) and sub-pixel convolution "
                "with ICNR (Aitken et al. 2017: all s² sub-pixel filters start equal, so the layer starts as nearest "
                "upsampling + convolution) have no uneven overlap. A randomly initialised sub-pixel layer starts with a "
                "periodic pattern that training must remove. No training here: these are the layers at initialisation.")
    st.dataframe(rows, hide_index=True)
    if kind == "smooth":
        st.markdown("With the smooth bump the spread also measures the bump itself; compare the pictures for the "
                    "periodic pattern.")


def _changed_last(values: dict) -> str:
    """The key of the control whose value differs from the last run's (the one the student just moved);
    the one remembered before when none changed; the kernel size on a first run."""
    before = st.session_state.get("_cb_values", values)
    changed = [key for key in values if before.get(key) != values[key]]
    if changed:
        st.session_state["_cb_last"] = changed[0]
    st.session_state["_cb_values"] = dict(values)
    return st.session_state.get("_cb_last", "cb_k")


def _use(setting: dict) -> None:
    for key, value in setting.items():
        st.session_state[key] = value


def _offer_a_setting_that_works(why: str, setting: dict, columns: dict) -> None:
    """The reason, under the control changed last (and here, in case the controls are folded away), and a button
    to the nearest setting that works with that control kept."""
    kept = st.session_state.get("_cb_last", "cb_k")
    n, k, s = (st.session_state["_cb_values"][key] for key in ("cb_n", "cb_k", "cb_s"))
    show_problem(ValueError(f"n·s = {n}·{s} = {n * s} is less than k = {k}: the remedies below cannot run."),
                 container=columns[kept])
    show_problem(ValueError(why))
    if setting:
        label = ", ".join(f"{lesson.CHECKERBOARD_NAMES[key]} = {value}" for key, value in setting.items())
        st.button(f"Use {label}", key="cb_fix", on_click=_use, args=(setting,), icon=":material/build:")


def fixed_upsampling(seed: int) -> tuple:
    """Nearest/bilinear upsampling with its controls; returns (its input, the scale) for the sections after it."""
    st.header("Fixed upsampling: nearest and bilinear")
    with section_settings():
        row = st.columns(4)
        kind = choice_control("Input", "up_input", lesson.UPSAMPLE_INPUTS, "note000", container=row[0])
        mode = choice_control("Mode", "up_mode", {"nearest": "nearest", "bilinear": "bilinear"}, "bilinear",
                              container=row[1])
        scale = int_control("Scale factor", "up_scale", 1, 4, 2, container=row[2])
        align = toggle_control("align_corners", "up_ac", False, container=row[3],
                               help="Bilinear only: map the corner pixels' centres onto each other.")
    if mode == "nearest" and align:
        st.info("align_corners only applies to bilinear (torch refuses it with nearest); it is ignored here.")
    up = cached.cached_upsampled(kind, seed, scale, mode, align)
    cols = st.columns([1, 2])
    exact(up["x"], "input", "up_in", cols[0])
    exact(up["y"], f"{mode} ×{scale}" + (", align_corners" if up["align_corners"] else ""), "up_out", cols[1])
    if up["note_000"]:
        st.markdown("These are note 000's numbers: rows [6, 6.5, 7.5, 8], [5.25, 5.6875, 6.5625, 7], "
                    "[3.75, 4.0625, 4.6875, 5], [3, 3.25, 3.75, 4].")
    quiet_torch_check(up["gap"], "F.interpolate (float64)")
    if not presenting():
        st.code(up["code"], language="python")
        st.code(repr(up["y"].tolist()), language="text")
    code_download(up["code"], "upsample")
    return up["x"], scale


def unpooling(x, scale: int, seed: int) -> None:
    st.subheader("Bed of nails and max unpooling (note 003)")
    s = max(2, scale)
    un = cached.cached_unpooling(tuple(map(tuple, x)), s, seed)
    st.markdown(f"Two more fixed ways to go up by {s} (the scale above, at least 2). **Bed of nails** puts each value at "
                f"the top-left of its {s}×{s} block and zeros elsewhere: a stride-{s} transposed convolution whose "
                "kernel is a single 1. **Max unpooling** pairs with a max pool earlier in the network (the encoder of an "
                "FCN or U-Net): the pool remembers *where* each maximum was, and unpooling puts the value back there.")
    cols = st.columns([2, 2, 1, 2])
    exact(un["nails"], f"bed of nails ×{s} of the input above", "un_nails", cols[0])
    exact(un["encoder_input"], "encoder feature map", "un_enc", cols[1])
    exact(un["pooled"], f"{s}×{s} max pool", "un_pool", cols[2])
    exact(un["unpooled"], "max unpooled", "un_unpool", cols[3])
    quiet_torch_check(un["nails_gap"], "bed of nails against F.conv_transpose2d with the one-hot kernel")
    quiet_torch_check(un["unpool_gap"], "max unpooling against F.max_pool2d(return_indices=True) then F.max_unpool2d")


def pixel_shuffle(scale: int) -> None:
    st.subheader("Pixel shuffle: channels to space")
    r = max(2, scale)
    px = lesson.pixel_shuffle_demo(r)
    st.markdown(f"`pixel_shuffle(x, {r})` turns {r * r} channels of 2×2 into one {2 * r}×{2 * r} map: channel "
                f"c = i·{r} + j fills the cells at offset (i, j) of every {r}×{r} block. Channel c holds 10c + position, "
                "so each number tells where it came from. `pixel_unshuffle` undoes it: "
                f"max |unshuffle(shuffle(x)) − x| = **{px['round_trip_gap']:.1e}**.")
    quiet_torch_check(px["torch_gap"], "F.pixel_shuffle (float64)")
    chart(cached.cached_pixel_shuffle_figure(r), key="shuffle")
