"""Lesson: the convolution zoo of note 002 (1×1, dilated, grouped, depthwise and spatially separable,
pooling, locally connected, pixel shuffle). Compute in convviz.zoo, figures in convviz.figures.convolution_zoo."""

import streamlit as st
from streamlit.errors import StreamlitAPIException

from convviz import zoo
from convviz.ui import cached_zoo
from convviz.ui.cached_zoo import (dilation_view, grouped_view, locally_connected_view, pointwise_view, pooling_view,
                                   separable_view)
from convviz.ui.downloads import code_download
from convviz.ui.layout import ROOT, course_note, lesson_header, show_problem
from convviz.ui.params import choice_control, float_control, int_control
from convviz.ui.present import chart, presenting


def count(n) -> str:
    """12,345,678 (thousands separated) for parameter and MAC counts."""
    return f"{int(n):,}"


def torch_line(gap: float, what: str) -> None:
    """The section's check against torch, in the words the other lessons use."""
    st.markdown(f":material/check_circle: **Check against PyTorch:** {what}: max |difference| = **{gap:.1e}**.")


lesson_header(
    "Convolution zoo",
    "Modern networks use a handful of variations on the plain convolution (note 002). Each one changes "
    "**which inputs a weight touches** or **how many positions share a weight**, to buy a wider view, fewer "
    "parameters or fewer multiply-accumulates (MACs). Every section: the idea, controls, a picture, the counts, "
    "and a check against PyTorch.",
)
st.markdown("[1×1](#pointwise) · [Dilated](#dilated) · [Grouped](#grouped) · [Depthwise separable](#depthwise) · "
            "[Spatially separable](#separable) · [Pooling](#pooling) · [Locally connected](#local) · "
            "[Pixel shuffle](#shuffle)")

# --- 1×1 convolution ------------------------------------------------------------------------
st.header("1×1 convolution: mixing channels at each pixel", anchor="pointwise")
st.markdown("A 1×1 kernel sees a single pixel, so it cannot detect shapes. What it does is **mix the C input "
            "channels into C_out new ones**, with the same small C_out×C matrix at every pixel: "
            "y[:, i, j] = w · x[:, i, j] + b. Networks use it to shrink or grow the channel count cheaply.")
cols = st.columns(3)
pw_cin = int_control("Input channels C", "pw_cin", 1, 4, 3, container=cols[0])
pw_cout = int_control("Output channels C_out", "pw_cout", 1, 4, 2, container=cols[1])
pw_seed = int_control("Random seed", "pw_seed", 0, 9999, 0, container=cols[2])
ex, inputs, weights, outputs = pointwise_view(pw_cin, pw_cout, pw_seed)
cols = st.columns(max(pw_cin, pw_cout) + 1)
for c, fig in enumerate(inputs):
    chart(fig, key=f"pw_in{c}", container=cols[c])
chart(weights, key="pw_w", container=cols[-1])
cols = st.columns(max(pw_cin, pw_cout) + 1)
for o, fig in enumerate(outputs):
    chart(fig, key=f"pw_out{o}", container=cols[o])
terms = lambda o: " + ".join(f"({ex['w'][o, c]:g})·({ex['x'][c, 0, 0]:g})" for c in range(pw_cin))  # noqa: E731
st.markdown("Pixel (0, 0) (magenta boxes), one output channel per row of w:\n\n" + "\n".join(
    f"- y[{o}, 0, 0] = {terms(o)} = **{ex['y'][o, 0, 0]:g}**" for o in range(pw_cout)))
cost = zoo.conv_cost(pw_cin, pw_cout, 1, 4)
st.markdown(f"**Counts** on this 4×4 input: {count(cost['params'])} parameters (C_out·C = {pw_cout}·{pw_cin} weights "
            f"+ {pw_cout} biases), {count(cost['macs'])} MACs (H·W·C_out·C). For scale: a 1×1 conv from 256 to 64 "
            f"channels has {count(zoo.conv_cost(256, 64, 1, 1)['params'])} parameters, a 3×3 conv with the same "
            f"channels {count(zoo.conv_cost(256, 64, 3, 3)['params'])}.")
torch_line(ex["torch_gap"], "F.conv2d with the weights as a (C_out, C, 1, 1) kernel")

# --- Dilated convolution --------------------------------------------------------------------
st.header("Dilated (atrous) convolution: a wider view for the same weights", anchor="dilated")
st.markdown("Dilation d spreads the k×k taps **d cells apart**: the kernel covers d(k−1)+1 cells per side with the "
            "same k² weights and the same cost, skipping the cells in between. Stacking layers with growing "
            "dilations (1, 2, 4, …, as WaveNet does) makes the receptive field grow **exponentially** with depth "
            "instead of linearly.")
cols = st.columns(4)
dl_k = int_control("Kernel size k", "dl_k", 1, 7, 3, container=cols[0])
dl_d = int_control("Dilation d", "dl_d", 1, 8, 2, container=cols[1])
dl_layers = int_control("Layers stacked", "dl_layers", 1, 10, 4, container=cols[2])
dl_schedule = choice_control("Dilation per layer", "dl_schedule",
                             {"same": "d in every layer", "double": "1, 2, 4, … (doubling)"}, "same", container=cols[3])
dilations, curves, measured, taps_fig, rf_fig = dilation_view(dl_k, dl_d, dl_layers, dl_schedule)
cols = st.columns([2, 3])
chart(taps_fig, key="dl_taps", container=cols[0])
chart(rf_fig, key="dl_rf", container=cols[1])
span = dl_d * (dl_k - 1) + 1
rf, rf_plain = list(curves.values())[0][-1], list(curves.values())[1][-1]
st.markdown(f"**Counts:** one layer has {dl_k}² = {dl_k * dl_k} weights per channel pair whatever d is, and spans "
            f"d(k−1)+1 = {dl_d}·{dl_k - 1}+1 = **{span}** cells. With stride 1 each layer adds d(k−1) to the receptive "
            f"field (r_out = r_in + d(k−1)·j, note 002, with jump j = 1): dilations {', '.join(map(str, dilations))} "
            f"give **r = {rf}** after {dl_layers} layer{'s' if dl_layers > 1 else ''}, against {rf_plain} without dilation."
            + (" (The doubling schedule sets the dilations itself; d only changes the footprint on the left.)"
               if dl_schedule == "double" else ""))
st.markdown(f":material/check_circle: **Check against PyTorch:** autograd through the same stack of `F.conv1d` layers "
            f"(all-ones kernels) finds **{measured}** input cells that move the middle output's gradient"
            + (" — equal to the formula." if measured == rf else f", the formula says {rf}."))

# --- Grouped convolution --------------------------------------------------------------------
st.header("Grouped convolution: channels in separate groups", anchor="grouped")
st.markdown("With `groups=g` the C input channels are cut into g groups of C/g, and each output channel is computed "
            "from **its own group only**. The weights and the MACs drop by the factor g (the C_out biases stay). "
            "AlexNet used g = 2 to split "
            "the work over two GPUs, ResNeXt uses many groups, and g = C is the depthwise convolution below. "
            "Both C and C_out must be divisible by g.")
cols = st.columns(4)
gr_cin = int_control("Input channels C", "gr_cin", 1, 64, 8, container=cols[0])
gr_cout = int_control("Output channels C_out", "gr_cout", 1, 64, 8, container=cols[1])
gr_groups = int_control("Groups g", "gr_groups", 1, 64, 2, container=cols[2])
gr_k = int_control("Kernel size k", "gr_k", 1, 7, 3, container=cols[3])
try:
    cost = zoo.conv_cost(gr_cin, gr_cout, gr_k, 32, padding=gr_k // 2, groups=gr_groups)
except ValueError as error:
    show_problem(error)
    st.markdown("Pick a number of groups that divides both channel counts, e.g. "
                + ", ".join(str(g) for g in range(1, min(gr_cin, gr_cout) + 1) if gr_cin % g == 0 and gr_cout % g == 0)
                + ".")
else:
    conn_fig, gex = grouped_view(gr_cin, gr_cout, gr_groups, gr_k)
    full = zoo.conv_cost(gr_cin, gr_cout, gr_k, 32, padding=gr_k // 2)
    cols = st.columns([3, 2])
    chart(conn_fig, key="gr_conn", container=cols[0])
    cols[1].markdown(
        f"**Counts** (on a 32×32 input, padding {gr_k // 2}):\n\n"
        f"| | groups = {gr_groups} | groups = 1 |\n|---|---:|---:|\n"
        f"| weights per output channel (C/g·k²) | {gr_cin // gr_groups * gr_k ** 2} | {gr_cin * gr_k ** 2} |\n"
        f"| parameters | {count(cost['params'])} | {count(full['params'])} |\n"
        f"| MACs | {count(cost['macs'])} | {count(full['macs'])} |\n\n"
        f"Each coloured block is one group: {gr_cout // gr_groups} output channel(s) reading "
        f"{gr_cin // gr_groups} input channel(s). Grey cells are connections the grouped layer does not have.")
    params_torch = zoo.conv_params_torch(gr_cin, gr_cout, gr_k, groups=gr_groups)
    st.markdown(f":material/check_circle: **Check against PyTorch:** `nn.Conv2d({gr_cin}, {gr_cout}, {gr_k}, "
                f"groups={gr_groups})` has {count(params_torch)} parameters"
                + (" — the same." if params_torch == cost["params"] else f", not {count(cost['params'])}!")
                + f" One conv per group (numpy) against `F.conv2d(groups={gr_groups})` on a random 6×6 input: "
                f"max |difference| = **{gex['torch_gap']:.1e}**.")

# --- Depthwise separable --------------------------------------------------------------------
st.header("Depthwise separable convolution (MobileNet)", anchor="depthwise")
st.markdown("A k×k convolution does two jobs at once: filtering in space and mixing channels. A depthwise "
            "separable block does them one after the other: a **depthwise** k×k conv filters each channel on its "
            "own (groups = C), then a **pointwise** 1×1 conv mixes the channels. The cost falls to "
            "1/C_out + 1/k² of the standard conv, i.e. **1/(1/C_out + 1/k²) times fewer MACs**, always below k² "
            f"(Xception, MobileNet; note 002). For 3×3 kernels: {zoo.separable_savings(32, 3):.2f}× with 32 output "
            f"channels, {zoo.separable_savings(64, 3):.2f}× with 64, {zoo.separable_savings(512, 3):.2f}× with 512; "
            f"MobileNet's \"8 to 9 times\" holds from C_out = {zoo.separable_out_channels_for(8, 3)} up.")
cols = st.columns(3) + st.columns(3)    # two rows: a message under a control has room to read
ds_cin = int_control("Input channels C", "ds_cin", 1, 1024, 32, container=cols[0])
ds_cout = int_control("Output channels C_out", "ds_cout", 1, 1024, 64, container=cols[1])
ds_k = int_control("Kernel size k", "ds_k", 1, 11, 3, container=cols[2])
ds_size = int_control("Input size H = W", "ds_size", 1, 1024, 112, container=cols[3])
ds_stride = int_control("Stride", "ds_stride", 1, 4, 1, container=cols[4])
ds_padding = int_control("Padding", "ds_padding", 0, 5, 1, container=cols[5])
try:
    dsc = zoo.depthwise_separable_cost(ds_cin, ds_cout, ds_k, ds_size, ds_stride, ds_padding)
except ValueError as error:
    show_problem(error)
else:
    std, dw, pw = dsc["standard"], dsc["depthwise"], dsc["pointwise"]
    (ho, wo) = dsc["output_size"]
    cols = st.columns([3, 2])
    cols[0].markdown(
        f"Output {ho}×{wo}×{ds_cout}.\n\n"
        f"| layer | parameters | MACs |\n|---|---:|---:|\n"
        f"| standard {ds_k}×{ds_k} conv, {ds_cin} → {ds_cout} | {count(std['params'])} | {count(std['macs'])} |\n"
        f"| depthwise {ds_k}×{ds_k}, groups = {ds_cin} | {count(dw['params'])} | {count(dw['macs'])} |\n"
        f"| pointwise 1×1, {ds_cin} → {ds_cout} | {count(pw['params'])} | {count(pw['macs'])} |\n"
        f"| **depthwise separable total** | **{count(dsc['params'])}** | **{count(dsc['macs'])}** |\n")
    cols[0].markdown(
        f"MACs ratio separable / standard = **{dsc['ratio']:.4f}** = 1/C_out + 1/k² = 1/{ds_cout} + 1/{ds_k * ds_k} "
        f"= {1 / ds_cout + 1 / ds_k ** 2:.4f}, i.e. 1/(1/C_out + 1/k²) = "
        f"**{zoo.separable_savings(ds_cout, ds_k):.2f}× fewer** MACs. "
        f"Parameters ratio {dsc['params_ratio']:.4f} (the biases make it differ slightly).")
    note = zoo.note_002_cost_expressions(ds_cin, ds_cout, ds_k, (ho, wo))
    course_note(
        f"Note 002's slide writes the costs as (N·M·C)·[(K·K·C)·O] and C·(N·M)·[C·(K·K·1) + (1·1·C)·O], here "
        f"{count(note['standard'])} and {count(note['separable'])}: each has one factor C = {ds_cin} too many. The MAC "
        f"counts are N·M·K²·C·O and N·M·(C·K² + C·O), as in the table (checked with PyTorch below); the ratio, "
        f"{note['ratio']:.4f}, is the same.", container=cols[0])
    chart(cached_zoo.cost_bars(std["macs"], dw["macs"], pw["macs"], ds_k), key="ds_bars", container=cols[1])
    check_size = min(ds_size, 12)      # fits: a size above 12 leaves room for any k <= 11
    check_cin, check_cout = min(ds_cin, 64), min(ds_cout, 64)   # torch's float64 depthwise is slow for 1,000 groups
    dex = cached_zoo.depthwise_separable_check(check_cin, check_cout, ds_k, ds_stride, ds_padding, check_size)
    torch_params = zoo.depthwise_separable_params_torch(ds_cin, ds_cout, ds_k)
    st.markdown(f":material/check_circle: **Check against PyTorch:** `nn.Conv2d({ds_cin}, {ds_cin}, {ds_k}, "
                f"groups={ds_cin})` then `nn.Conv2d({ds_cin}, {ds_cout}, 1)` have {count(torch_params)} parameters"
                + (" — the same." if torch_params == dsc["params"] else f", not {count(dsc['params'])}!")
                + f" The numpy block against `F.conv2d(groups=C)` then a 1×1 `F.conv2d` on a random "
                f"{check_size}×{check_size}×{check_cin} input with {check_cout} output channels: "
                f"max |difference| = **{dex['torch_gap']:.1e}**.")
    cost_code = zoo.cost_snippet(ds_cin, ds_cout, ds_k, ds_size, ds_stride, ds_padding)
    code_download(cost_code, "depthwise_separable_cost")
    if not presenting():
        with st.expander("The same counts in PyTorch (forward hooks on the meta device)"):
            st.code(cost_code, language="python")
            st.markdown("Running it prints:")
            st.code(f"{std['params']} {std['macs']} {dsc['params']} {dsc['macs']}", language="text")

# --- Spatially separable --------------------------------------------------------------------
st.header("Spatially separable convolution: a kernel as column × row", anchor="separable")
st.markdown("Some kernels are an outer product, w = column · rowᵀ (rank 1). Filtering with the column and then the "
            "row gives the same result with kh + kw instead of kh·kw multiplications per pixel. The SVD finds the "
            "best such split; what is left over, the **residual**, is zero exactly when the kernel is separable. "
            "Sobel = [1, 2, 1]ᵀ · [1, 0, −1].")
cols = st.columns(2)
ss_kernel = choice_control("Kernel", "ss_kernel", {k: v[0] for k, v in zoo.SEPARABLE_KERNELS.items()}, "sobel",
                           container=cols[0])
ss_seed = int_control("Random seed (random kernel)", "ss_seed", 0, 9999, 0, container=cols[1],
                      disabled=ss_kernel != "random")
sex, w_fig, col_fig, row_fig, res_fig = separable_view(ss_kernel, ss_seed)
cols = st.columns([3, 1.3, 3, 3])
chart(w_fig, key="ss_w", container=cols[0])
chart(col_fig, key="ss_col", container=cols[1])
chart(row_fig, key="ss_row", container=cols[2])
chart(res_fig, key="ss_res", container=cols[3])
kh, kw = sex["w"].shape
res = float(abs(sex["residual"]).max())
sv = ", ".join("0" if s < 1e-12 * sex["singular_values"][0] else f"{s:.3g}" for s in sex["singular_values"])
fmt = lambda v: "[" + ", ".join(f"{a:.3g}" for a in v) + "]"  # noqa: E731
st.markdown(f"**Split:** column {fmt(sex['column'])}ᵀ · row {fmt(sex['row'])}. Singular values {sv}: "
            + ("only the first is non-zero, so the kernel is **separable** and the residual is exactly 0."
               if res == 0 else f"more than one is non-zero, so the kernel is **not separable**: the best "
                                f"rank-1 split leaves a residual of up to {res:.3g} in a cell."))
st.markdown(f"**Counts:** {kh}·{kw} = {kh * kw} MACs per output pixel for the kernel, {kh} + {kw} = {kh + kw} for "
            f"column then row.")
torch_line(sex["kernel_gap"], "column then row (numpy) against `F.conv2d` with the kernel itself on a random 8×8 image"
           + ("" if res == 0 else " — not 0, because the split is only an approximation"))

# --- Pooling --------------------------------------------------------------------------------
st.header("Pooling: max, average, Lp norm and weighted average, forward and backward", anchor="pooling")
st.markdown("Pooling replaces each window by a summary (note 002): **max** pooling keeps the largest value, "
            "**average** pooling the mean, **Lp** pooling the norm (Σ x^p)^(1/p) (p = 2: note 002's \"L2 Norm\"), "
            "and a **weighted average** uses fixed weights that fall off with the distance from the window's "
            "centre. Backward, max pooling sends each output's gradient to **the one input that won** (the others "
            "get 0), while average pooling **shares it equally**, 1/k² to every cell of the window. Where windows "
            "overlap, the gradients add up. Note 001 lists one more window transformation, **striding**: keep the "
            "central sample.")
pl_op = choice_control("Pooling", "pl_op", zoo.POOLINGS, "max", horizontal=True,
                       help="Note 001's three window transformations (max, average, the central sample) and "
                            "note 002's L2-norm (Lp) and weighted-average pooling.")
cols = st.columns(4) + st.columns(3)    # two rows: a message under a control has room to read
pl_k = int_control("Window k", "pl_k", 1, 5, 2, container=cols[0])
pl_s = int_control("Stride s", "pl_s", 1, 5, 2, container=cols[1])
pl_p = int_control("Padding p", "pl_p", 0, 2, 0, container=cols[2], disabled=pl_op == "lp",
                   help="Lp pooling takes none (torch's F.lp_pool2d has no padding).")
pl_size = int_control("Input size", "pl_size", 1, 12, 6, container=cols[3])
pl_seed = int_control("Random seed", "pl_seed", 0, 9999, 0, container=cols[4])
pl_norm = float_control("Power p of Lp pooling", "pl_norm", 1.0, 16.0, 2.0, step=0.5, container=cols[5],
                        disabled=pl_op != "lp")
pl_sigma = float_control("Weighted average: Gaussian σ (cells)", "pl_sigma", 0.1, 10.0, 1.0, step=0.1,
                         container=cols[6], disabled=pl_op != "wavg")
if pl_op == "lp" and pl_p:
    st.caption(f"Lp pooling has no padding (torch's `F.lp_pool2d` takes none), so padding {pl_p} is not used.")
try:
    pex, x_fig, y_fig, g_fig, w_fig = pooling_view(pl_op, pl_k, pl_s, 0 if pl_op == "lp" else pl_p, pl_size, pl_seed,
                                                   pl_norm, pl_sigma)
except ValueError as error:
    show_problem(error)
else:
    cols = st.columns([pl_size, max(pex["y"].shape[0], 3), pl_size] + ([pl_k + 1] if w_fig else []))
    chart(x_fig, key="pl_x", container=cols[0])
    chart(y_fig, key="pl_y", container=cols[1])
    chart(g_fig, key="pl_g", container=cols[2])
    if w_fig:
        chart(w_fig, key="pl_w", container=cols[3])
    hit, n_out = int((pex["grad"] != 0).sum()), pex["y"].size
    if pl_op == "max":
        st.markdown(f"The magenta boxes are the winners. With dL/dy = 1 at all {n_out} outputs, only **{hit} of "
                    f"{pex['x'].size}** input cells get a gradient; a cell that wins in several overlapping windows "
                    f"gets their sum. The gradient adds up to {pex['grad'].sum():g}, one per output.")
    elif pl_op == "stride":
        st.markdown(f"**Striding** (note 001) keeps each window's central sample and drops the rest: a stride-{pl_s} "
                    f"convolution whose {pl_k}×{pl_k} kernel is a single 1 at the centre. The magenta boxes are the "
                    f"sampled cells; only they get a gradient (**{hit} of {pex['x'].size}** cells), one per output "
                    + ("that samples inside the image." if pl_p else "."))
    elif pl_op == "avg":
        st.markdown(f"The magenta box is the first window and the output it makes. "
                    f"Every output hands 1/{pl_k * pl_k} to each cell of its window ({hit} of {pex['x'].size} cells "
                    f"are in some window). The gradient adds up to {pex['grad'].sum():.4g}"
                    + (f", less than {n_out} because the shares of the padding cells are dropped." if pl_p and
                       pex['grad'].sum() < n_out - 1e-9 else ", one per output."))
    else:
        st.markdown(cached_zoo.pooling_formula(pex, pl_op, pl_k, pl_p, pl_norm, pl_sigma))
    reference = {"max": "`F.max_pool2d`", "avg": "`F.avg_pool2d`", "stride": "`F.conv2d` with the one-hot kernel",
                 "lp": f"`F.lp_pool2d(x, {pl_norm:g}, {pl_k}, {pl_s})`",
                 "wavg": f"`F.conv2d` with w as a depthwise kernel (groups = C, stride {pl_s}, padding {pl_p})"}[pl_op]
    torch_line(pex["forward_gap"], f"the pooled y against {reference}")
    torch_line(pex["torch_gap"], f"the gradient against autograd through {reference}")

# --- Locally connected ----------------------------------------------------------------------
st.header("Locally connected layer: convolution without weight sharing", anchor="local")
st.markdown("A locally connected (\"unshared\") layer keeps convolution's small windows but gives **every output "
            "position its own kernel**. It costs the same MACs as the convolution but has H'·W' times as many "
            "weights, and it is no longer translation equivariant. A fully connected layer drops locality too: "
            "every output reads every input (note 002, \"Locally connected, CNN and fully connected\").")
cols = st.columns(3) + st.columns(3)
lc_cin = int_control("Input channels C", "lc_cin", 1, 8, 1, container=cols[0])
lc_cout = int_control("Output channels C_out", "lc_cout", 1, 8, 1, container=cols[1])
lc_k = int_control("Kernel size k", "lc_k", 1, 7, 3, container=cols[2])
lc_size = int_control("Input size H = W", "lc_size", 1, 24, 6, container=cols[3])
lc_seed = int_control("Random seed", "lc_seed", 0, 9999, 0, container=cols[4])
try:
    lc_cost = zoo.locally_connected_cost(lc_cin, lc_cout, lc_k, lc_size)
except ValueError as error:
    show_problem(error)
else:
    lex, lc_fig, conv_fig = locally_connected_view(lc_cin, lc_cout, lc_k, lc_size, lc_seed)
    ho, wo = lc_cost["output_size"]
    conv = zoo.conv_cost(lc_cin, lc_cout, lc_k, lc_size)
    fc = zoo.fully_connected_cost(lc_cin, lc_cout, lc_size, (ho, wo))
    cols = st.columns(2)
    chart(lc_fig, key="lc_tiles", container=cols[0])
    chart(conv_fig, key="conv_tiles", container=cols[1])
    st.markdown("Kernels from input channel 0 to output channel 0, one tile per output position "
                "(red positive, blue negative weights).")
    st.markdown(
        f"**Counts** for a {lc_size}×{lc_size}×{lc_cin} input and a {ho}×{wo}×{lc_cout} output:\n\n"
        f"| layer | parameters | MACs |\n|---|---:|---:|\n"
        f"| convolution (shared k×k kernels) | {count(conv['params'])} | {count(conv['macs'])} |\n"
        f"| locally connected (H'·W' = {ho * wo} kernels, a bias per output value) | {count(lc_cost['params'])} | "
        f"{count(lc_cost['macs'])} |\n"
        f"| fully connected (every input to every output) | {count(fc['params'])} | {count(fc['macs'])} |\n")
    torch_line(lex["torch_gap"], "the layer (numpy) against an `F.unfold` + per-position matrix product reference")
    photo_fc = zoo.fully_connected_cost(3, 1000, 1024, 1)
    photo_conv = zoo.conv_cost(3, 64, 3, 1024, padding=1)
    st.markdown(f"Why images need convolutions (note 004's footnote): a dense layer from a 3×1024×1024 photo to just "
                f"1,000 outputs has **{count(photo_fc['params'])}** parameters, {photo_fc['params'] * 4 / 1e9:.1f} GB of "
                f"float32 before training starts (the note rounds to 3 billion and 12 GB). A 3×3 convolution from 3 to 64 "
                f"channels on the same photo has {count(photo_conv['params'])}.")
    st.markdown(f"Weight sharing is the only difference: with the convolution's kernel copied to every position, "
                f"the locally connected layer equals `cross_correlate2d` to **{lex['shared_gap']:.1e}**.")
    if lex["conv_shift_gap"] is not None:
        st.markdown(f"**Shift equivariance** (note 002: f(g(x)) = g(f(x)) for a shift g): move the input one column to "
                    f"the right. The convolution's output moves one column too: max |conv(shifted x) − shifted conv(x)| "
                    f"= **{lex['conv_shift_gap']:.1e}** over the columns both cover. The locally connected layer's "
                    f"does not: **{lex['lc_shift_gap']:.3g}**, because the shifted pattern meets different kernels.")

# --- Pixel shuffle --------------------------------------------------------------------------
st.header("Pixel shuffle (sub-pixel convolution)", anchor="shuffle")
st.markdown("A convolution with C·r² output channels followed by a fixed rearrangement: each group of r² channels "
            "becomes an r×r block of pixels. That upsamples by r without the uneven overlaps (checkerboard "
            "artifacts) of a strided transposed convolution. It has its own section on the transposed convolution page.")
if (ROOT / "pages" / "transposed_convolution.py").exists():
    try:
        st.page_link("pages/transposed_convolution.py", label="Transposed convolution: pixel shuffle",
                     icon=":material/arrow_forward:")
    except StreamlitAPIException:     # this file run on its own (not through app.py's navigation)
        st.markdown("See the *Transposed convolution* lesson, section *Pixel shuffle*.")
else:
    st.markdown("See the *Transposed convolution* lesson (planned).")
