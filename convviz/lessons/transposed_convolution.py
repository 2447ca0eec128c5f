"""The Transposed convolution lesson (pages/transposed_convolution.py): its settings, numbers and figures.

`TransposedLayer` is the page's settings, checked once when it is made; the builders below take
it (or a section's few numbers) and return what a section draws. No streamlit here:
convviz/ui/cache/transposed_convolution.py caches these. The PyTorch code the page prints is made by
convviz.lessons.snippets.transposed_convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import output_padding_to_invert, transposed_output_size
from convviz.figures.transposed_convolution import (direct_figure, matrix_figure, overlap_figures, panels_figure,
                                                    pixel_shuffle_figure, scatter_figure)
from convviz.lessons.settings_error import SettingsError as LayerError
from convviz.lessons.shared.examples import example_problem, input_values, kernel_values
from convviz.lessons.scenes.common import export_frame, export_frames
from convviz.lessons.scenes.transposed_convolution import scatter_scene as scatter_scene  # the UI calls lesson.scatter_scene
from convviz.lessons.snippets.transposed_convolution import conv_transpose2d_snippet, upsample_snippet
from convviz.matrix import conv_matrix_1d
from convviz.pooling import max_pool2d
from convviz.slides.exports import Scene
from convviz.torch_ref.checks import max_abs_difference
from convviz.transposed import (DirectEquivalent, adjoint_check, conv_inputs_for_output, conv_transpose2d,
                                direct_equivalent, overlap_counts, overlap_counts_2d,
                                transposed_output_shape)
from convviz.torch_ref.transposed import conv_transpose2d_torch, strided_conv_input_gradient, trans_conv_note_000
from convviz.upsample import (bed_of_nails, checkerboard_remedies, interior_spread, max_unpool2d, pixel_shuffle,
                              pixel_shuffle_example, pixel_unshuffle, remedy_border, upsample)
from convviz.torch_ref.upsample import fixed_unpooling_torch, pixel_shuffle_torch, upsample_torch
from convviz.zoo import max_pool2d_winners

# Note 000, "Transposed convolution": input [[0, 1], [2, 3]], kernel [[0, 1], [2, 3]], stride 2.
NOTE_000 = dict(x=np.array([[0.0, 1.0], [2.0, 3.0]]), w=np.array([[0.0, 1.0], [2.0, 3.0]]))
PRESETS = {"none": "Your own settings", "note000": "Note 000: 2×2 input, 2×2 kernel, stride 2"}


@dataclass(frozen=True)
class TransposedLayer:
    """One view of the transposed-convolution page: one input map, a k×k kernel and the layer's settings.

    Making one checks it (LayerError, a ValueError, with the messages the page shows: "H", "W"
    for the output size per axis, "kernel" for a named filter of another size); it is hashable,
    so the cached builders key on it.
    """
    h: int = 3
    w: int = 3
    k: int = 3
    s: int = 2                         # stride
    p: int = 0                         # padding: crops p cells from each side of the output
    output_padding: int = 0            # extra rows/columns at the bottom/right (Dumoulin & Visin's a)
    d: int = 1                         # dilation
    preset: str = "none"               # "note000": note 000's arrays replace pattern/kernel
    pattern: str = "random"            # a key of INPUT_PATTERNS
    kernel: str = "random"             # a key of KERNEL_CHOICES
    seed: int = 0

    def __post_init__(self):
        problems = {}
        for axis, n in (("H", self.h), ("W", self.w)):
            try:
                transposed_output_size(n, self.k, self.s, self.p, self.output_padding, self.d)
            except ValueError as error:
                problems[axis] = str(error)
        if example := example_problem(self.preset, PRESETS, self.pattern, self.kernel, self.k, self.k):
            problems["kernel"] = example
        if problems:
            raise LayerError(problems)

    @classmethod
    def from_preset(cls, preset: str, **settings) -> "TransposedLayer":
        """The layer for `settings`, with note 000's sizes when `preset` is "note000"."""
        if preset == "note000":
            settings.update(h=2, w=2, k=2, s=2, p=0, output_padding=0, d=1)
        return cls(preset=preset, **settings)

    @property
    def output_shape(self) -> tuple[int, int]:
        return transposed_output_shape((self.h, self.w), (self.k, self.k), self.s, self.p, self.output_padding, self.d)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The input (H, W) and kernel (k, k) this view shows (cheap; seeded)."""
        if self.preset == "note000":
            return NOTE_000["x"], NOTE_000["w"]
        return (input_values(self.pattern, 1, self.h, self.w, self.seed)[0],
                kernel_values(self.kernel, 1, self.k, self.k, self.seed)[0])


@dataclass(frozen=True)
class TransposedResult:
    """Everything the page shows about one layer's output, computed once."""
    x: np.ndarray                    # input (H, W)
    kernel: np.ndarray               # kernel (k, k)
    y: np.ndarray                    # the scatter (conv_transpose2d)
    direct: DirectEquivalent         # the same numbers from a plain stride-1 convolution
    direct_gap: float                # y against the direct convolution
    torch_gap: float                 # y against F.conv_transpose2d (float64)
    code: str                        # PyTorch code printing y
    adjoint_output_padding: int      # output_padding used by the adjoint check (0 when ≥ stride: no conv's transpose)
    adjoint_shape: tuple             # the size a convolution with the same k, s, p, d maps to (H, W)
    adjoint: tuple                   # (⟨conv(x), y⟩, ⟨x, conv_transpose(y)⟩) for random x, y seeded by the view


def transposed_result(layer: TransposedLayer) -> TransposedResult:
    """The scatter once, the direct convolution and torch against it, and the adjoint identity."""
    x, kernel = layer.arrays()
    s, p, a, d = layer.s, layer.p, layer.output_padding, layer.d
    y = conv_transpose2d(x, kernel, stride=s, padding=p, output_padding=a, dilation=d)
    eq = direct_equivalent(x, kernel, None, s, p, a, d)
    a_adj = a if a < s else 0        # output_padding ≥ s (allowed by a larger dilation) is no conv's transpose
    big = transposed_output_shape((layer.h, layer.w), (layer.k, layer.k), s, p, a_adj, d)
    rng = np.random.default_rng(layer.seed)
    xa, ya = rng.standard_normal(big), rng.standard_normal(x.shape)
    return TransposedResult(
        x=x, kernel=kernel, y=y, direct=eq, direct_gap=max_abs_difference(y, eq.output),
        torch_gap=max_abs_difference(y, conv_transpose2d_torch(x, kernel, None, s, p, a, d)),
        code=conv_transpose2d_snippet(x, kernel, s, p, a, d), adjoint_output_padding=a_adj, adjoint_shape=big,
        adjoint=adjoint_check(xa, ya, kernel, s, p, d))


def step_scene(layer: TransposedLayer, step: int) -> Scene:
    """The scatter at input cell `step`, as an exportable scene (the stage's scatter_scene, drawn for slides)."""
    return export_frame(scatter_scene(layer), step)


def step_scenes(layer: TransposedLayer) -> list[Scene]:
    return export_frames(scatter_scene(layer))


def scatter_view(layer: TransposedLayer, active: int):
    """The scatter figure with input cell `active` stamping."""
    x, kernel = layer.arrays()
    return scatter_figure(x, kernel, layer.s, layer.p, layer.output_padding, layer.d, active=active)


def direct_view(layer: TransposedLayer):
    """The zero-inserted, padded input and the flipped kernel of the equivalent direct convolution."""
    x, kernel = layer.arrays()
    eq = direct_equivalent(x, kernel, None, layer.s, layer.p, layer.output_padding, layer.d)
    return direct_figure(eq, x.shape, layer.s)


def output_padding_rows(h: int, k: int, s: int, p: int, d: int, a: int) -> list[dict]:
    """The convolution input sizes that give output h (each with the output_padding that picks it); raises ValueError."""
    return [{"conv input size": n, "conv output (= this H)": h,
             "output_padding a = (n + 2p − d(k−1) − 1) mod s": output_padding_to_invert(n, k, s, p, d),
             "your setting": "◀ shown" if output_padding_to_invert(n, k, s, p, d) == a else ""}
            for n in conv_inputs_for_output(h, k, s, p, d)]


# --- Note 000's 1-D derivation ---------------------------------------------------------------------
NOTE_000_1D = dict(n=6, f=3, s=1, w=(1.0, 2.0, 3.0))   # the note's case: stride 1, no padding


def note_000_1d() -> dict:
    """The 1-D matrix A of note 000's derivation, a y, Aᵀy, and the scatter (conv_transpose) of y."""
    n, f, s, w = NOTE_000_1D["n"], NOTE_000_1D["f"], NOTE_000_1D["s"], np.array(NOTE_000_1D["w"])
    A = conv_matrix_1d(n, w, stride=s)
    y = np.arange(1.0, A.shape[0] + 1)
    a = output_padding_to_invert(n, f, s)
    scatter = conv_transpose2d(y[None], w[None], stride=(1, s), output_padding=(0, a))[0]
    return {"A": A, "y": y, "ATy": A.T @ y, "scatter": scatter}


def adjoint_figures(n: int, weights: tuple, stride: int):
    """Figures of the 1-D convolution matrix A (conv_matrix_1d) and of Aᵀ; with weights (1, 2, …)
    each cell is labelled by its weight's name, w1, w2, …"""
    a = conv_matrix_1d(n, np.array(weights, dtype=np.float64), stride=stride)
    labels = np.where(a == 0, "", np.vectorize(lambda v: f"w{int(v)}" if v else "")(a))
    return (matrix_figure(a, f"A ({a.shape[0]}×{a.shape[1]}): the convolution", labels),
            matrix_figure(a.T, f"Aᵀ ({a.shape[1]}×{a.shape[0]}): the transposed convolution", labels.T))


def channel_example(c_in: int, c_out: int, h: int, w: int, k: int, seed: int) -> dict:
    """Note 000's formal definition with channels and bias: seeded small integers, the output by
    conv_transpose2d, and its gaps to the note's loop and to F.conv_transpose2d."""
    rng = np.random.default_rng(seed + 3000)
    y = rng.integers(0, 5, size=(c_in, h, w)).astype(np.float64)
    kernel = rng.integers(-2, 3, size=(c_in, c_out, k, k)).astype(np.float64)
    bias = rng.integers(-3, 4, size=c_out).astype(np.float64)
    x = conv_transpose2d(y, kernel, bias)
    return {"y": y, "w": kernel, "b": bias, "x": x,
            "note_gap": float(np.abs(trans_conv_note_000(y, kernel, bias) - x).max()),
            "torch_gap": float(np.abs(conv_transpose2d_torch(y, kernel, bias) - x).max())}


# --- Checkerboard --------------------------------------------------------------------------------
def checkerboard_figures(n: int, k: int, s: int):
    """(1-D bars, 2-D grid) of how many stamps each output of an n-input, k-kernel, stride-s scatter receives."""
    return overlap_figures(overlap_counts(n, k, s), overlap_counts_2d((n, n), (k, k), (s, s)))


def checkerboard(n: int, k: int, s: int) -> dict:
    """The overlap counts, checked twice: a constant scatter equals them, and so does the gradient of a strided conv."""
    counts = overlap_counts_2d((n, n), (k, k), (s, s))
    constant_out = conv_transpose2d(np.ones((n, n)), np.ones((k, k)), stride=s)
    n_grad = (n - 1) * s + k
    grad = strided_conv_input_gradient(n_grad, k, s)
    return {"counts": counts, "constant_gap": max_abs_difference(constant_out, counts), "even": k % s == 0,
            "n_grad": n_grad, "grad": grad, "grad_gap": max_abs_difference(grad, counts)}


CHECKERBOARD_RANGES = {"cb_k": (1, 7), "cb_s": (1, 4), "cb_n": (2, 8)}      # the section's controls: k, s, n
CHECKERBOARD_NAMES = {"cb_k": "k", "cb_s": "s", "cb_n": "n"}


def remedies_fit(n: int, k: int, s: int) -> bool:
    """Whether every remedy can run: resize-then-convolve slides a valid k×k window over the n·s × n·s
    upsampled input, so it needs n·s ≥ k (the other five always run for n ≥ 2; tested over the whole range)."""
    return n * s >= k


def remedies_problem(n: int, k: int, s: int, kept: str = "cb_k") -> tuple[str, dict] | None:
    """None when the remedies run; otherwise (why, in the lesson's words; the nearest setting that works, as
    {control key: value}) with the control `kept` (the one the student changed last) left as it is."""
    if remedies_fit(n, k, s):
        return None
    values = {"cb_k": k, "cb_s": s, "cb_n": n}
    candidates = []
    for k2 in range(CHECKERBOARD_RANGES["cb_k"][0], CHECKERBOARD_RANGES["cb_k"][1] + 1):
        for s2 in range(CHECKERBOARD_RANGES["cb_s"][0], CHECKERBOARD_RANGES["cb_s"][1] + 1):
            for n2 in range(CHECKERBOARD_RANGES["cb_n"][0], CHECKERBOARD_RANGES["cb_n"][1] + 1):
                new = {"cb_k": k2, "cb_s": s2, "cb_n": n2}
                if new[kept] == values[kept] and remedies_fit(n2, k2, s2):
                    changed = sum(new[key] != values[key] for key in new)
                    candidates.append((changed, sum(abs(new[key] - values[key]) for key in new), list(new.values()), new))
    why = (f"Resize-then-convolve slides a {k}×{k} window over the input upsampled ×{s}: n·s = {n}·{s} = {n * s} "
           f"cells, fewer than the kernel's {k}, so no window fits (a valid convolution needs n·s ≥ k). The counts "
           "and the gradient above do not need it.")
    if not candidates:
        return why, {}
    best = min(candidates)[-1]
    return why, {key: value for key, value in best.items() if value != values[key]}


def remedies(kind: str, n: int, k: int, s: int):
    """(panels, figure, table rows) for the six ways to upsample; the ICNR demo is initialisation only (milliseconds)."""
    panels = checkerboard_remedies(kind, n, k, s)
    border = remedy_border(k, s)
    rows = [{"method": name, "output": f"{out.shape[0]}×{out.shape[1]}",
             f"(max − min)/mean, {border} cells in from the edges": round(interior_spread(out, border), 4)}
            for name, out in panels]
    return panels, panels_figure(panels), rows


# --- Fixed upsampling ----------------------------------------------------------------------------
UPSAMPLE_INPUTS = {"note000": "Note 000: [[6, 8], [3, 4]]", "random": "Random 3×3"}


def upsample_input(kind: str, seed: int) -> np.ndarray:
    """Note 000's [[6, 8], [3, 4]], or a seeded random 3×3 of digits."""
    if kind == "note000":
        return np.array([[6.0, 8.0], [3.0, 4.0]])
    return np.random.default_rng(seed).integers(0, 10, (3, 3)).astype(np.float64)


def upsampled(kind: str, seed: int, scale: int, mode: str, align_corners: bool) -> dict:
    """The fixed upsampling of upsample_input, its gap to F.interpolate and the code printing it."""
    x = upsample_input(kind, seed)
    ac = align_corners and mode == "bilinear"          # torch refuses align_corners with nearest
    y = upsample(x, scale, mode, ac)
    return {"x": x, "y": y, "align_corners": ac, "gap": max_abs_difference(y, upsample_torch(x, scale, mode, ac)),
            "code": upsample_snippet(x, scale, mode, ac),
            "note_000": kind == "note000" and mode == "bilinear" and scale == 2 and not ac}


def unpooling(x: tuple, scale: int, seed: int) -> dict:
    """Bed of nails of x, and max unpooling of a seeded (2s)×(2s) encoder map, with their torch gaps."""
    x = np.array(x, dtype=np.float64)
    encoder_input = np.random.default_rng(seed + 4000).integers(0, 10, (2 * scale, 2 * scale)).astype(np.float64)
    nails = bed_of_nails(x, scale)
    pooled = max_pool2d(encoder_input, scale)
    unpooled = max_unpool2d(pooled, max_pool2d_winners(encoder_input, scale), encoder_input.shape)
    torch_nails, torch_unpooled = fixed_unpooling_torch(x, encoder_input, scale)
    return {"nails": nails, "encoder_input": encoder_input, "pooled": pooled, "unpooled": unpooled,
            "nails_gap": float(np.abs(nails - torch_nails).max()), "unpool_gap": float(np.abs(unpooled - torch_unpooled).max())}


def pixel_shuffle_demo(r: int) -> dict:
    """r² channels of 2×2 (channel c holds 10c + position) shuffled into one 2r×2r map, checked against torch."""
    x = pixel_shuffle_example(r)                                                       # (r², 2, 2)
    shuffled = pixel_shuffle(x, r)                                                     # (1, 2r, 2r)
    return {"x": x, "shuffled": shuffled, "torch_gap": max_abs_difference(shuffled, pixel_shuffle_torch(x, r)),
            "round_trip_gap": max_abs_difference(pixel_unshuffle(shuffled, r), x)}


def pixel_shuffle_view(r: int):
    """The pixel-shuffle picture for r² channels of 2×2, channel c holding 10c + position."""
    x = pixel_shuffle_example(r)
    return pixel_shuffle_figure(x, r, pixel_shuffle(x, r))
