"""The sections of the batch-norm lesson (pages/batch_normalization.py), top to bottom.

The lesson opens on its figure (the N×C×H×W batch, the followed channel's cells in orange) with a compact
control bar under it (N, C, the channel, γ, β) and the rest in "More settings"; while presenting, the bar
folds into the lesson's "Settings" box (convviz.ui.widgets.present.settings_box) and each later section's controls
into a "Settings" popover. Numbers and figures from convviz.lessons.batch_normalization (cached in
convviz.ui.cache.batch_normalization); course-note references in "From the course notes" callouts; checks against
PyTorch as one quiet line each (convviz.ui.widgets.layout.torch_check).
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import batch_normalization as lesson
from convviz.lessons.batch_normalization import (CHANNEL_MEANS, CHANNEL_STDS, LEARNING_RATES, MAX_CHANNELS, BatchSettings,
                                                 DemoSettings, RunningSettings)
from convviz.lessons.snippets.batch_normalization import snippet_output
from convviz.ui.cache import batch_normalization as cached
from convviz.ui.widgets.downloads import code_download
from convviz.ui.widgets.layout import course_note, show_problem, torch_check
from convviz.ui.widgets.params import choice_control, int_control, slider_control
from convviz.ui.widgets.present import chart, charts, more_settings, presenting, section_settings, settings_box


def batch_controls() -> dict:
    """The control bar under the figure (N, C, the channel followed, γ, β) and "More settings" (H, W, seed)."""
    with settings_box():
        row = st.columns([1, 1, 1, 2, 2])
        chosen = dict(n=int_control("Batch size N", "n", 1, 8, 4, container=row[0]),
                      c=int_control("Channels C", "c", 1, MAX_CHANNELS, 4, container=row[1]),
                      channel=int_control("Channel to follow", "ch", 0, MAX_CHANNELS - 1, 0, container=row[2]),
                      gamma=slider_control("γ, the learned scale (all channels)", "gamma", -3.0, 3.0, 1.0, step=0.1,
                                           container=row[3]),
                      beta=slider_control("β, the learned shift (all channels)", "beta", -5.0, 5.0, 0.0, step=0.1,
                                          container=row[4]))
        with more_settings():
            row = st.columns(3)
            chosen |= dict(h=int_control("Height H", "h", 1, 6, 4, container=row[0]),
                           w=int_control("Width W", "w", 1, 6, 4, container=row[1]),
                           seed=int_control("Random seed", "seed", 0, 9999, 0, container=row[2]))
    return chosen


def batch_and_channel(chosen: dict) -> tuple[BatchSettings, int]:
    """The batch (built once, passed to every cached builder) and the channel followed (a warning when the one
    asked for is not there)."""
    batch = BatchSettings(chosen["n"], chosen["c"], chosen["h"], chosen["w"], chosen["seed"], chosen["gamma"],
                          chosen["beta"])
    channel, notice = lesson.follow_channel(chosen["channel"], chosen["c"])
    if notice:
        st.warning(notice, icon=":material/warning:")
    return batch, channel


def tensor_figure(picked: tuple[BatchSettings, int]):
    """The lesson's figure: the batch with the cells that share the followed channel's mean."""
    return cached.tensor_figures(*picked, 1)[0]


def batch_stats(batch: BatchSettings):
    """(x, y, mean, var) of the batch, or None and the reason shown (one value per channel has no variance)."""
    try:
        return cached.batch_and_output(batch)
    except ValueError as error:
        show_problem(error)
        return None


def which_values(batch: BatchSettings, channel: int, stats) -> None:
    n, c, h, w = batch.shape
    m = batch.m
    st.header("Which values are averaged?")
    st.markdown(
        f"The batch is a tensor of shape **N×C×H×W = {n}×{c}×{h}×{w}**: each row of blocks above is one sample, "
        f"each column one channel, each block an H×W feature map. For a conv layer BN keeps **one mean and one "
        f"variance per channel**, taken over the orange cells: all N samples and all H·W positions of that channel, "
        f"m = N·H·W = {n}·{h}·{w} = **{m}** values.")
    if stats is not None:
        _, _, mean, var = stats
        st.markdown(f"Channel {channel}: μ_B = (sum of the {m} orange values) / {m} = **{mean[channel]:.4g}**, "
                    f"σ²_B = (sum of squared deviations) / {m} = **{var[channel]:.4g}** (its population: mean "
                    f"{CHANNEL_MEANS[channel]:g}, variance {CHANNEL_STDS[channel] ** 2:g}).")


def other_norms(batch: BatchSettings, channel: int) -> None:
    st.subheader("Layer, instance and group norm average other cells")
    figure = st.container()
    with section_settings():
        group_box = st.columns(4)[0]
        wanted_groups = int_control("Groups G (group norm)", "g", 1, MAX_CHANNELS, 2, container=group_box)
    groups, notice = lesson.shown_groups(batch.c, wanted_groups)
    if notice:
        group_box.info(notice, icon=":material/info:")
    try:
        _, contrast_fig = cached.tensor_figures(batch, channel, groups)
    except ValueError as error:
        show_problem(error)
        return
    chart(contrast_fig, key="bn_contrast", container=figure)
    st.markdown(f"Orange: the values that share statistics with sample 0, channel {channel}. Only **batch** norm "
                "mixes samples, so only batch norm behaves differently in training and at inference, and only it "
                "needs a batch of more than one value per channel. Group norm with G = 1 is layer norm; with G = C it "
                "is instance norm.")


def before_after(batch: BatchSettings, stats) -> None:
    st.header("Each channel before and after")
    if stats is None:
        st.warning("Make the batch larger above (N·H·W ≥ 2) to see the histograms and the sections below.",
                   icon=":material/arrow_upward:")
        return
    _, y, mean, var = stats
    chart(cached.histogram_figure(batch), key="bn_hist")
    st.latex(r"\hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma\,\hat x + \beta"
             r"\qquad(\epsilon = 10^{-5},\ \text{per channel})")
    st.markdown(f"The dashed line is each histogram's mean. After BN every channel has mean β = {batch.beta:g} and "
                f"variance γ²·σ²/(σ²+ε) ≈ γ² = {batch.gamma ** 2:g}, whatever it started from; the shape of the "
                "histogram does not change (BN is a per-channel shift and scale). In a real layer each channel "
                "learns its own γ and β; here one value is used for all.")
    st.dataframe(lesson.channel_rows(batch.c, y, mean, var), hide_index=True)


def running(batch: BatchSettings, channel: int, stats) -> None:
    st.header("Training vs evaluation: running statistics")
    figure = st.container()
    with section_settings():
        row = st.columns(2)
        momentum = slider_control("momentum (weight of the newest batch)", "momentum", 0.0, 1.0, 0.1, step=0.01,
                                  container=row[0])
        steps = int_control("Training steps", "steps", 1, 300, 30, container=row[1])
    run = RunningSettings(batch, momentum, steps)
    if stats is None:
        return
    m = batch.m
    ours, theirs = cached.histories(run)
    chart(cached.running_figure(run, channel), key="bn_running", container=figure)
    st.markdown(
        "In training, each batch is normalised with **its own** μ_B and σ²_B. The layer also keeps running "
        "estimates for inference, updated once per training step. PyTorch's rule (the *new* batch gets the "
        "weight `momentum`; Keras's `momentum=0.99` means the opposite weighting, so copying a Keras value into "
        "`BatchNorm2d(momentum=...)` makes the estimates jump with every batch):")
    st.latex(r"\text{running\_mean} \leftarrow (1-\text{momentum})\,\text{running\_mean} + \text{momentum}\;\mu_B")
    st.latex(r"\text{running\_var} \leftarrow (1-\text{momentum})\,\text{running\_var} + "
             r"\text{momentum}\;\frac{m}{m-1}\,\sigma_B^2")
    st.markdown("The m/(m−1) factor makes the estimate unbiased: Var[x] = m/(m−1) · E_B[σ²_B], because σ²_B "
                "divides by m and is too small on average. Each batch is a fresh draw from the same channel "
                "distributions (seed, seed+1, …).")
    st.markdown(f"After {steps} steps with momentum {momentum:g} (m = {m} values per channel and batch):")
    st.dataframe(lesson.running_rows(run, ours), hide_index=True)
    st.markdown("Torch's running mean is an exponential moving average that weights recent batches more, so it "
                "differs a little from the plain average of the batch means, E_B[μ_B]. "
                f"On average σ²_B is (m−1)/m = {(m - 1) / m:.3g} of the population variance; the last two columns "
                "show it (noisily, over the steps), and m/(m−1) undoes it."
                + (" Try N = 2, H = W = 1 (m = 2): σ²_B is then half the variance on average." if m > 4 else ""))
    st.markdown(lesson.train_eval_gap_text(ours))
    course_note("Note 002 gives the inference variance as Var[x] = m/(m−1) · E_B[σ²_B] and estimates E[x] as the "
                "plain average of the batch means, E_B[μ_B] (the table's middle column); torch keeps moving "
                "averages instead.")
    torch_check(lesson.torch_check(ours, theirs), f"`torch.nn.BatchNorm2d(momentum={momentum:g})` in float64, fed "
                f"the same {steps} batches: the running statistics and both outputs")
    snippet = lesson.torch_snippet(run)
    if not presenting():
        st.markdown("This code reproduces the running statistics; running it prints:")
        st.code(snippet, language="python")
        st.code(snippet_output(ours), language="text")
    code_download(snippet, "batch_norm_running_statistics")


def folding(batch: BatchSettings) -> None:
    st.header("Folding BN into the convolution")
    ex = cached.fold_example(batch)
    charts(dict(zip(("bn_fold_conv", "bn_fold_folded"), cached.fold_figures(batch))))
    st.markdown(
        "In eval mode, BN multiplies each output channel o by a fixed s[o] = γ[o]/√(running_var[o] + ε) and adds a "
        "fixed shift. A convolution followed by that is again a convolution, with every weight of output channel o "
        "scaled (dim 0 of the (C_out, C_in, kh, kw) weight; for a transposed conv it would be dim 1) and a new bias. "
        "That is why a deployed net has no BN layer left: the folding is done once, before shipping. Eval-mode BN, "
        "with Var[x] the running variance, is this multiply-and-add:")
    st.latex(r"y = \frac{\gamma}{\sqrt{\mathrm{Var}[x] + \epsilon}}\,x + \Big(\beta - "
             r"\frac{\gamma\,E[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}\Big)")
    st.markdown("so a conv with weights w and bias b, followed by it, is the conv with")
    st.latex(r"w'[o] = s[o]\,w[o], \qquad b'[o] = s[o]\,\big(b[o] - \text{running\_mean}[o]\big) + \beta[o]")
    st.dataframe(lesson.fold_rows(ex), hide_index=True)
    st.markdown(lesson.fold_text(ex))
    course_note("Note 002 writes eval-mode BN in exactly this multiply-and-add form.")
    torch_check(lesson.fold_gaps(ex)[1], "`nn.Conv2d` + `nn.BatchNorm2d(...).eval()` against the folded conv")


def training_demo() -> None:
    st.header("What BN does to training")
    figure = st.container()
    with section_settings():
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
        return
    demo = cached.training_demo(settings)
    chart(cached.loss_figure(settings), key="bn_losses", container=figure)
    st.markdown(
        "The same small CNN (three 3×3 convs, ReLU, global average pooling, a linear layer) learns to tell the "
        "orientation of 12×12 gratings (4 classes, generated). One copy has BatchNorm2d after each conv, the other "
        "not; both start from the same weights and see the same batches of 32, trained with SGD (momentum 0.9) at "
        "two learning rates.")
    st.dataframe(lesson.demo_rows(demo), hide_index=True)
    st.markdown("Without BN the loss can sit at ln 4 (guessing among 4 classes) for a long time: how large each "
                "layer's activations and gradients are depends on all the weights before it. With BN every conv's "
                "output is brought back to mean β and variance γ² per channel at every step, so no layer's signal "
                "blows up or fades as the weights change, and a larger learning rate is usable. "
                "Thin lines: the loss at each step; thick lines: its average over 10 steps. The held-out set is "
                "scored in **eval mode**, so the BN net uses its running statistics there. Try other seeds: at the "
                "larger rate the BN net sometimes ends on a spike, and its held-out loss is then far worse than its "
                "training loss, because the running statistics (momentum 0.1) lag behind weights that just changed. "
                + (f"At these default settings the four runs were trained once by `scripts/make_bn_demo.py` "
                   f"({demo['seconds']:.1f} s) and are read from a file (a test checks they equal a fresh run); "
                   "change a setting to train them here." if demo.get("stored") else
                   f"The four runs took {demo['seconds']:.1f} s ({demo['cpu_seconds']:.1f} s of CPU in one thread); "
                   "the result is cached, so a rerun that changes none of the four settings above costs nothing."))
    course_note("Note 002 lists \"allows higher learning rate\" among batch norm's benefits.")
