"""Lesson: batch normalization for conv layers (note 002, "Batch Normalization")."""

import streamlit as st

from convviz.figures.batch_normalization import CHANNEL_MEANS, CHANNEL_STDS, MAX_CHANNELS, snippet_output
from convviz.lessons import batch_normalization as lesson
from convviz.lessons.batch_normalization import LEARNING_RATES, BatchSettings, DemoSettings, RunningSettings
from convviz.ui import cached_batchnorm as cached
from convviz.ui.downloads import code_download
from convviz.ui.layout import lesson_header, show_problem
from convviz.ui.params import choice_control, int_control, slider_control
from convviz.ui.present import chart, charts, presenting, settings_box

lesson_header(
    "Batch normalization",
    "Batch norm takes **each channel** of a layer's output, subtracts its mean and divides by its standard "
    "deviation, both measured **over the whole batch and every position**, then lets the layer choose its own "
    "scale γ and shift β. Training uses the current batch's statistics; a deployed net uses running averages, "
    "which turns BN into a fixed multiply-and-add that can be folded into the convolution before it.",
)


# --- Controls -------------------------------------------------------------------------------
with settings_box():
    row = st.columns(5)
    n = int_control("Batch size N", "n", 1, 8, 4, container=row[0])
    c = int_control("Channels C", "c", 1, MAX_CHANNELS, 4, container=row[1])
    h = int_control("Height H", "h", 1, 6, 4, container=row[2])
    w = int_control("Width W", "w", 1, 6, 4, container=row[3])
    seed = int_control("Random seed", "seed", 0, 9999, 0, container=row[4])
    row = st.columns([1, 2, 2])
    wanted_channel = int_control("Channel to follow", "ch", 0, MAX_CHANNELS - 1, 0, container=row[0])
    gamma = slider_control("γ, the learned scale (all channels here)", "gamma", -3.0, 3.0, 1.0, step=0.1, container=row[1])
    beta = slider_control("β, the learned shift (all channels here)", "beta", -5.0, 5.0, 0.0, step=0.1, container=row[2])
batch = BatchSettings(n, c, h, w, seed, gamma, beta)      # built once, passed to every cached builder below
channel, notice = lesson.follow_channel(wanted_channel, c)
if notice:
    st.warning(notice, icon=":material/warning:")
m = batch.m

try:
    x, y, mean, var = cached.batch_and_output(batch)
    batch_ok = True
except ValueError as error:
    show_problem(error)
    batch_ok = False

# --- Which values share one mean ----------------------------------------------------------------
st.header("Which values are averaged?")
st.markdown(
    f"The batch is a tensor of shape **N×C×H×W = {n}×{c}×{h}×{w}**: each row of blocks below is one sample, "
    f"each column one channel, each block an H×W feature map. For a conv layer BN keeps **one mean and one "
    f"variance per channel**, taken over the orange cells: all N samples and all H·W positions of that channel, "
    f"m = N·H·W = {n}·{h}·{w} = **{m}** values.")
tensor_fig, _ = cached.tensor_figures(batch, channel, 1)
chart(tensor_fig, key="bn_tensor")
if batch_ok:
    st.markdown(f"Channel {channel}: μ_B = (sum of the {m} orange values) / {m} = **{mean[channel]:.4g}**, "
                f"σ²_B = (sum of squared deviations) / {m} = **{var[channel]:.4g}** (its population: mean "
                f"{CHANNEL_MEANS[channel]:g}, variance {CHANNEL_STDS[channel] ** 2:g}).")

st.subheader("Layer, instance and group norm average other cells")
group_box = st.columns(4)[0]
wanted_groups = int_control("Groups G (group norm)", "g", 1, MAX_CHANNELS, 2, container=group_box)
groups, notice = lesson.shown_groups(c, wanted_groups)
if notice:
    group_box.info(notice, icon=":material/info:")
try:
    _, contrast_fig = cached.tensor_figures(batch, channel, groups)
    chart(contrast_fig, key="bn_contrast")
    st.markdown(f"Orange: the values that share statistics with sample 0, channel {channel}. Only **batch** norm "
                "mixes samples, so only batch norm behaves differently in training and at inference, and only it "
                "needs a batch of more than one value per channel. Group norm with G = 1 is layer norm; with G = C it "
                "is instance norm.")
except ValueError as error:
    show_problem(error)

# --- Before and after ---------------------------------------------------------------------------
st.header("Each channel before and after")
if batch_ok:
    st.latex(r"\hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma\,\hat x + \beta"
             r"\qquad(\epsilon = 10^{-5},\ \text{per channel})")
    chart(cached.histogram_figure(batch), key="bn_hist")
    st.markdown(f"The dashed line is each histogram's mean. After BN every channel has mean β = {beta:g} and "
                f"variance γ²·σ²/(σ²+ε) ≈ γ² = {gamma ** 2:g}, whatever it started from; the shape of the "
                "histogram does not change (BN is a per-channel shift and scale). In a real layer each channel "
                "learns its own γ and β; here one value is used for all.")
    st.dataframe(lesson.channel_rows(c, y, mean, var), hide_index=True)
else:
    st.warning("Make the batch larger above (N·H·W ≥ 2) to see the histograms and the sections below.",
               icon=":material/arrow_upward:")

# --- Train vs eval ------------------------------------------------------------------------------
st.header("Training vs evaluation: running statistics")
st.markdown(
    "In training, each batch is normalised with **its own** μ_B and σ²_B. The layer also keeps running "
    "estimates for inference, updated once per training step. PyTorch's rule (the *new* batch gets the "
    "weight `momentum`; Keras's `momentum=0.99` means the opposite weighting, so copying a Keras value into "
    "`BatchNorm2d(momentum=...)` makes the estimates jump with every batch):")
st.latex(r"\text{running\_mean} \leftarrow (1-\text{momentum})\,\text{running\_mean} + \text{momentum}\;\mu_B")
st.latex(r"\text{running\_var} \leftarrow (1-\text{momentum})\,\text{running\_var} + "
         r"\text{momentum}\;\frac{m}{m-1}\,\sigma_B^2")
st.markdown("The m/(m−1) factor is note 002's inference formula, Var[x] = m/(m−1) · E_B[σ²_B]: σ²_B divides by m "
            "and is too small on average; the running estimate is kept unbiased. Each batch below is a fresh draw "
            "from the same channel distributions (seed, seed+1, …).")
row = st.columns(2)
momentum = slider_control("momentum (weight of the newest batch)", "momentum", 0.0, 1.0, 0.1, step=0.01, container=row[0])
steps = int_control("Training steps", "steps", 1, 300, 30, container=row[1])
running = RunningSettings(batch, momentum, steps)
if batch_ok:
    ours, theirs = cached.histories(running)
    chart(cached.running_figure(running, channel), key="bn_running")
    st.markdown(f"After {steps} steps with momentum {momentum:g} (m = {m} values per channel and batch):")
    st.dataframe(lesson.running_rows(running, ours), hide_index=True)
    st.markdown(f"Note 002 estimates E[x] as the plain average of the batch means, E_B[μ_B]; torch's running mean "
                "is an exponential moving average that weights recent batches more, so the two differ a little. "
                f"On average σ²_B is (m−1)/m = {(m - 1) / m:.3g} of the population variance; the last two columns "
                "show it (noisily, over the steps), and m/(m−1) undoes it."
                + (" Try N = 2, H = W = 1 (m = 2): σ²_B is then half the variance on average." if m > 4 else ""))
    st.markdown(lesson.train_eval_gap_text(ours))
    st.markdown(f"`torch.nn.BatchNorm2d(momentum={momentum:g})` in float64, fed the same {steps} batches, gives the "
                f"same running statistics and both outputs: max |difference| = **{lesson.torch_check(ours, theirs):.1e}**. "
                "This code reproduces the running statistics; running it prints:")
    snippet = lesson.torch_snippet(running)
    if not presenting():
        st.code(snippet, language="python")
        st.code(snippet_output(ours), language="text")
    code_download(snippet, "batch_norm_running_statistics")

# --- Folding ------------------------------------------------------------------------------------
st.header("Folding BN into the convolution")
st.markdown(
    "In eval mode, BN multiplies each output channel o by a fixed s[o] = γ[o]/√(running_var[o] + ε) and adds a "
    "fixed shift. A convolution followed by that is again a convolution, with every weight of output channel o "
    "scaled (dim 0 of the (C_out, C_in, kh, kw) weight; for a transposed conv it would be dim 1) and a new bias. "
    "That is why a deployed net has no BN layer left: the folding is done once, before shipping.")
st.markdown("Note 002 writes eval-mode BN in exactly this multiply-and-add form, with Var[x] the running variance:")
st.latex(r"y = \frac{\gamma}{\sqrt{\mathrm{Var}[x] + \epsilon}}\,x + \Big(\beta - "
         r"\frac{\gamma\,E[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}\Big)")
st.markdown("so a conv with weights w and bias b, followed by it, is the conv with")
st.latex(r"w'[o] = s[o]\,w[o], \qquad b'[o] = s[o]\,\big(b[o] - \text{running\_mean}[o]\big) + \beta[o]")
ex = cached.fold_example(batch)
charts(dict(zip(("bn_fold_conv", "bn_fold_folded"), cached.fold_figures(batch))))
st.dataframe(lesson.fold_rows(ex), hide_index=True)
st.markdown(lesson.fold_text(ex))

# --- Training demo ------------------------------------------------------------------------------
st.header("What BN does to training")
st.markdown(
    "The same small CNN (three 3×3 convs, ReLU, global average pooling, a linear layer) learns to tell the "
    "orientation of 12×12 gratings (4 classes, generated). One copy has BatchNorm2d after each conv, the other not; "
    "both start from the same weights and see the same batches of 32, trained with SGD (momentum 0.9) at two learning rates.")
lr_options = {v: v for v in LEARNING_RATES}
row = st.columns(4)
lr_small = choice_control("Smaller learning rate", "lr1", lr_options, "0.01", container=row[0])
lr_large = choice_control("Larger learning rate", "lr2", lr_options, "0.1", container=row[1])
demo_steps = int_control("Steps per run", "demo_steps", 10, 600, 250, container=row[2])
demo_seed = int_control("Demo seed", "demo_seed", 0, 99, 2, container=row[3])
try:
    settings = DemoSettings(float(lr_small), float(lr_large), demo_steps, demo_seed)
except ValueError as error:
    show_problem(error)
else:
    demo = cached.training_demo(settings)
    chart(cached.loss_figure(settings), key="bn_losses")
    st.dataframe(lesson.demo_rows(demo), hide_index=True)
    st.markdown("Without BN the loss can sit at ln 4 (guessing among 4 classes) for a long time: how large each "
                "layer's activations and gradients are depends on all the weights before it. With BN every conv's "
                "output is brought back to mean β and variance γ² per channel at every step, so no layer's signal blows up "
                "or fades as the weights change, and a larger learning rate is usable "
                "(note 002: \"allows higher learning rate\"). "
                "Thin lines: the loss at each step; thick lines: its average over 10 steps. The held-out set is "
                "scored in **eval mode**, so the BN net uses its running statistics there. Try other seeds: at the "
                "larger rate the BN net sometimes ends on a spike, and its held-out loss is then far worse than its "
                "training loss, because the running statistics (momentum 0.1) lag behind weights that just changed. "
                f"The four runs took {demo['seconds']:.1f} s ({demo['cpu_seconds']:.1f} s of CPU in one thread); the "
                "result is cached, so a rerun that changes none of the four settings above costs nothing.")
