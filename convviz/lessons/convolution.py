"""The Convolution lesson (pages/convolution.py): its settings, and the numbers and figures each section shows.

`ConvLayer` is the page's settings, checked once when it is made; the builders below take it and
return what a section draws. No streamlit here: convviz/ui/cache/convolution.py caches these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import conv_output_size
from convviz.backprop import delta_slides_over_z, note_003_weight_gradient, read_counts, stated_gradients
from convviz.conv import convolve2d, cross_correlate2d, flip_kernel, output_shape
from convviz.figures.common import grid_figure, image_figure
from convviz.filters import CLASSIC_FILTERS, apply_filter, display_range, kernel_as_written, sample_photo
from convviz.lessons.shared.examples import CONV_PRESETS, example_problem, input_values, kernel_values
from convviz.lessons.settings_error import SettingsError as LayerError      # its name here since issue 24
from convviz.lessons.snippets.convolution import conv2d_snippet
from convviz.lessons.scenes.common import export_frame, export_frames
from convviz.lessons.scenes.convolution import window_scene
from convviz.slides.exports import Scene
from convviz.torch_ref.checks import conv2d_torch, conv_backward_torch, convolve2d_torch, max_abs_difference

OPERATIONS = {"xcorr": "Cross-correlation (what Conv2d computes)", "conv": "True convolution (kernel flipped)"}


def conv_axes(h: int, w: int, kh: int, kw: int, stride: tuple, padding: tuple, dilation: tuple) -> list[tuple]:
    """(axis, n, k, s, p, d) for "H" and "W": the output-size formula is worked one axis at a time."""
    return [("H", h, kh, stride[0], padding[0], dilation[0]), ("W", w, kw, stride[1], padding[1], dilation[1])]


@dataclass(frozen=True)
class ConvLayer:
    """One view of the convolution page: a layer (one output map) and the values it is shown with.

    Making one checks it (LayerError, a ValueError, with the messages the page shows); it is
    hashable, so the cached builders key on it.
    """
    c: int = 1
    h: int = 5
    w: int = 5
    kh: int = 3
    kw: int = 3
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)
    bias: float = 0.0
    op: str = "xcorr"                  # "xcorr" (what Conv2d computes) or "conv" (kernel flipped)
    preset: str = "none"               # a key of CONV_PRESETS: its arrays replace pattern/kernel
    pattern: str = "random"            # a key of INPUT_PATTERNS
    kernel: str = "random"             # a key of KERNEL_CHOICES
    seed: int = 0

    def __post_init__(self):
        for name in ("stride", "padding", "dilation"):             # (1, 2) and [1, 2] alike; hashable either way
            object.__setattr__(self, name, tuple(int(v) for v in getattr(self, name)))
        object.__setattr__(self, "bias", float(self.bias))
        problems = {}
        for axis, n, k, s, p, d in self.axes:
            try:
                conv_output_size(n, k, s, p, d)
            except ValueError as error:
                problems[axis] = str(error)
        if self.c < 1:
            problems["kernel"] = f"The number of channels must be at least 1 (got {self.c})."
        elif self.op not in OPERATIONS:
            problems["kernel"] = f"Unknown operation {self.op!r}; choose one of {', '.join(OPERATIONS)}."
        elif example := example_problem(self.preset, ("none", *CONV_PRESETS), self.pattern, self.kernel, self.kh, self.kw):
            problems["kernel"] = example
        if problems:
            raise LayerError(problems)

    @classmethod
    def from_preset(cls, preset: str, **settings) -> "ConvLayer":
        """The layer for `settings`, with a worked example's sizes, stride, padding and bias when `preset` names one."""
        if preset in CONV_PRESETS:
            example = CONV_PRESETS[preset]
            (c, h, w), (kh, kw) = example.x.shape, example.w.shape[-2:]
            settings.update(c=c, h=h, w=w, kh=kh, kw=kw, stride=(example.stride,) * 2,
                            padding=(example.padding,) * 2, dilation=(1, 1), bias=example.bias)
        return cls(preset=preset, **settings)

    @property
    def axes(self) -> list[tuple]:
        return conv_axes(self.h, self.w, self.kh, self.kw, self.stride, self.padding, self.dilation)

    @property
    def flip(self) -> bool:
        """True convolution: the kernel is flipped by 180° before the window slides."""
        return self.op == "conv"

    @property
    def output_shape(self) -> tuple[int, int]:
        return output_shape((self.h, self.w), (self.kh, self.kw), self.stride, self.padding, self.dilation)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The input (C, H, W) and kernel (C, kh, kw) this view shows (cheap; seeded)."""
        if self.preset in CONV_PRESETS:
            return CONV_PRESETS[self.preset].x, CONV_PRESETS[self.preset].w
        return (input_values(self.pattern, self.c, self.h, self.w, self.seed),
                kernel_values(self.kernel, self.c, self.kh, self.kw, self.seed))


@dataclass(frozen=True)
class ConvolutionResult:
    """Everything the page shows about one layer's forward pass, computed once."""
    x: np.ndarray                    # input (C, H, W)
    kernel: np.ndarray               # kernel as stored (C, kh, kw)
    used_kernel: np.ndarray          # the kernel the window multiplies by: flipped for a true convolution
    xcorr: np.ndarray                # cross-correlation (what F.conv2d computes)
    conv: np.ndarray                 # true convolution (kernel flipped by 180°)
    torch_gap: float                 # y against F.conv2d with used_kernel
    identity_gap: float              # conv against F.conv2d with torch.flip(w)
    code: str                        # PyTorch code printing y
    flip: bool                       # the selected operation is the true convolution

    @property
    def y(self) -> np.ndarray:
        """The output of the selected operation."""
        return self.conv if self.flip else self.xcorr

    @property
    def differing_cells(self) -> int:
        """How many cells cross-correlation and true convolution disagree in."""
        return int(np.sum(~np.isclose(self.xcorr, self.conv)))


def convolution_result(layer: ConvLayer) -> ConvolutionResult:
    """Both operations once, and their gaps to torch (float64)."""
    x, kernel = layer.arrays()
    xcorr = cross_correlate2d(x, kernel, layer.bias, layer.stride, layer.padding, layer.dilation)
    conv = convolve2d(x, kernel, layer.bias, layer.stride, layer.padding, layer.dilation)
    used = flip_kernel(kernel) if layer.flip else kernel
    y = conv if layer.flip else xcorr                                     # one of the two, not a third run
    return ConvolutionResult(
        x=x, kernel=kernel, used_kernel=used, xcorr=xcorr, conv=conv,
        torch_gap=max_abs_difference(y, conv2d_torch(x, used, layer.bias, layer.stride, layer.padding, layer.dilation)),
        identity_gap=max_abs_difference(
            conv, convolve2d_torch(x, kernel, layer.bias, layer.stride, layer.padding, layer.dilation)),
        code=conv2d_snippet(x, kernel, layer.bias, layer.stride, layer.padding, layer.dilation, flip=layer.flip),
        flip=layer.flip)


def window_stage_scene(layer: ConvLayer) -> dict:
    """The stage's sliding window for `layer` (convviz.lessons.scenes.convolution.window_scene); the exports draw it too."""
    x, kernel = layer.arrays()
    return window_scene(x, kernel, layer.bias, layer.stride, layer.padding, layer.dilation, layer.flip)


def step_scene(layer: ConvLayer, pos: int) -> Scene:
    """The sliding window at output cell `pos`, as an exportable scene."""
    return export_frame(window_stage_scene(layer), pos)


def step_scenes(layer: ConvLayer) -> list[Scene]:
    return export_frames(window_stage_scene(layer))


UPSTREAM = {"ones": "δ = 1 everywhere (L = sum of the outputs)", "random": "random δ (from the seed)"}


def backward_pass(layer: ConvLayer, upstream: str) -> dict:
    """The page's backward-pass sentences evaluated (convviz.backprop.stated_gradients), and the gaps to autograd.

    upstream: "ones" (δ = 1 everywhere, L = Σ y) or "random" (δ seeded by the view's seed).
    gap: stated_gradients vs autograd, all three gradients. For the true-convolution forward also
    note003_gap (z sliding over δ, note 003 item 2) and delta_over_z_gap (δ sliding over z; stride 1, dilation 1).
    """
    x, w = layer.arrays()
    stride, padding, dilation, flip = layer.stride, layer.padding, layer.dilation, layer.flip
    x3 = x if x.ndim == 3 else x[None]
    w4 = w.reshape((-1, x3.shape[0]) + w.shape[-2:])                     # (C_out, C, kh, kw)
    y_shape = output_shape(x.shape[-2:], w.shape[-2:], stride, padding, dilation)
    delta = np.ones(y_shape) if upstream == "ones" else np.round(np.random.default_rng(layer.seed + 1).normal(size=y_shape), 1)
    stated = stated_gradients(x3, w4, delta[None], stride, padding, dilation, flip=flip)
    autograd = conv_backward_torch(x3, w4, delta[None], stride, padding, dilation, flip=flip)
    names = {"input": "grad_input", "weight": "grad_weight", "bias": "grad_bias"}
    out = {"delta": delta, "grad_input": stated["input"], "grad_weight": stated["weight"][0],
           "grad_bias": float(stated["bias"][0]),
           "gap": max(max_abs_difference(stated[k], autograd[names[k]]) for k in names)}
    (_, *h_axis), (_, *w_axis) = layer.axes
    out["reads"] = np.outer(read_counts(*h_axis), read_counts(*w_axis))
    if flip:
        kernel_hw = w.shape[-2:]
        out["note003_gap"] = max_abs_difference(
            note_003_weight_gradient(x3, delta[None], kernel_hw, stride, padding, dilation), autograd["grad_weight"])
        if stride == (1, 1) and dilation == (1, 1):
            out["delta_over_z_gap"] = max_abs_difference(
                delta_slides_over_z(x3, delta[None], kernel_hw, padding), autograd["grad_weight"])
    return out


def read_count_sentence(reads: np.ndarray) -> str:
    """The sentence on how often each input cell is read, generated from the read counts (never "corners
    fewest" where they are not: with n 5, k 3, s 2, p 2 a row reads [2, 1, 2, 1, 2])."""
    lo, hi = int(reads.min()), int(reads.max())
    windows = lambda c: f"{c} window" + ("" if c == 1 else "s")      # noqa: E731
    if lo == hi:
        return f"Here every input cell is read by the same number of windows, {lo}, so ∂L/∂x is the same sum everywhere."
    corners = sorted({int(reads[0, 0]), int(reads[0, -1]), int(reads[-1, 0]), int(reads[-1, -1])})
    fewest = int((reads == lo).sum())
    text = f"Here input cells are read by {lo} to {windows(hi)}; "
    if corners == [lo]:
        text += f"the corners are among the {fewest} cells read by the fewest ({lo})."
    else:
        text += (f"the corners by {' or '.join(map(str, corners))}, and the fewest ({lo}) is read by "
                 f"{fewest} cell{'' if fewest == 1 else 's'}" + (", not all of them corners." if lo in corners
                                                                  else ", none of them a corner."))
    if lo == 0:
        text += " A cell no window reads gets ∂L/∂x = 0 (the stride skips it)."
    return text


def note_003_caption(back: dict) -> str:
    """The caption on note 003's wording of item 2, with the gaps backward_pass measured."""
    if "note003_gap" not in back:
        return ("Note 003 writes the forward pass as a true convolution, z = w * x: choose *True convolution* above "
                "to check its item 2, \"the cross-correlation of z with δ\", against autograd.")
    text = ("Note 003 writes the forward pass as a true convolution, z = w * x (selected). Its item 2, "
            "∂L/∂w[m, n] = Σ δ[i, j] z[i−m, j−n], is \"the cross-correlation of z with δ\" read with **z sliding over δ** "
            "(δ padded by k − 1 zeros on each side; for stride s, s − 1 zeros between δ's entries; for dilation d, padded "
            f"by d(k − 1) and read every d cells): max |difference| to autograd = **{back['note003_gap']:.1e}**.")
    if "delta_over_z_gap" in back:
        text += (" Read the other way round, δ sliding over z, it gives rot180(∂L/∂w): max |difference| = "
                 f"**{back['delta_over_z_gap']:.1e}**.")
    return text + " Its items 1 and 3 are right as printed."


def filter_figures(name: str):
    """(kernel figure, original photo, filtered photo) for one classic filter."""
    label, kernel, _ = CLASSIC_FILTERS[name]
    photo = sample_photo()
    filtered = display_range(apply_filter(photo, kernel), kernel)
    written, title = kernel_as_written(name)
    return (grid_figure(written, title=title),
            image_figure(photo, "camera (scikit-image sample)"),
            image_figure(filtered, f"after {label}"))
