"""The checkerboard section of /transposed_convolution as Distill shows it (issue 34; deep link #checkerboard).

Odena, Dumoulin, Olah (2016), "Deconvolution and Checkerboard Artifacts": random decoders show the pattern before
any training; stacked layers compound it; resize-convolution and ICNR remove it; a strided convolution's gradient
carries it; training only dampens it. Four parts, each an st.fragment with its own controls (URL keys `ci_…`):
the five decoders, the 1-D stack, the gradients on a photo, and the three trained ×2 upsamplers on a photo.
Every number comes from convviz.checkerboard; the decoders and gradients are checked against torch here.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz import checkerboard as cb
from convviz import restore
from convviz.figures.checkerboard import image_spectrum_figure, stack_figure
from convviz.restoration import imaging
from convviz.restoration.image_input import sample_image
from convviz.torch_ref.checkerboard import decoder_output_torch, input_gradient_torch
from convviz.ui.cache.caching import cached
from convviz.ui.widgets.layout import torch_check
from convviz.ui.widgets.params import int_control, slider_control, toggle_control
from convviz.ui.widgets.present import chart, presenting, section_settings

ANCHOR = "checkerboard"
GRADIENT_SIDE = 128          # the photo for the gradients: 128×128 (three halvings leave 16×16)
TRAINED_SIDE = 192           # the photo for the trained upsamplers: 192×192, shrunk to 96×96 and enlarged ×2 again
SKY = (slice(8, 40), slice(140, 172))   # a flat 32×32 piece of the cameraman's sky, where an artifact has nowhere to hide
TRAINED_LABELS = {"checker_transposed": "transposed conv k3 s2", "checker_resize": "nearest ×2 + conv k3",
                  "checker_icnr": "pixel shuffle + ICNR"}


def fmt(share: float) -> str:
    """A share of power for the page: three significant digits, small ones in scientific notation."""
    return f"{share:.3f}" if share >= 0.001 else "0" if share == 0 else f"{share:.1e}"


def decoders(seed: int, layers: int) -> dict:
    """The five random decoders' images, their period-2 and period-4 shares, and the largest gap to torch."""
    images = {kind: cb.decoder_output(kind, seed, 8, layers) for kind in cb.KINDS}
    gap = max(float(np.abs(images[k] - decoder_output_torch(k, seed, 8, layers)).max()) for k in cb.KINDS)
    shares = {k: (cb.periodic_power_share(y, 2), cb.periodic_power_share(y, 4) if y.shape[0] % 4 == 0 else None)
              for k, y in images.items()}
    figures = {k: image_spectrum_figure(y, cb.KIND_LABELS[k], caption=f"period-2 share {fmt(shares[k][0])}",
                                        height=430) for k, y in images.items()}
    return {"images": images, "shares": shares, "gap": gap, "figures": figures}


def stack(layers: tuple, n: int = 16) -> dict:
    """The 1-D stack's outputs, each layer's interior max/min and period-2/4 shares, and the figure."""
    outputs = cb.stack_1d(n, layers)
    rows = []
    for i, y in enumerate(outputs):
        border = cb.stack_border(layers[: i + 1])
        shares = cb.stack_shares(y, border)
        rows.append({"after layer": i + 1, "k, s": f"{layers[i][0]}, {layers[i][1]}",
                     "interior max / min": round(cb.interior_ratio(y, border), 3),
                     "period-2 share": fmt(shares[2]), "period-4 share": fmt(shares[4]),
                     "_ratio": cb.interior_ratio(y, border), "_p2": shares[2]})
    titles = [f"after layer {r['after layer']} (k={layers[i][0]}, s={layers[i][1]}): interior max/min "
              f"{r['interior max / min']:g}" for i, r in enumerate(rows)]
    return {"rows": rows, "figure": stack_figure(outputs, list(layers), titles)}


def gradients(seed: int) -> dict:
    """Input gradients of the strided and the pooled random network on the cameraman, shares, torch gap."""
    photo = np.asarray(sample_image("camera", side=GRADIENT_SIDE), dtype=np.float64)
    grads = {k: cb.input_gradient(k, photo, seed) for k in cb.GRADIENT_KINDS}
    gap = max(float(np.abs(grads[k] - input_gradient_torch(k, photo, seed)).max()) for k in cb.GRADIENT_KINDS)
    shares = {k: cb.periodic_power_share(g, 2) for k, g in grads.items()}
    labels = {"strided": "3 × conv k3 s2", "pooled": "3 × (conv k3 s1, avg pool 2)"}
    figures = {k: image_spectrum_figure(g, f"gradient, {labels[k]}", signed=True,
                                        caption=f"period-2 share {fmt(shares[k])}") for k, g in grads.items()}
    figures["photo"] = image_spectrum_figure(photo, "the image (128×128)",
                                             caption=f"period-2 share {fmt(cb.periodic_power_share(photo, 2))}")
    return {"shares": shares, "gap": gap, "figures": figures}


def load_numpy_weights(name: str) -> dict | None:
    """assets/models/<name>.safetensors as float64 numpy arrays, or None when the file is not there."""
    from safetensors.numpy import load_file

    path = restore.weights_path(name)
    if not path.exists():
        return None
    return {k: v.astype(np.float64) for k, v in load_file(str(path)).items()}


def trained() -> dict:
    """The three trained upsamplers on the cameraman's luminance (96×96 -> 192×192): outputs, PSNR, and the share of
    what each adds to PIL bicubic (output − bicubic) on the period-2 lines, beside the original's (original − bicubic)."""
    hr_gray = np.asarray(sample_image("camera", side=TRAINED_SIDE), dtype=np.float64)
    hr = imaging.gray_to_y(hr_gray)
    low = imaging.gray_to_y(imaging.to_float(imaging.pil_bicubic(imaging.to_uint8(hr_gray), (TRAINED_SIDE // 2,) * 2)))
    bicubic = imaging.pil_bicubic(low, (TRAINED_SIDE, TRAINED_SIDE))
    results, missing = {}, []
    for arch, label in TRAINED_LABELS.items():
        weights = load_numpy_weights(f"{arch}_x2")
        if weights is None:
            missing.append(f"{arch}_x2")
            continue
        out = cb.trained_upsample(arch, weights, low)
        added = cb.periodic_power_share(out - bicubic, 2)
        before = cb.trained_upsample(arch, cb.untrained_upsampler_weights(arch), low)
        results[arch] = {"added": added, "before": cb.periodic_power_share(before - bicubic, 2),
                         "share": cb.periodic_power_share(out, 2),
                         "psnr": imaging.psnr(hr, np.clip(out, 0, 1), shave=2),
                         "figure": image_spectrum_figure((out - bicubic)[SKY], f"trained: {label}",
                                                         spectrum_of=out - bicubic, signed=True,
                                                         image_title="output − bicubic, a piece of sky",
                                                         spectrum_title="spectrum of output − bicubic",
                                                         caption=f"period-2 share of what it adds {fmt(added)}")}
    original = cb.periodic_power_share(hr - bicubic, 2)
    return {"results": results, "missing": missing, "original": original, "original_share": cb.periodic_power_share(hr, 2),
            "bicubic_psnr": imaging.psnr(hr, np.clip(bicubic, 0, 1), shave=2),
            "figure": image_spectrum_figure((hr - bicubic)[SKY], "the original (192×192)", spectrum_of=hr - bicubic,
                                            signed=True, image_title="original − bicubic, a piece of sky",
                                            spectrum_title="spectrum of original − bicubic",
                                            caption=f"period-2 share of the detail {fmt(original)}")}


cached_decoders = cached(decoders, 16)
cached_stack = cached(stack, 32)
cached_gradients = cached(gradients, 8)
cached_trained = cached(trained, 1)


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
