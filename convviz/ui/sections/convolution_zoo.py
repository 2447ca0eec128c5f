"""The sections of the convolution zoo page (pages/convolution_zoo.py), top to bottom.

Each section opens on its figure: its heading (with the anchor the page's links use) and one sentence, the
figure, its few controls (in the URL) under it and the rest in "More settings" (while presenting, all of them
folded into a "Settings" popover); then the explanation, the counts, a "From the course notes" callout and one
quiet line of the check against PyTorch. A section builds its settings object once
(convviz.lessons.convolution_zoo; a ValueError is shown next to the controls and the rest of the page carries
on) and shows what the cached builder returns. Each section is an st.fragment: its controls rerun and redraw
that section only (issue 23), not the seven others.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st
from streamlit.errors import StreamlitAPIException

from convviz import zoo
from convviz.lessons.convolution_zoo import (SCHEDULES, DepthwiseSettings, DilationSettings, GroupedSettings,
                                             LocallyConnectedSettings, PointwiseSettings, PoolingSettings,
                                             SeparableSettings, dividing_groups)
from convviz.lessons.scenes.convolution_zoo import pooling_scene
from convviz.ui.cache import convolution_zoo as cached
from convviz.ui.widgets.downloads import code_download
from convviz.ui.widgets.layout import ROOT, course_note, intro, made, torch_check
from convviz.ui.widgets.params import choice_control, float_control, int_control, int_controls
from convviz.ui.widgets.present import by_pointer_or_touch, chart, charts, more_settings, presenting, section_settings
from convviz.ui.stage import step_stage

CONTENTS = ("[1×1](#pointwise) · [Dilated](#dilated) · [Grouped](#grouped) · [Depthwise separable](#depthwise) · "
            "[Spatially separable](#separable) · [Pooling](#pooling) · [Locally connected](#local) · "
            "[Pixel shuffle](#shuffle)")


@contextmanager
def opening(title: str, anchor: str, intuition: str):
    """A section's opening: its heading (with the anchor of its links) and one sentence, the figure's place, then its
    settings; yields the figure's place, which the section fills once it has read them."""
    intro(title, anchor, intuition)
    figure = st.container()
    with section_settings():
        yield figure


def count(n) -> str:
    """12,345,678 (thousands separated) for parameter and MAC counts."""
    return f"{int(n):,}"


def channels(prefix: str, most: int, c_in: int, c_out: int) -> list[tuple]:
    """The int_controls specs of a section's input and output channel counts (URL keys prefix_cin, prefix_cout)."""
    return [("Input channels C", f"{prefix}_cin", 1, most, c_in), ("Output channels C_out", f"{prefix}_cout", 1, most, c_out)]


def gap(value: float) -> str:
    """A difference that should be zero, as a reader wants it: "0 (identical)" or 3.1e-16."""
    return "0 (identical)" if value == 0 else f"{value:.1e}"


# --- 1×1 convolution ----------------------------------------------------------------------------

def pointwise_intro() -> None:
    intro("1×1 convolution: mixing channels at each pixel", "pointwise",
          "A 1×1 kernel **mixes the C input channels into C_out new ones**, with the same small C_out×C matrix at "
          "every pixel.")


def pointwise_controls() -> list:
    """C, C_out and the seed of the first section (folded into "Settings" while presenting)."""
    with section_settings():
        return int_controls([*channels("pw", 4, 3, 2), ("Random seed", "pw_seed", 0, 9999, 0)], per_row=3)


def pointwise_settings(values: list) -> PointwiseSettings:
    return PointwiseSettings(*values)


def pointwise_figure(_: PointwiseSettings, view: dict) -> None:
    chart(view["figure"], key="pw_fig")


def pointwise(s: PointwiseSettings, view: dict) -> None:
    """What the 1×1 figure shows, pixel (0, 0) worked out, the counts and the torch check."""
    ex, cost = view["ex"], view["cost"]
    st.markdown("Top row: the input channels and w (row o of w makes output channel o); bottom row: the output "
                "channels. It sees a single pixel, so it cannot detect shapes: y[:, i, j] = w · x[:, i, j] + b. "
                "Networks use it to shrink or grow the channel count cheaply.")
    terms = lambda o: " + ".join(f"({ex['w'][o, c]:g})·({ex['x'][c, 0, 0]:g})" for c in range(s.c_in))  # noqa: E731
    st.markdown("Pixel (0, 0) (magenta boxes), one output channel per row of w:\n\n" + "\n".join(
        f"- y[{o}, 0, 0] = {terms(o)} = **{ex['y'][o, 0, 0]:g}**" for o in range(s.c_out)))
    one_by_one, three_by_three = view["scale"]
    st.markdown(f"**Counts** on this 4×4 input: {count(cost['params'])} parameters (C_out·C = {s.c_out}·{s.c_in} weights "
                f"+ {s.c_out} biases), {count(cost['macs'])} MACs (H·W·C_out·C). For scale: a 1×1 conv from 256 to 64 "
                f"channels has {count(one_by_one)} parameters, a 3×3 conv with the same channels {count(three_by_three)}.")
    torch_check(ex["torch_gap"], "`F.conv2d` with the weights as a (C_out, C, 1, 1) kernel")


# --- Dilated convolution ------------------------------------------------------------------------

@st.fragment
def dilated() -> None:
    with opening("Dilated (atrous) convolution: a wider view for the same weights", "dilated",
                 "Dilation d spreads the k×k taps **d cells apart**: a wider view with the same weights and cost.") as figure:
        cols = st.columns(4)
        sizes = int_controls([("Kernel size k", "dl_k", 1, 7, 3), ("Dilation d", "dl_d", 1, 8, 2),
                              ("Layers stacked", "dl_layers", 1, 10, 4)], columns=cols)
        s = DilationSettings(*sizes, choice_control("Dilation per layer", "dl_schedule", SCHEDULES, "same",
                                                    container=cols[3]))
    view = cached.dilation(s)
    with figure:
        charts({"dl_taps": view["taps_figure"], "dl_rf": view["rf_figure"]}, [2, 3])
    st.markdown("The kernel covers d(k−1)+1 cells per side with the same k² weights and the same cost, skipping the "
                "cells in between. Stacking layers with growing dilations (1, 2, 4, …, as WaveNet does) makes the "
                "receptive field grow **exponentially** with depth instead of linearly.")
    rf, measured = view["rf"], view["measured"]
    st.markdown(f"**Counts:** one layer has {s.k}² = {s.k * s.k} weights per channel pair whatever d is, and spans "
                f"d(k−1)+1 = {s.d}·{s.k - 1}+1 = **{view['span']}** cells. With stride 1 each layer adds d(k−1) to the "
                f"receptive field (r_out = r_in + d(k−1)·j, with jump j = 1): dilations "
                f"{', '.join(map(str, view['dilations']))} give **r = {rf}** after {s.layers} "
                f"layer{'s' if s.layers > 1 else ''}, against {view['rf_plain']} without dilation."
                + (" (The doubling schedule sets the dilations itself; d only changes the footprint on the left.)"
                   if s.schedule == "double" else ""))
    course_note("Note 002's receptive-field recurrence is r_out = r_in + (k−1)·j, with j the jump (the product of the "
                "strides so far); it has no dilation. A dilated layer reads like an undilated one of span d(k−1)+1, and "
                "putting that span for k gives the r_out = r_in + d(k−1)·j used here.")
    st.caption(("✓ matches PyTorch" if measured == rf else "✗ differs from PyTorch")
               + f": autograd through the same stack of `F.conv1d` layers (all-ones kernels) finds {measured} input "
               "cells that move the middle output's gradient"
               + (", equal to the formula." if measured == rf else f"; the formula says {rf}."))


# --- Grouped convolution ------------------------------------------------------------------------

@st.fragment
def grouped() -> None:
    with opening("Grouped convolution: channels in separate groups", "grouped",
                 "With `groups=g` each output channel is computed from **its own group of C/g input channels only**.") as figure:
        c_in, c_out, groups, k = int_controls([*channels("gr", 64, 8, 8), ("Groups g", "gr_groups", 1, 64, 2),
                                               ("Kernel size k", "gr_k", 1, 7, 3)], per_row=4)
    s = made(GroupedSettings, c_in, c_out, groups, k)
    if s is None:
        st.markdown("Pick a number of groups that divides both channel counts, e.g. "
                    + ", ".join(map(str, dividing_groups(c_in, c_out))) + ".")
        return
    view = cached.grouped(s)
    cost, full = view["cost"], view["full"]
    chart(view["connections"], key="gr_conn", container=figure)
    st.markdown("The C input channels are cut into g groups of C/g. The weights and the MACs drop by the factor g "
                "(the C_out biases stay). AlexNet used g = 2 to split the work over two GPUs, ResNeXt uses many "
                "groups, and g = C is the depthwise convolution below. Both C and C_out must be divisible by g.")
    st.markdown(
        f"**Counts** (on a {s.size}×{s.size} input, padding {k // 2}):\n\n"
        f"| | groups = {groups} | groups = 1 |\n|---|---:|---:|\n"
        f"| weights per output channel (C/g·k²) | {c_in // groups * k ** 2} | {c_in * k ** 2} |\n"
        f"| parameters | {count(cost['params'])} | {count(full['params'])} |\n"
        f"| MACs | {count(cost['macs'])} | {count(full['macs'])} |\n\n"
        f"Each coloured block is one group: {c_out // groups} output channel(s) reading "
        f"{c_in // groups} input channel(s). Grey cells are connections the grouped layer does not have.")
    params_torch = view["params_torch"]
    if params_torch != cost["params"]:
        st.error(f"`nn.Conv2d({c_in}, {c_out}, {k}, groups={groups})` has {count(params_torch)} parameters, "
                 f"not {count(cost['params'])}!")
    torch_check(view["ex"]["torch_gap"], f"`nn.Conv2d({c_in}, {c_out}, {k}, groups={groups})` has "
                f"{count(params_torch)} parameters; one conv per group (numpy) against `F.conv2d(groups={groups})` "
                "on a random 6×6 input")


# --- Depthwise separable ------------------------------------------------------------------------

@st.fragment
def depthwise() -> None:
    with opening("Depthwise separable convolution (MobileNet)", "depthwise",
                 "A **depthwise** k×k conv filters each channel on its own, then a **pointwise** 1×1 conv mixes them: "
                 "far fewer multiply-accumulates (MACs) than one k×k conv.") as figure:
        bar = int_controls([*channels("ds", 1024, 32, 64), ("Kernel size k", "ds_k", 1, 11, 3)], per_row=3)
        with more_settings():
            rest = int_controls([("Input size H = W", "ds_size", 1, 1024, 112), ("Stride", "ds_stride", 1, 4, 1),
                                 ("Padding", "ds_padding", 0, 5, 1)], per_row=3)
    s = made(DepthwiseSettings, *bar, *rest)
    if s is None:
        return
    view = cached.depthwise(s)
    dsc, note = view["cost"], view["note"]
    std, dw, pw = dsc["standard"], dsc["depthwise"], dsc["pointwise"]
    (ho, wo) = dsc["output_size"]
    chart(view["bars"], key="ds_bars", container=figure)
    st.markdown(
        "A k×k convolution does two jobs at once: filtering in space and mixing channels. A depthwise separable "
        "block does them one after the other (groups = C for the depthwise step). The cost falls to "
        "1/C_out + 1/k² of the standard conv, i.e. **1/(1/C_out + 1/k²) times fewer MACs**, always below k² "
        f"(Xception, MobileNet). For 3×3 kernels: {zoo.separable_savings(32, 3):.2f}× with 32 output "
        f"channels, {zoo.separable_savings(64, 3):.2f}× with 64, {zoo.separable_savings(512, 3):.2f}× with 512; "
        f"MobileNet's \"8 to 9 times\" holds from C_out = {zoo.separable_out_channels_for(8, 3)} up.")
    st.markdown(
        f"Output {ho}×{wo}×{s.c_out}.\n\n"
        f"| layer | parameters | MACs |\n|---|---:|---:|\n"
        f"| standard {s.k}×{s.k} conv, {s.c_in} → {s.c_out} | {count(std['params'])} | {count(std['macs'])} |\n"
        f"| depthwise {s.k}×{s.k}, groups = {s.c_in} | {count(dw['params'])} | {count(dw['macs'])} |\n"
        f"| pointwise 1×1, {s.c_in} → {s.c_out} | {count(pw['params'])} | {count(pw['macs'])} |\n"
        f"| **depthwise separable total** | **{count(dsc['params'])}** | **{count(dsc['macs'])}** |\n")
    st.markdown(
        f"MACs ratio separable / standard = **{dsc['ratio']:.4f}** = 1/C_out + 1/k² = 1/{s.c_out} + 1/{s.k * s.k} "
        f"= {1 / s.c_out + 1 / s.k ** 2:.4f}, i.e. 1/(1/C_out + 1/k²) = "
        f"**{view['savings']:.2f}× fewer** MACs. "
        f"Parameters ratio {dsc['params_ratio']:.4f} (the biases make it differ slightly).")
    course_note(
        f"Note 002's slide writes (N·M·C)·[(K·K·C)·O] → N·M·O and C·(N·M)·[C·(K·K·1) + (1·1·C)·O] → N·M·O. Read as "
        f"shapes (the input, then O kernels of K·K·C) they are right. Read as multiply counts they give "
        f"{count(note['standard'])} and {count(note['separable'])}, {note['standard'] / std['macs']:g} and "
        f"{note['separable'] / dsc['macs']:g} times the MACs in the table (one factor C = {s.c_in} too many): "
        f"the MAC counts are N·M·K²·C·O and N·M·(C·K² + C·O) "
        f"(checked with PyTorch below). The ratio, {note['ratio']:.4f}, is the same either way.")
    check_size, check_cin, check_cout = view["check_sizes"]
    torch_params = view["params_torch"]
    if torch_params != dsc["params"]:
        st.error(f"PyTorch's two layers have {count(torch_params)} parameters, not {count(dsc['params'])}!")
    torch_check(view["check"]["torch_gap"], f"`nn.Conv2d({s.c_in}, {s.c_in}, {s.k}, groups={s.c_in})` then "
                f"`nn.Conv2d({s.c_in}, {s.c_out}, 1)` have {count(torch_params)} parameters; the numpy block against "
                f"`F.conv2d(groups=C)` then a 1×1 `F.conv2d` on a random {check_size}×{check_size}×{check_cin} input "
                f"with {check_cout} output channels")
    code_download(view["code"], "depthwise_separable_cost")
    if not presenting():
        with st.expander("The same counts in PyTorch (forward hooks on the meta device)"):
            st.code(view["code"], language="python")
            st.markdown("Running it prints:")
            st.code(f"{std['params']} {std['macs']} {dsc['params']} {dsc['macs']}", language="text")


# --- Spatially separable ------------------------------------------------------------------------

@st.fragment
def separable() -> None:
    with opening("Spatially separable convolution: a kernel as column × row", "separable",
                 "Some kernels are an outer product, w = column · rowᵀ: filtering with the column, then the row, "
                 "is cheaper.") as figure:
        cols = st.columns(2)
        kernel = choice_control("Kernel", "ss_kernel", {k: v[0] for k, v in zoo.SEPARABLE_KERNELS.items()}, "sobel",
                                container=cols[0])
        s = SeparableSettings(kernel, int_control("Random seed (random kernel)", "ss_seed", 0, 9999, 0,
                                                  container=cols[1], disabled=kernel != "random"))
    view = cached.separable(s)
    ex, res = view["ex"], view["residual"]
    with figure:
        charts(dict(zip(("ss_w", "ss_col", "ss_row", "ss_res"), view["figures"])), [3, 1.3, 3, 3])
    st.markdown("Such a kernel has rank 1, and the split gives the same result with kh + kw instead of kh·kw "
                "multiplications per pixel. The SVD finds the best split; what is left over, the **residual**, is "
                "zero exactly when the kernel is separable. Sobel = [1, 2, 1]ᵀ · [1, 0, −1].")
    kh, kw = ex["w"].shape
    fmt = lambda v: "[" + ", ".join(f"{a:.3g}" for a in v) + "]"  # noqa: E731
    st.markdown(f"**Split:** column {fmt(ex['column'])}ᵀ · row {fmt(ex['row'])}. Singular values "
                f"{view['singular_values']}: "
                + ("only the first is non-zero, so the kernel is **separable** and the residual is exactly 0."
                   if res == 0 else f"more than one is non-zero, so the kernel is **not separable**: the best "
                                    f"rank-1 split leaves a residual of up to {res:.3g} in a cell."))
    st.markdown(f"**Counts:** {kh}·{kw} = {kh * kw} MACs per output pixel for the kernel, {kh} + {kw} = {kh + kw} for "
                f"column then row.")
    what = "column then row (numpy) against `F.conv2d` with the kernel itself on a random 8×8 image"
    if res == 0:
        torch_check(ex["kernel_gap"], what)
    else:          # not a disagreement with torch: the rank-1 split is only an approximation of this kernel
        st.caption(f"{what}: max |difference| {ex['kernel_gap']:.1e}, not 0, because the split is only an "
                   "approximation.")


# --- Pooling ------------------------------------------------------------------------------------

@st.fragment
def pooling() -> None:
    with opening("Pooling: max, average, Lp norm and weighted average, forward and backward", "pooling",
                 "Pooling replaces each window by a summary: **max** keeps the largest value, **average** the mean.") as figure:
        op = choice_control("Pooling", "pl_op", zoo.POOLINGS, "max", horizontal=True,
                            help="Note 001's three window transformations (max, average, the central sample) and "
                                 "note 002's L2-norm (Lp) and weighted-average pooling.")
        cols = st.columns(3)
        k = int_control("Window k", "pl_k", 1, 5, 2, container=cols[0])
        stride = int_control("Stride s", "pl_s", 1, 5, 2, container=cols[1])
        padding = int_control("Padding p", "pl_p", 0, 2, 0, container=cols[2], disabled=op == "lp",
                              help="Lp pooling takes none (torch's F.lp_pool2d has no padding).")
        with more_settings():
            cols = st.columns(2) + st.columns(2)    # two rows: a message under a control has room to read
            size = int_control("Input size", "pl_size", 1, 12, 6, container=cols[0])
            seed = int_control("Random seed", "pl_seed", 0, 9999, 0, container=cols[1])
            p_norm = float_control("Power p of Lp pooling", "pl_norm", 1.0, 16.0, 2.0, step=0.5, container=cols[2],
                                   disabled=op != "lp")
            sigma = float_control("Weighted average: Gaussian σ (cells)", "pl_sigma", 0.1, 10.0, 1.0, step=0.1,
                                  container=cols[3], disabled=op != "wavg")
        if op == "lp" and padding:
            st.caption(f"Lp pooling has no padding (torch's `F.lp_pool2d` takes none), so padding {padding} is not used.")
    s = made(PoolingSettings.from_controls, op, k, stride, padding, size, seed, p_norm, sigma)
    if s is None:
        return
    view = cached.pooling(s)
    ex, hit, n_out, w_fig = view["ex"], view["hit"], view["n_out"], view["weights_figure"]
    with figure:
        charts({"pl_x": view["x_figure"], "pl_y": view["y_figure"], "pl_g": view["grad_figure"]}
               | ({"pl_w": w_fig} if w_fig else {}), [size, max(ex["y"].shape[0], 3), size] + ([k + 1] if w_fig else []))
    st.markdown("**Lp** pooling takes the norm (Σ x^p)^(1/p), and a **weighted average** uses fixed weights that "
                "fall off with the distance from the window's centre; **striding** keeps the central sample. "
                "Backward, max pooling sends each output's gradient to **the one input that won** (the others get 0), "
                "while average pooling **shares it equally**, 1/k² to every cell of the window. Where windows "
                "overlap, the gradients add up.")
    if op == "max":
        st.markdown(f"The magenta boxes are the winners. With dL/dy = 1 at all {n_out} outputs, only **{hit} of "
                    f"{ex['x'].size}** input cells get a gradient; a cell that wins in several overlapping windows "
                    f"gets their sum. The gradient adds up to {ex['grad'].sum():g}, one per output.")
    elif op == "stride":
        st.markdown(f"**Striding** keeps each window's central sample and drops the rest: a stride-{stride} "
                    f"convolution whose {k}×{k} kernel is a single 1 at the centre. The magenta boxes are the "
                    f"sampled cells; only they get a gradient (**{hit} of {ex['x'].size}** cells), one per output "
                    + ("that samples inside the image." if padding else "."))
    elif op == "avg":
        st.markdown(f"The magenta box is the first window and the output it makes. "
                    f"Every output hands 1/{k * k} to each cell of its window ({hit} of {ex['x'].size} cells "
                    f"are in some window). The gradient adds up to {ex['grad'].sum():.4g}"
                    + (f", less than {n_out} because the shares of the padding cells are dropped." if padding and
                       ex['grad'].sum() < n_out - 1e-9 else ", one per output."))
    else:
        st.markdown(view["formula"])
    course_note("Note 001 lists three window transformations: max, average and striding (keep the central "
                "sample). Note 002 adds \"L2 Norm\" pooling (Lp with p = 2) and a weighted average \"based on the "
                "distance from the central voxel\" (here a Gaussian of width σ).")
    reference = {"max": "`F.max_pool2d`", "avg": "`F.avg_pool2d`", "stride": "`F.conv2d` with the one-hot kernel",
                 "lp": f"`F.lp_pool2d(x, {p_norm:g}, {k}, {stride})`",
                 "wavg": f"`F.conv2d` with w as a depthwise kernel (groups = C, stride {stride}, padding {padding})"}[op]
    torch_check(max(ex["forward_gap"], ex["torch_gap"]),
                f"the pooled y and its gradient (autograd) against {reference}")
    pooling_window(s, ex)


def pooling_window(s: PoolingSettings, ex: dict) -> None:
    """The pooling window step by step in the stage (convviz.ui.stage); the step is in the link as pl_step."""
    st.markdown("**Step by step**: " + by_pointer_or_touch(
        "◀ / ▶, the arrow keys or Play move the window (drag it, or click an output cell); hover an output cell for "
        "its window, an input cell for every output that reads it.",
        "◀ / ▶ or Play move the window (drag it, or tap an output cell); tap an input cell for every output that "
        "reads it."), unsafe_allow_html=True)
    scene = pooling_scene(ex["x"], s.op, s.k, s.stride, 0 if s.op == "lp" else s.padding, s.p_norm, ex["weights"])

    @st.fragment
    def steps():                                  # a step from the browser reruns only this
        step_stage(scene, key="pl_stage", url_key="pl_step")

    steps()


# --- Locally connected --------------------------------------------------------------------------

@st.fragment
def locally_connected() -> None:
    with opening("Locally connected layer: convolution without weight sharing", "local",
                 "A locally connected (\"unshared\") layer keeps convolution's small windows but gives **every output "
                 "position its own kernel**.") as figure:
        k, size = int_controls([("Kernel size k", "lc_k", 1, 7, 3), ("Input size H = W", "lc_size", 1, 24, 6)],
                               per_row=3)
        with more_settings():
            c_in, c_out, seed = int_controls([*channels("lc", 8, 1, 1), ("Random seed", "lc_seed", 0, 9999, 0)],
                                             per_row=3)
    s = made(LocallyConnectedSettings, c_in, c_out, k, size, seed)
    if s is None:
        return
    view = cached.locally_connected(s)
    ex, lc_cost, conv, fc = view["ex"], view["cost"], view["conv"], view["fc"]
    ho, wo = lc_cost["output_size"]
    with figure:
        charts({"lc_tiles": view["lc_figure"], "conv_tiles": view["conv_figure"]})
        st.caption("Kernels from input channel 0 to output channel 0, one tile per output position "
                   "(red positive, blue negative weights).")
    st.markdown("It costs the same MACs as the convolution but has H'·W' times as many weights, and it is no longer "
                "translation equivariant. A fully connected layer drops locality too: every output reads every input.")
    st.markdown(
        f"**Counts** for a {s.size}×{s.size}×{s.c_in} input and a {ho}×{wo}×{s.c_out} output:\n\n"
        f"| layer | parameters | MACs |\n|---|---:|---:|\n"
        f"| convolution (shared k×k kernels) | {count(conv['params'])} | {count(conv['macs'])} |\n"
        f"| locally connected (H'·W' = {ho * wo} kernels, a bias per output value) | {count(lc_cost['params'])} | "
        f"{count(lc_cost['macs'])} |\n"
        f"| fully connected (every input to every output) | {count(fc['params'])} | {count(fc['macs'])} |\n")
    photo_fc, photo_conv = view["photo_fc"], view["photo_conv"]
    st.markdown(f"Why images need convolutions: a dense layer from a 3×1024×1024 photo to just "
                f"1,000 outputs has **{count(photo_fc['params'])}** parameters, {photo_fc['params'] * 4 / 1e9:.1f} GB of "
                f"float32 before training starts. A 3×3 convolution from 3 to 64 "
                f"channels on the same photo has {count(photo_conv['params'])}.")
    st.markdown(f"Weight sharing is the only difference: with the convolution's kernel copied to every position, "
                f"the locally connected layer equals `cross_correlate2d` (max |difference| {gap(ex['shared_gap'])}).")
    if ex["conv_shift_gap"] is not None:
        st.markdown(f"**Shift equivariance** (f(g(x)) = g(f(x)) for a shift g): move the input one column to "
                    f"the right. The convolution's output moves one column too: max |conv(shifted x) − shifted conv(x)| "
                    f"is {gap(ex['conv_shift_gap'])} over the columns both cover. The locally connected layer's "
                    f"does not: **{ex['lc_shift_gap']:.3g}**, because the shifted pattern meets different kernels.")
    course_note("Note 002 compares locally connected, CNN and fully connected layers and defines shift "
                "equivariance as f(g(x)) = g(f(x)). Note 004's footnote counts the dense layer on a photo and rounds "
                "to 3 billion parameters and 12 GB.")
    torch_check(ex["torch_gap"], "the layer (numpy) against an `F.unfold` + per-position matrix product reference")


# --- Pixel shuffle ------------------------------------------------------------------------------

@st.fragment
def pixel_shuffle() -> None:
    intro("Pixel shuffle (sub-pixel convolution)", "shuffle",
          "A convolution with C·r² output channels followed by a fixed rearrangement: each group of r² channels "
          "becomes an r×r block of pixels. That upsamples by r without the uneven overlaps (checkerboard "
          "artifacts) of a strided transposed convolution. It has its own section on the transposed convolution "
          "page.")
    if (ROOT / "pages" / "transposed_convolution.py").exists():
        try:
            st.page_link("pages/transposed_convolution.py", label="Transposed convolution: pixel shuffle",
                         icon=":material/arrow_forward:")
        except StreamlitAPIException:     # this file run on its own (not through app.py's navigation)
            st.markdown("See the *Transposed convolution* lesson, section *Pixel shuffle*.")
    else:
        st.markdown("See the *Transposed convolution* lesson (planned).")
