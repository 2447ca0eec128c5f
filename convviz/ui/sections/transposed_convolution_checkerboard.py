"""The checkerboard section of /transposed_convolution as Distill shows it (issue 34; deep link #checkerboard).

Odena, Dumoulin, Olah (2016), "Deconvolution and Checkerboard Artifacts": random decoders show the pattern before
any training; stacked layers compound it; resize-convolution and ICNR remove it; a strided convolution's gradient
carries it; training only dampens it. Four parts, each an st.fragment with its own controls (URL keys `ci_…`):
the five decoders, the 1-D stack, the gradients on a photo, and the three trained ×2 upsamplers on a photo.
Every number comes from convviz.checkerboard, built, checked against torch (decoders, gradients) and cached in
convviz.ui.cache.transposed_convolution.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz import checkerboard as cb
from convviz.ui.cache.transposed_convolution import (TRAINED_LABELS, cached_decoders, cached_gradients, cached_stack,
                                                     cached_trained, fmt)
from convviz.ui.widgets.layout import torch_check
from convviz.ui.widgets.params import int_control, slider_control, toggle_control
from convviz.ui.widgets.present import chart, presenting, section_settings

ANCHOR = "checkerboard"


def decoder_sentence(shares: dict) -> str:
    """Which decoders show the checkerboard (period-2 share at least 0.1) and which not (at most 0.01), from the numbers."""
    strong = [cb.KIND_LABELS[k] for k, (s2, _) in shares.items() if s2 >= 0.1]
    none = [cb.KIND_LABELS[k] for k, (s2, _) in shares.items() if s2 <= 0.01]
    parts = []
    if strong:
        parts.append(f"With this seed, **{', '.join(strong)}** put at least 10 % of the image's power on the period-2 "
                     "lines: a checkerboard you can see.")
    if none:
        parts.append(f"**{', '.join(none)}** put at most 1 % there.")
    return " ".join(parts)


@st.fragment
def decoder_part() -> None:
    place = st.container()
    with section_settings():
        row = st.columns(2)
        seed = int_control("Random seed (weights and input)", "ci_seed", 0, 9999, 0, container=row[0])
        layers = slider_control("Upsampling layers (×2 each)", "ci_layers", 1, 4, 3, step=1, container=row[1])
    result = cached_decoders(seed, int(layers))
    side = 8 * 2 ** int(layers)
    with place:
        cols = st.columns(len(cb.KINDS))
        for col, kind in zip(cols, cb.KINDS):
            chart(result["figures"][kind], key=f"ci_fig_{kind}", container=col)
    st.markdown(f"**Before training**: every weight is random (torch's default initialisation, seed {seed}); the input "
                f"is a random 16-channel 8×8 grid; {int(layers)} layer(s) with ReLU between make a {side}×{side} image. "
                + decoder_sentence(result["shares"]))
    table = [{"decoder": cb.KIND_LABELS[k], "period-2 share": fmt(s2),
              "period-4 share": fmt(s4) if s4 is not None else "–"} for k, (s2, s4) in result["shares"].items()]
    st.table(table)
    torch_check(result["gap"], "the five decoders against F.conv_transpose2d, F.interpolate + F.conv2d and "
                               "F.pixel_shuffle with the same weights (float64)")


@st.fragment
def stack_part() -> None:
    st.subheader("Stacked layers compound the pattern")
    place = st.container()
    with section_settings():
        row = st.columns(4)
        layers = []
        for i in range(3):
            k = slider_control(f"Layer {i + 1} kernel k", f"ci_k{i + 1}", 1, 6, 3, step=1, container=row[i])
            s = slider_control(f"Layer {i + 1} stride s", f"ci_s{i + 1}", 1, 3, 2, step=1, container=row[i])
            layers.append((int(k), int(s)))
        damp = toggle_control("Add a last layer k=2, s=1", "ci_damp", False, container=row[3],
                              help="A stride-1 layer that adds neighbours, as Distill suggests at the end of a decoder.")
    if damp:
        layers.append((2, 1))
    result = cached_stack(tuple(layers))
    with place:
        chart(result["figure"], key="ci_stack")
    rows = result["rows"]
    st.markdown("A constant input of 16 ones through 1-D transposed convolutions with constant kernels: each bar is how "
                "many stamps an output gets. Away from the ends (the interior), " + stack_sentence(rows))
    st.table([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows])


def stack_sentence(rows: list[dict]) -> str:
    """What the stack's last layer did, from the interior ratios and period-2 shares."""
    last = rows[-1]
    text = (f"the last output's largest count is **{last['_ratio']:.3g}×** its smallest"
            if np.isfinite(last["_ratio"]) else "some interior outputs get no stamp at all")
    if len(rows) > 1:
        before = rows[-2]
        if last["_ratio"] < before["_ratio"] - 1e-12:
            text += f", down from {before['_ratio']:.3g}× after layer {len(rows) - 1}"
        elif last["_ratio"] > before["_ratio"] + 1e-12:
            text += f", up from {before['_ratio']:.3g}× after layer {len(rows) - 1}: the patterns compound"
        if before["_p2"] > 1e-12 and last["_p2"] <= 1e-12:
            text += "; its period-2 part is gone, a period-4 pattern may remain"
    return text + "."


@st.fragment
def gradient_part() -> None:
    st.subheader("The same pattern in gradients")
    place = st.container()
    with section_settings():
        seed = int_control("Random seed (weights and projection)", "ci_gseed", 0, 9999, 0,
                           container=st.columns(3)[0])
    result = cached_gradients(seed)
    with place:
        cols = st.columns(3)
        for col, key in zip(cols, ("photo", "strided", "pooled")):
            chart(result["figures"][key], key=f"ci_grad_{key}", container=col)
    strided, pooled = result["shares"]["strided"], result["shares"]["pooled"]
    ratio = f"**{strided / pooled:.0f}×**" if pooled > 0 else "infinitely"
    st.markdown("The gradient of a random projection of a random network's output with respect to the image (grey: 0; "
                f"seed {seed}). A strided convolution's backward pass is a transposed convolution, "
                f"so the strided network's gradient carries {ratio} the pooled one's share of power on the period-2 "
                f"lines ({fmt(strided)} against {fmt(pooled)}). Training follows this gradient, so a strided "
                "discriminator or encoder pushes the checkerboard into what it trains.")
    torch_check(result["gap"], "both gradients against torch autograd (float64)")


@st.fragment
def trained_part() -> None:
    st.subheader("After training: milder, not gone")
    result = cached_trained()
    if result["missing"]:
        st.warning("The weights file(s) " + ", ".join(f"`assets/models/{m}.safetensors`" for m in result["missing"])
                   + " are missing, so those upsamplers cannot run here. They are trained with `python -m convviz.train "
                   "sr --arch checker_transposed` (and checker_resize, checker_icnr).", icon=":material/block:")
    names = list(result["results"])
    cols = st.columns(len(names) + 1)
    chart(result["figure"], key="ci_trained_original", container=cols[0])
    for col, arch in zip(cols[1:], names):
        chart(result["results"][arch]["figure"], key=f"ci_trained_{arch}", container=col)
    if names:
        st.table([{"upsampler": TRAINED_LABELS[a], "period-2 share of output − bicubic": fmt(r["added"]),
                   "before training": fmt(r["before"]),
                   "period-2 share of the output": fmt(r["share"]), "PSNR dB (Y, 2 px shaved)": f"{r['psnr']:.2f}"}
                  for a, r in result["results"].items()]
                 + [{"upsampler": "the original", "period-2 share of output − bicubic": fmt(result["original"]),
                     "before training": "–",
                     "period-2 share of the output": fmt(result["original_share"]),
                     "PSNR dB (Y, 2 px shaved)": f"bicubic: {result['bicubic_psnr']:.2f}"}])
        st.markdown("Three tiny ×2 upsamplers (two 3×3 convolutions, then the upsampling layer; no skip connection), "
                    "trained by `python -m convviz.train` on Train400 for 800 steps (model cards in "
                    "`assets/models/checker_*_x2.md`), enlarge the cameraman shrunk to 96×96. The photo's own low "
                    "frequencies swamp any artifact in an output's spectrum, so the figures show what each net adds to "
                    "plain bicubic enlargement: on a flat 32×32 piece of the sky (rows 8–39, columns 140–171; grey is 0, "
                    "black and white ± the largest difference there), and the spectrum of the whole difference. "
                    + trained_sentence(result))


def trained_sentence(result: dict) -> str:
    """The trained transposed upsampler's period-2 share of what it adds, against the original's detail and the
    remedies', from the numbers."""
    shares = {a: r["added"] for a, r in result["results"].items()}
    if "checker_transposed" not in shares:
        return ""
    t, original = shares["checker_transposed"], result["original"]
    others = [f"{TRAINED_LABELS[a]} {fmt(s)}" for a, s in shares.items() if a != "checker_transposed"]
    compared = (f"{t / original:.1f}× the share in the original's own detail ({fmt(original)})" if original > 0
                else "where the original's detail has none")
    before = result["results"]["checker_transposed"]["before"]
    change = ("down from" if t < before else "up from") + f" {fmt(before)} for the same net with its random starting weights"
    return (f"What the trained transposed convolution adds still has {fmt(t)} of its power on the period-2 lines "
            f"({change}), {compared}" + (f"; the remedies: {', '.join(others)}" if others else "") + ".")


def checkerboard_images() -> None:
    """The section: heading with the `#checkerboard` anchor, then its four parts."""
    st.header("Checkerboard artifacts in images", anchor=ANCHOR)
    if not presenting():
        st.markdown("Odena, Dumoulin and Olah (Distill, 2016): decoders built from transposed convolutions draw "
                    "checkerboards even with random weights; the pattern lives at period 2 (and 4, 8 … when layers "
                    "stack). Under each image: its power spectrum, zero frequency at the corners; the orange "
                    "triangles point at the middle row and column, the period-2 lines.")
    decoder_part()
    stack_part()
    gradient_part()
    trained_part()
