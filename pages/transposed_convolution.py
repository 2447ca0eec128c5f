"""Lesson: transposed convolution, upsampling and checkerboard artifacts (notes 000, 002, 003)."""

import numpy as np
import streamlit as st

from convviz.arithmetic import output_padding_to_invert
from convviz.lessons.explain import adjoint_sum_sentence, output_padding_sentence
from convviz.lessons.examples import INPUT_PATTERNS, KERNEL_CHOICES
from convviz.torch_ref.checks import max_abs_difference
from convviz.matrix import conv_matrix_1d
from convviz.transposed import (adjoint_check, conv_inputs_for_output, conv_transpose2d,
                                conv_transpose2d_torch, direct_equivalent, overlap_counts_2d,
                                note_003_latex, strided_conv_input_gradient, transposed_output_shape,
                                transposed_size_latex)
from convviz.lessons.step_scenes import scatter_scene, scatter_scenes
from convviz.lessons.transposed_snippets import conv_transpose2d_snippet, upsample_snippet
from convviz.ui.cached_convolution import small_grid
from convviz.ui.cached_transposed import (cached_adjoint_figures, cached_channel_example, cached_direct_figure,
                                          cached_exact_grid, cached_overlap_figures, cached_pixel_shuffle_figure,
                                          cached_remedies, cached_scatter_figure, cached_unpooling, transposed_arrays)
from convviz.ui.downloads import code_download, export_buttons
from convviz.ui.layout import course_note, lesson_header, show_problem
from convviz.ui.params import choice_control, int_control, slider_control, toggle_control
from convviz.ui.present import chart, presenting, settings_box
from convviz.ui.stepping import play_interval, step_control
from convviz.upsample import (interior_spread, pixel_shuffle, pixel_shuffle_example, pixel_shuffle_torch, pixel_unshuffle,
                              remedy_border, upsample, upsample_torch)

lesson_header(
    "Transposed convolution",
    "A transposed convolution runs the sliding window backwards: **each input cell multiplies the whole kernel "
    "and adds (accumulates) the product into the output** (note 000). With a stride the stamps land s cells "
    "apart, so the output grows. It is the transpose of a convolution, not its inverse (\"deconvolution\" is a misnomer).",
)

# --- Controls -------------------------------------------------------------------------------
with settings_box():
    top = st.columns(4)
    preset = choice_control("Preset", "tc_preset", {"none": "Your own settings",
                                                   "note000": "Note 000: 2×2 input, 2×2 kernel, stride 2"},
                            "none", container=top[0])
    fixed = preset == "note000"
    pattern = choice_control("Input values", "tc_input", INPUT_PATTERNS, "random", container=top[1], disabled=fixed)
    kernel_name = choice_control("Kernel", "tc_kernel", KERNEL_CHOICES, "random", container=top[2], disabled=fixed)
    seed = int_control("Random seed", "tc_seed", 0, 9999, 0, container=top[3], disabled=fixed)
    row = st.columns(4)
    h = int_control("Input height H", "tc_h", 1, 8, 3, container=row[0], disabled=fixed)
    w = int_control("Input width W", "tc_w", 1, 8, 3, container=row[1], disabled=fixed)
    k = int_control("Kernel size k", "tc_k", 1, 7, 3, container=row[2], disabled=fixed)
    s = int_control("Stride s", "tc_s", 1, 4, 2, container=row[3], disabled=fixed)
    row = st.columns(4)
    p = int_control("Padding p", "tc_p", 0, 6, 0, container=row[0], disabled=fixed)
    a = int_control("output_padding", "tc_op", 0, 3, 0, container=row[1], disabled=fixed,
                    help="Extra rows/columns at the bottom/right; must be smaller than the stride or the dilation.")
    d = int_control("Dilation d", "tc_d", 1, 3, 1, container=row[2], disabled=fixed)

if fixed:
    st.info("Note 000's example: input [[0, 1], [2, 3]], kernel [[0, 1], [2, 3]], stride 2, no padding. "
            "Choose *Your own settings* to change the sizes.")
    h, w, k, s, p, a, d = 2, 2, 2, 2, 0, 0, 1
view = (preset, pattern, kernel_name, seed, h, w, k)

# --- Output size ----------------------------------------------------------------------------
st.header("Output size")
st.markdown("Each input cell's stamp starts s cells after the previous one and spans d(k−1)+1 cells; "
            "the padding p **crops** p cells from each side (the opposite of a convolution's padding), and "
            "`output_padding` adds cells at the bottom/right.")
problems = {}
for axis, n in [("H", h), ("W", w)]:
    try:
        st.latex(transposed_size_latex(axis, n, k, s, p, a, d))
    except ValueError as error:
        problems[axis] = str(error)
sizes_ok = not problems
if len(set(problems.values())) == 1 and len(problems) == 2:      # the same reason on both axes: say it once
    show_problem(ValueError(problems["H"]))
else:
    for axis, message in problems.items():
        show_problem(ValueError(f"{'Height' if axis == 'H' else 'Width'}: {message}"))
if sizes_ok and d == 1 and a == 0:
    st.markdown("Without dilation and output_padding this is note 003's formula:")
    st.latex(note_003_latex("H", h, k, s, p))
try:
    x, kernel = transposed_arrays(*view)
except ValueError as error:          # a named 3×3 filter with another kernel size
    show_problem(error)
    sizes_ok = False

st.subheader("Why output_padding exists")
st.markdown(f"A convolution with k={k}, s={s}, p={p}, d={d} floors its division, so several input sizes give the "
            f"same output. Its transpose cannot know which one you meant; `output_padding` (Dumoulin & Visin's *a*) picks it.")
try:
    sources = conv_inputs_for_output(h, k, s, p, d)
except ValueError as error:
    sources = []
    show_problem(error)
if sources:
    st.dataframe([{"conv input size": n, "conv output (= this H)": h,
                   "output_padding a = (n + 2p − d(k−1) − 1) mod s": output_padding_to_invert(n, k, s, p, d),
                   "your setting": "◀ shown" if output_padding_to_invert(n, k, s, p, d) == a else ""}
                  for n in sources], hide_index=True)
else:
    st.markdown(f"No input size gives a convolution output of {h} with these settings.")

if sizes_ok:
    # --- Scatter view -------------------------------------------------------------------------
    st.header("The scatter view, step by step")
    st.markdown("Step with ◀ / ▶ or Play (the step goes into the link), or drag the slider under the figure to scrub "
                "instantly: the magenta input cell multiplies the kernel, the "
                "product is **added** where the magenta box is, and the running sum grows. Grey bands are the "
                "rows/columns the padding crops; the dotted box is the output that is kept.")
    y = conv_transpose2d(x, kernel, stride=s, padding=p, output_padding=a, dilation=d)
    code = conv_transpose2d_snippet(x, kernel, s, p, a, d)

    @st.fragment(run_every=play_interval("tc_step"))
    def scatter_steps():
        """Step control, scatter figure and its sentence: ◀ / ▶ and autoplay rerun only this part."""
        step = step_control("Input cell shown first (reading order)", "tc_step", h * w, player=True)
        chart(cached_scatter_figure(view, s, p, a, d, step), key="scatter_figure")
        i, j = divmod(step, w)
        st.markdown(f"**Input cell ({i}, {j})** = {x[i, j]:g}: it adds {x[i, j]:g} × kernel to output rows "
                    f"{i * s - p}…{i * s + d * (k - 1) - p}, columns {j * s - p}…{j * s + d * (k - 1) - p} "
                    f"(counted in the kept output). After all {h * w} cells the kept box is the output, "
                    f"{y.shape[0]}×{y.shape[1]}.")
        export_buttons("transposed_scatter", lambda: scatter_scene(x, kernel, s, p, a, d, step),
                       lambda: scatter_scenes(x, kernel, s, p, a, d), code, steps=h * w)

    scatter_steps()

    # --- Equivalent direct convolution ----------------------------------------------------------
    st.header("The same numbers from a plain convolution")
    eq = direct_equivalent(x, kernel, None, s, p, a, d)
    border = d * (k - 1) - p
    st.markdown(
        f"Dumoulin & Visin: insert **s−1 = {s - 1}** zeros between neighbouring inputs, pad the border by "
        f"**d(k−1)−p = {border}**" + (" (negative: crop that many cells instead)" if border < 0 else "")
        + f", add **a = {a}** more rows/columns at the bottom/right, and slide the kernel **flipped by 180°** with "
        "stride 1. Their extra-row parameter, with dilation, is a = (i + 2p − d(k−1) − 1) mod s for a convolution "
        "with input size i (their (i + 2p − k) mod s is the case d = 1): exactly the `output_padding` that maps that "
        "convolution's output back to i. " + output_padding_sentence(eq.output.shape[0], k, s, p, d, a))
    chart(cached_direct_figure(view, s, p, a, d), key="direct_figure")
    st.markdown(f"Grey cells are inserted or border zeros. Scatter view vs direct convolution: max |difference| = "
                f"**{max_abs_difference(y, eq.output):.1e}**.")

    # --- Check against torch -----------------------------------------------------------------------
    st.header("Check it with PyTorch")
    ref = conv_transpose2d_torch(x, kernel, None, s, p, a, d)
    st.markdown(f"`F.conv_transpose2d` in float64 gives the output above with max |difference| = "
                f"**{max_abs_difference(y, ref):.1e}**. " + ("The code is the *PyTorch code, .py* download above."
                                                             if presenting() else
                                                             "This code reproduces the view; running it prints the output:"))
    if not presenting():                      # on a projector: the .py download above instead
        st.code(code, language="python")
        st.code(repr(y.tolist()), language="text")

    # --- Adjoint -------------------------------------------------------------------------------
    st.header("Why \"transposed\": the adjoint")
    a_adj = a if a < s else 0        # output_padding ≥ s (allowed by a larger dilation) is no conv's transpose
    big = transposed_output_shape((h, w), (k, k), s, p, a_adj, d)
    rng = np.random.default_rng(seed)
    xa, ya = rng.standard_normal(big), rng.standard_normal(x.shape)
    left, right = adjoint_check(xa, ya, kernel, s, p, d)
    if a_adj != a:
        st.markdown(f"With output_padding {a} ≥ stride {s} no convolution with these settings maps back to "
                    f"{y.shape[0]}×{y.shape[1]}, so this check uses output_padding 0.")
    st.markdown(
        f"A convolution with the same k, s, p, d maps a {big[0]}×{big[1]} image to {h}×{w}: it is a matrix A. "
        "The transposed convolution is Aᵀ, which is what the identity ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ says. "
        f"For a random x ({big[0]}×{big[1]}) and y ({h}×{w}), seed {seed}:")
    cols = st.columns(3)
    cols[0].metric("⟨conv(x), y⟩", f"{left:.10f}")
    cols[1].metric("⟨x, conv_transpose(y)⟩", f"{right:.10f}")
    cols[2].metric("difference", f"{abs(left - right):.1e}")
else:
    st.warning("Fix the settings above to see the scatter view, the direct convolution and the torch check; "
               "the sections below still work.", icon=":material/arrow_upward:")

st.subheader("Note 000's 1-D derivation, next to its matrix")
n1, f1, s1 = 6, 3, 1          # the note's case: stride 1, no padding
w1 = np.array([1.0, 2.0, 3.0])
A = conv_matrix_1d(n1, w1, stride=s1)
y1 = np.arange(1.0, A.shape[0] + 1)
st.markdown(f"A 1-D cross-correlation of length n = {n1} with f = {f1} weights w = (w1, w2, w3), stride 1: row j of A "
            "holds the weights that output j reads, $(Ax)_j = \\sum_i w_i x_{j+i-1}$. Aᵀ has the same weights down its "
            "columns: input k is *sent* to every output j with weight $w_{k-j+1}$, which is the last line of the derivation:")
st.latex(r"y^\top A x = \sum_{j=1}^{n-f+1} y_j \sum_{i=1}^{f} w_i x_{j+i-1}"
         r" = \sum_{k=1}^{n} x_k \sum_{j=\max(1,\,k-f+1)}^{\min(n-f+1,\,k)} w_{k-j+1}\, y_j = (A^\top y)^\top x")
course_note("Note 000 writes the adjoint step as $y^\\top A x = \\sum_{i=1}^n (\\text{something})_j\\, x_j$: the sum "
            "must run over the same index as $x_j$, $\\sum_{j=1}^n (A^\\top y)_j\\, x_j$. " + adjoint_sum_sentence(A, y1) +
            " Its last line also starts the inner sum at j = 1, which holds only if w_i is read as 0 for i > f; the "
            "line before it keeps the bound k − f + 1 ≤ j, and so does the formula above.")
cols = st.columns(2)
a_fig, at_fig = cached_adjoint_figures(n1, tuple(w1), s1)
chart(a_fig, key="adj_A", container=cols[0])
chart(at_fig, key="adj_AT", container=cols[1])
a1 = output_padding_to_invert(n1, f1, s1)
scatter_1d = conv_transpose2d(y1[None], w1[None], stride=(1, s1), output_padding=(0, a1))[0]
st.markdown(f"With w = (1, 2, 3) and y = {y1.astype(int).tolist()}: Aᵀy = {(A.T @ y1).astype(int).tolist()}, "
            f"and the scatter (conv_transpose) gives {scatter_1d.astype(int).tolist()}.")

st.subheader("Channels and bias: note 000's formal definition")
st.markdown("With channels the kernel is C_in × C_out × f₁ × f₂ (the layout of `nn.ConvTranspose2d`): each input cell of "
            "channel k stamps its own kernel w[k, o] into **every** output channel o, and each output channel gets its "
            "bias b[o] once. Stride 1 and no padding, as in the note, so an m × n input gives (m + f₁ − 1) × (n + f₂ − 1). "
            "The input size and kernel size are the ones set above.")
row = st.columns(3)
c_in = int_control("Input channels C_in", "tc_cin", 1, 3, 2, container=row[0])
c_out = int_control("Output channels C_out", "tc_cout", 1, 3, 2, container=row[1])
ex = cached_channel_example(c_in, c_out, h, w, k, seed)
st.markdown(f"Input {c_in}×{h}×{w}, kernel {c_in}×{c_out}×{k}×{k}, bias b = {ex['b'].astype(int).tolist()} → output "
            f"{c_out}×{h + k - 1}×{w + k - 1}.")
cols = st.columns(max(c_in, c_out))
for ch in range(c_in):
    chart(small_grid(tuple(map(tuple, ex["y"][ch])), f"input channel {ch}"), key=f"tc_ch_in{ch}", container=cols[ch])
with st.expander(f"The {c_in * c_out} kernels w[k, o] (row k = input channel, column o = output channel)"):
    for ch in range(c_in):
        cols = st.columns(max(c_in, c_out))
        for o in range(c_out):
            chart(small_grid(tuple(map(tuple, ex["w"][ch, o])), f"w[{ch}, {o}]"), key=f"tc_ch_w{ch}{o}", container=cols[o])
cols = st.columns(max(c_in, c_out))
for o in range(c_out):
    chart(small_grid(tuple(map(tuple, ex["x"][o])), f"output channel {o}"), key=f"tc_ch_out{o}", container=cols[o])
st.markdown(f"Note 000's `trans_conv` loop, run as printed (torch, float64), differs from these outputs by "
            f"**{ex['note_gap']:.1e}**; `F.conv_transpose2d` by **{ex['torch_gap']:.1e}**.")

# --- Checkerboard --------------------------------------------------------------------------------
st.header("Checkerboard artifacts")
st.markdown("When the stride does not divide the kernel size, neighbouring outputs receive different numbers of "
            "stamps. A constant input with a constant kernel makes this visible: the output *is* the count.")
row = st.columns(4)
cb_k = slider_control("Checkerboard kernel size k", "cb_k", 1, 7, 3, step=1, container=row[0])
cb_s = slider_control("Checkerboard stride s", "cb_s", 1, 4, 2, step=1, container=row[1])
cb_n = int_control("Checkerboard input size n", "cb_n", 2, 8, 4, container=row[2])
cb_input = choice_control("Input for the remedies", "cb_input", {"constant": "Constant 1", "smooth": "Smooth bump"},
                          "constant", container=row[3])
bars, grid = cached_overlap_figures(cb_n, cb_k, cb_s)
cols = st.columns(2)
chart(bars, key="overlap_bars", container=cols[0])
chart(grid, key="overlap_grid", container=cols[1])
counts = overlap_counts_2d((cb_n, cb_n), (cb_k, cb_k), (cb_s, cb_s))
constant_out = conv_transpose2d(np.ones((cb_n, cb_n)), np.ones((cb_k, cb_k)), stride=cb_s)
even = cb_k % cb_s == 0
st.markdown(f"`conv_transpose2d(ones({cb_n}×{cb_n}), ones({cb_k}×{cb_k}), stride={cb_s})` equals these counts: "
            f"max |difference| = **{max_abs_difference(constant_out, counts):.1e}**. "
            + (f"Here s = {cb_s} divides k = {cb_k}: away from the borders every output gets {cb_k // cb_s}² stamps, so there is no checkerboard."
               if even else f"Here s = {cb_s} does not divide k = {cb_k}: the counts alternate, a checkerboard."))

st.subheader("The same pattern in the gradient of a strided convolution")
n_grad = (cb_n - 1) * cb_s + cb_k
grad = strided_conv_input_gradient(n_grad, cb_k, cb_s)
st.markdown(f"Backpropagation through `conv2d(x, ones({cb_k}×{cb_k}), stride={cb_s})` on a {n_grad}×{n_grad} input "
            f"(torch autograd, loss = sum of the outputs) **is** a transposed convolution of the upstream gradient: "
            f"max |gradient − counts| = **{max_abs_difference(grad, counts):.1e}**. Discriminators and encoders "
            "with such strides pass checkerboards back into what they train.")
chart(small_grid(tuple(map(tuple, grad)), "∂ sum(conv(x)) / ∂x"), key="grad_grid")

st.subheader("Remedies, side by side with the same input")
panels, remedies_fig = cached_remedies(cb_input, cb_n, cb_k, cb_s)
chart(remedies_fig, key="remedies")
st.markdown("Each panel has its own colour range. Resize-then-convolve (Odena et al. 2016) and sub-pixel convolution "
            "with ICNR (Aitken et al. 2017: all s² sub-pixel filters start equal, so the layer starts as nearest "
            "upsampling + convolution) have no uneven overlap. A randomly initialised sub-pixel layer starts with a "
            "periodic pattern that training must remove. No training here: these are the layers at initialisation.")
border = remedy_border(cb_k, cb_s)
st.dataframe([{"method": name, "output": f"{out.shape[0]}×{out.shape[1]}",
               f"(max − min)/mean, {border} cells in from the edges": round(interior_spread(out, border), 4)}
              for name, out in panels], hide_index=True)
if cb_input == "smooth":
    st.markdown("With the smooth bump the spread also measures the bump itself; compare the pictures for the periodic pattern.")

# --- Upsampling ----------------------------------------------------------------------------------
st.header("Fixed upsampling: nearest and bilinear")
row = st.columns(4)
up_input = choice_control("Input", "up_input", {"note000": "Note 000: [[6, 8], [3, 4]]", "random": "Random 3×3"},
                          "note000", container=row[0])
up_mode = choice_control("Mode", "up_mode", {"nearest": "nearest", "bilinear": "bilinear"}, "bilinear", container=row[1])
up_scale = int_control("Scale factor", "up_scale", 1, 4, 2, container=row[2])
up_ac = toggle_control("align_corners", "up_ac", False, container=row[3],
                       help="Bilinear only: map the corner pixels' centres onto each other.")
if up_mode == "nearest" and up_ac:
    st.info("align_corners only applies to bilinear (torch refuses it with nearest); it is ignored here.")
ux = np.array([[6.0, 8.0], [3.0, 4.0]]) if up_input == "note000" else \
    np.random.default_rng(seed).integers(0, 10, (3, 3)).astype(np.float64)
ac = up_ac and up_mode == "bilinear"
uy = upsample(ux, up_scale, up_mode, ac)
cols = st.columns([1, 2])
chart(cached_exact_grid(tuple(map(tuple, ux)), "input"), key="up_in", container=cols[0])
up_title = f"{up_mode} ×{up_scale}" + (", align_corners" if ac else "")
chart(cached_exact_grid(tuple(map(tuple, uy)), up_title), key="up_out", container=cols[1])
if up_input == "note000" and up_mode == "bilinear" and up_scale == 2 and not ac:
    st.markdown("These are note 000's numbers: rows [6, 6.5, 7.5, 8], [5.25, 5.6875, 6.5625, 7], "
                "[3.75, 4.0625, 4.6875, 5], [3, 3.25, 3.75, 4].")
uref = upsample_torch(ux, up_scale, up_mode, ac)
st.markdown(f"`F.interpolate` in float64: max |difference| = **{max_abs_difference(uy, uref):.1e}**. The code:")
up_code = upsample_snippet(ux, up_scale, up_mode, ac)
if not presenting():
    st.code(up_code, language="python")
    st.code(repr(uy.tolist()), language="text")
code_download(up_code, "upsample")

st.subheader("Bed of nails and max unpooling (note 003)")
un_s = max(2, up_scale)
un = cached_unpooling(tuple(map(tuple, ux)), un_s, seed)
nails, encoder_input, pooled, unpooled = un["nails"], un["encoder_input"], un["pooled"], un["unpooled"]
st.markdown(f"Two more fixed ways to go up by {un_s} (the scale above, at least 2). **Bed of nails** puts each value at "
            f"the top-left of its {un_s}×{un_s} block and zeros elsewhere: a stride-{un_s} transposed convolution whose "
            "kernel is a single 1. **Max unpooling** pairs with a max pool earlier in the network (the encoder of an "
            "FCN or U-Net): the pool remembers *where* each maximum was, and unpooling puts the value back there.")
cols = st.columns([2, 2, 1, 2])
chart(cached_exact_grid(tuple(map(tuple, nails)), f"bed of nails ×{un_s} of the input above"), key="un_nails",
      container=cols[0])
chart(cached_exact_grid(tuple(map(tuple, encoder_input)), "encoder feature map"), key="un_enc", container=cols[1])
chart(cached_exact_grid(tuple(map(tuple, pooled)), f"{un_s}×{un_s} max pool"), key="un_pool", container=cols[2])
chart(cached_exact_grid(tuple(map(tuple, unpooled)), "max unpooled"), key="un_unpool", container=cols[3])
st.markdown(f"`F.conv_transpose2d` with the one-hot kernel: max |difference| = **{un['nails_gap']:.1e}**; "
            f"`F.max_pool2d(return_indices=True)` then `F.max_unpool2d`: max |difference| = **{un['unpool_gap']:.1e}**.")

st.subheader("Pixel shuffle: channels to space")
r = max(2, up_scale)
px = pixel_shuffle_example(r)                                                      # (r², 2, 2)
shuffled = pixel_shuffle(px, r)                                                    # (1, 2r, 2r)
st.markdown(f"`pixel_shuffle(x, {r})` turns {r * r} channels of 2×2 into one {2 * r}×{2 * r} map: channel "
            f"c = i·{r} + j fills the cells at offset (i, j) of every {r}×{r} block. Channel c holds 10c + position, "
            "so each number tells where it came from. `F.pixel_shuffle` in float64 agrees: max |difference| = "
            f"**{max_abs_difference(shuffled, pixel_shuffle_torch(px, r)):.1e}**; `pixel_unshuffle` undoes it: "
            f"max |unshuffle(shuffle(x)) − x| = **{max_abs_difference(pixel_unshuffle(shuffled, r), px):.1e}**.")
chart(cached_pixel_shuffle_figure(r), key="shuffle")
