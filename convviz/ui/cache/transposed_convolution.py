"""Cached builders for the transposed-convolution page, keyed on its settings (a TransposedLayer) or a few numbers.

The numbers and figures come from convviz.lessons.transposed_convolution; this module caches them, and builds
and caches the checkerboard section's numbers (its end). Figures and dicts are cached as resources (shared: pages
never mutate them); the stage's scatter scene too.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz import checkerboard as cb
from convviz import restore
from convviz.figures.checkerboard import image_spectrum_figure, stack_figure
from convviz.figures.transposed_convolution import exact_grid_figure
from convviz.lessons import transposed_convolution as lesson
from convviz.lessons.transposed_convolution import TransposedLayer, TransposedResult
from convviz.restoration import imaging
from convviz.restoration.image_input import sample_image
from convviz.torch_ref.checkerboard import decoder_output_torch, input_gradient_torch
from convviz.ui.cache.caching import cached


cached_scatter_figure = cached(lesson.scatter_view, 64)          # (layer, active)
cached_direct_figure = cached(lesson.direct_view, 64)            # (layer)
cached_overlap_figures = cached(lesson.checkerboard_figures, 64)  # (n, k, s)
cached_checkerboard = cached(lesson.checkerboard, 64)            # (n, k, s)
cached_remedies = cached(lesson.remedies)                        # (panels, figure, table rows) for the six ways to upsample
cached_adjoint_figures = cached(lesson.adjoint_figures, 16)      # (n, weights, stride)
cached_pixel_shuffle_figure = cached(lesson.pixel_shuffle_view, 8)
cached_channel_example = cached(lesson.channel_example)          # (c_in, c_out, h, w, k, seed)
cached_upsampled = cached(lesson.upsampled)                      # (kind, seed, scale, mode, align_corners)
cached_unpooling = cached(lesson.unpooling)                      # (x, scale, seed)
scatter_stage_scene = cached(lesson.scatter_scene, 64)           # the stage's scene, once per layer


@st.cache_data(max_entries=64, show_spinner=False)
def transposed(layer: TransposedLayer) -> TransposedResult:
    """The scatter, the direct convolution, torch and the adjoint check for `layer`, once per setting."""
    return lesson.transposed_result(layer)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_exact_grid(values: tuple, title: str):
    """exact_grid_figure of a nested tuple of numbers (printed exactly, not rounded)."""
    return exact_grid_figure(np.array(values, dtype=np.float64), title)


# The checkerboard section's numbers (convviz.ui.sections.transposed_convolution_checkerboard), built here from
# convviz.checkerboard and checked against torch, and cached.
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
