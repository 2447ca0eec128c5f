"""Checkerboard artifacts in images, across layers and in gradients (Odena, Dumoulin, Olah 2016,
"Deconvolution and Checkerboard Artifacts", Distill; Aitken et al. 2017 for ICNR).

Decoders with random weights, before any training. The input is a seeded (C0 = 16, n, n) feature map,
z ~ N(0, 1) (a generator's latent grid). Each of `layers` ×2 upsampling layers maps 16 channels to 16
(the last one to 1), ReLU between layers (none after the last):

    transposed_k3s2     conv_transpose2d(k=3, s=2, p=1, output_padding=1)      uneven overlap (1, 2, 1, 2 …)
    transposed_k4s2     conv_transpose2d(k=4, s=2, p=1)                        even overlap, uneven weights
    resize_conv         nearest ×2, then conv2d(k=3, p=1)                      Odena et al.'s remedy
    pixel_shuffle       conv2d(k=3, p=1) to 4·C_out channels, pixel_shuffle(2) four unrelated filters
    pixel_shuffle_icnr  the same with ICNR: the 4 sub-pixel filters (and biases) of each output channel
                        equal, so the layer is nearest ×2 after conv2d (Aitken et al.)

Weights are drawn like torch's default initialisation (kaiming_uniform_ with a = √5, and the bias):
U(−1/√fan_in, 1/√fan_in) for both, fan_in = weight.shape[1]·k·k, i.e. C_in·k² for conv2d and C_out·k²
for conv_transpose2d (torch reads its (C_in, C_out, k, k) layout's dim 1 as fan_in). Everything comes
from one numpy Generator, default_rng(seed), in this order: z, then each layer's weight and bias,
so the torch twin (convviz.torch_ref.checkerboard) runs the same arrays.

The measure (`periodic_power_share`): P(u, v) = |DFT2(y − mean y)|² over the N_h × N_w image. The
period-p lines are the rows u ∈ {m·N_h/p : m = 1 … p−1} and the columns v ∈ {m·N_w/p : m = 1 … p−1}
of the spectrum (a cell on both counts once): every frequency whose pattern repeats after p pixels
down or across. The share is their power over the total power (the mean removed, so DC counts for
neither). Period 2 is the Nyquist row and column, the checkerboard; period 4 includes them.
"""

from __future__ import annotations

import numpy as np

from convviz.conv import cross_correlate2d
from convviz.transposed import conv_transpose2d
from convviz.upsample import icnr, pixel_shuffle, upsample

KINDS = ("transposed_k3s2", "transposed_k4s2", "resize_conv", "pixel_shuffle", "pixel_shuffle_icnr")
KIND_LABELS = {
    "transposed_k3s2": "transposed conv k3 s2",
    "transposed_k4s2": "transposed conv k4 s2",
    "resize_conv": "nearest ×2 + conv k3",
    "pixel_shuffle": "pixel shuffle",
    "pixel_shuffle_icnr": "pixel shuffle + ICNR",
}
GRADIENT_KINDS = ("strided", "pooled")
WIDTH = 16           # channels of the input and of every hidden layer
MAX_LAYERS = 5
MAX_SIZE = 32


def torch_default_uniform(rng: np.random.Generator, shape, fan_in: int) -> np.ndarray:
    """U(−1/√fan_in, 1/√fan_in): torch's default for a conv's weight (kaiming_uniform_, a = √5) and bias."""
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape)


def _layer_weights(kind: str, rng: np.random.Generator, c_in: int, c_out: int) -> tuple[np.ndarray, np.ndarray]:
    """(weight, bias) of one ×2 layer in torch's layout for its op (conv: (C_out', C_in, k, k);
    transposed: (C_in, C_out, k, k)), drawn weight first."""
    if kind in ("transposed_k3s2", "transposed_k4s2"):
        k = 3 if kind == "transposed_k3s2" else 4
        w = torch_default_uniform(rng, (c_in, c_out, k, k), c_out * k * k)
        return w, torch_default_uniform(rng, (c_out,), c_out * k * k)
    if kind == "resize_conv":
        return (torch_default_uniform(rng, (c_out, c_in, 3, 3), c_in * 9),
                torch_default_uniform(rng, (c_out,), c_in * 9))
    if kind == "pixel_shuffle":
        return (torch_default_uniform(rng, (4 * c_out, c_in, 3, 3), c_in * 9),
                torch_default_uniform(rng, (4 * c_out,), c_in * 9))
    if kind == "pixel_shuffle_icnr":   # ICNR: one filter (and bias) per output channel, repeated 4 times
        w0 = torch_default_uniform(rng, (c_out, c_in, 3, 3), c_in * 9)
        b0 = torch_default_uniform(rng, (c_out,), c_in * 9)
        return icnr(w0, 2), np.repeat(b0, 4)
    raise ValueError(f"Unknown decoder {kind!r}; choose one of {', '.join(KINDS)}.")


def check_decoder(kind: str, size: int, layers: int) -> None:
    """ValueError with a plain sentence for settings the decoders do not take."""
    if kind not in KINDS:
        raise ValueError(f"Unknown decoder {kind!r}; choose one of {', '.join(KINDS)}.")
    if not (isinstance(size, (int, np.integer)) and 1 <= size <= MAX_SIZE):
        raise ValueError(f"The input size must be a whole number from 1 to {MAX_SIZE}, got {size!r}.")
    if not (isinstance(layers, (int, np.integer)) and 1 <= layers <= MAX_LAYERS):
        raise ValueError(f"The number of layers must be a whole number from 1 to {MAX_LAYERS}, got {layers!r}.")


def decoder_weights(kind: str, seed: int = 0, size: int = 8, layers: int = 3):
    """(z (16, size, size), [(weight, bias) per layer]): everything decoder_output uses, from default_rng(seed)."""
    check_decoder(kind, size, layers)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((WIDTH, size, size))
    channels = [WIDTH] * layers + [1]
    return z, [_layer_weights(kind, rng, channels[i], channels[i + 1]) for i in range(layers)]


def upsampling_layer(kind: str, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One ×2 layer of `kind` on x (C_in, H, W) -> (C_out, 2H, 2W)."""
    if kind == "transposed_k3s2":
        return conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    if kind == "transposed_k4s2":
        return conv_transpose2d(x, w, b, stride=2, padding=1)
    if kind == "resize_conv":
        return cross_correlate2d(upsample(x, 2, "nearest"), w, b, padding=1)
    if kind in ("pixel_shuffle", "pixel_shuffle_icnr"):
        return pixel_shuffle(cross_correlate2d(x, w, b, padding=1), 2)
    raise ValueError(f"Unknown decoder {kind!r}; choose one of {', '.join(KINDS)}.")


def decoder_stages(kind: str, seed: int = 0, size: int = 8, layers: int = 3) -> list[np.ndarray]:
    """Every layer's output (C, H, W), before the ReLU that follows it; the last one is (1, N, N)."""
    z, params = decoder_weights(kind, seed, size, layers)
    x, stages = z, []
    for i, (w, b) in enumerate(params):
        y = upsampling_layer(kind, x, w, b)
        stages.append(y)
        x = np.maximum(y, 0.0) if i < len(params) - 1 else y
    return stages


def decoder_output(kind: str, seed: int = 0, size: int = 8, layers: int = 3) -> np.ndarray:
    """The image (size·2^layers, size·2^layers) a random decoder of `kind` makes from a seeded input."""
    return decoder_stages(kind, seed, size, layers)[-1][0]


def power_spectrum(image) -> np.ndarray:
    """|DFT2(y − mean y)|², zero frequency at [0, 0] (numpy's order), same shape as the image (or 1-D signal)."""
    y = np.asarray(image, dtype=np.float64)
    return np.abs(np.fft.fftn(y - y.mean())) ** 2


def periodic_mask(shape, period: int = 2) -> np.ndarray:
    """True on the period-p lines: index u along an axis of length N with u = m·N/p, m = 1 … p−1 (any axis)."""
    if not (isinstance(period, (int, np.integer)) and period >= 2):
        raise ValueError(f"The period must be a whole number of at least 2, got {period!r}.")
    mask = np.zeros(shape, dtype=bool)
    for axis, n in enumerate(shape):
        if n % period:
            raise ValueError(f"A side of {n} pixels is not a multiple of the period {period}.")
        index = [slice(None)] * len(shape)
        index[axis] = np.arange(n // period, n, n // period)
        mask[tuple(index)] = True
    return mask


def periodic_power_share(image, period: int = 2) -> float:
    """Share of the spectrum's power (mean removed) on the period-p lines (module docstring); 0 for a flat image."""
    power = power_spectrum(image)
    mask = periodic_mask(power.shape, period)
    total = float(power.sum())
    return float(power[mask].sum()) / total if total > 1e-300 else 0.0


# --- gradients: a strided convolution's backward pass is a transposed convolution ----------------

def gradient_weights(kind: str, seed: int = 0) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.random.Generator]:
    """The three conv layers (1 -> 16 -> 16 -> 16, k3) of `kind`, torch's default init, from default_rng(seed);
    the generator is returned to draw the projection next."""
    if kind not in GRADIENT_KINDS:
        raise ValueError(f"Unknown network {kind!r}; choose strided or pooled.")
    rng = np.random.default_rng(seed)
    channels = [1, WIDTH, WIDTH, WIDTH]
    params = [(torch_default_uniform(rng, (channels[i + 1], channels[i], 3, 3), channels[i] * 9),
               torch_default_uniform(rng, (channels[i + 1],), channels[i] * 9)) for i in range(3)]
    return params, rng


def check_gradient_image(image) -> np.ndarray:
    """The image as (H, W) float64; H and W must be multiples of 8 (three halvings), at least 8."""
    x = np.asarray(image, dtype=np.float64)
    if x.ndim != 2 or min(x.shape) < 8 or x.shape[0] % 8 or x.shape[1] % 8:
        raise ValueError(f"The image must be 2-D with sides that are multiples of 8, got shape {x.shape}.")
    return x


def input_gradient(kind: str, image, seed: int = 0) -> np.ndarray:
    """∂⟨r, f(x)⟩/∂x for a random network f and a random projection r ~ N(0, 1) of its output.

    strided: three conv2d(k3, s2, p1); pooled: three × (conv2d(k3, s1, p1), then avg_pool2d(2)); ReLU after
    every layer but the last. The backward pass by hand: a conv's input gradient is conv_transpose2d of the
    upstream gradient with the same weight (stride and padding; output_padding restores the size), 2×2
    average pooling's is nearest ×2 divided by 4, ReLU's is the mask y > 0. Returns (H, W) like the image.
    """
    x = check_gradient_image(image)
    params, rng = gradient_weights(kind, seed)
    stride = 2 if kind == "strided" else 1
    a, pre, inputs = x[None], [], []
    for i, (w, b) in enumerate(params):
        inputs.append(a)
        y = cross_correlate2d(a, w, b, stride=stride, padding=1)
        pre.append(y)
        a = np.maximum(y, 0.0) if i < 2 else y
        if kind == "pooled":
            a = 0.25 * (a[:, 0::2, 0::2] + a[:, 1::2, 0::2] + a[:, 0::2, 1::2] + a[:, 1::2, 1::2])
    g = rng.standard_normal(a.shape)                                   # r, and ∂⟨r, f⟩/∂f = r
    for i in reversed(range(3)):
        w, _ = params[i]
        if kind == "pooled":
            g = upsample(g, 2, "nearest") / 4.0
        if i < 2:
            g = g * (pre[i] > 0)
        h, wd = inputs[i].shape[1:]
        out_pad = ((h + 2 - 3) % stride, (wd + 2 - 3) % stride)
        g = conv_transpose2d(g, w, stride=stride, padding=1, output_padding=out_pad)
    return g[0]


# --- the 1-D stack: overlap counts compound across layers -----------------------------------------

def stack_1d(n: int, layers) -> list[np.ndarray]:
    """A constant input of n ones through 1-D transposed convolutions with constant kernels, (k, s) per layer
    in order (padding 0): every layer's output, the overlap counts of the whole stack so far. A stride-1 layer
    with k = 2 averages neighbours, which evens out a period-2 pattern."""
    if not 1 <= int(n) <= 64:
        raise ValueError(f"The input length must be from 1 to 64, got {n!r}.")
    x, outputs = np.ones((1, int(n))), []
    for k, s in layers:
        if not (1 <= int(k) <= 8 and 1 <= int(s) <= 4):
            raise ValueError(f"Each layer needs a kernel size from 1 to 8 and a stride from 1 to 4, got k={k}, s={s}.")
        x = conv_transpose2d(x, np.ones((1, int(k))), stride=(1, int(s)))
        outputs.append(x[0].copy())
    return outputs


def interior(signal: np.ndarray, border: int) -> np.ndarray:
    """The signal without `border` cells at each end (all of it when that would leave nothing)."""
    signal = np.asarray(signal, dtype=np.float64)
    return signal[border:-border] if border and signal.size > 2 * border else signal


def interior_ratio(signal: np.ndarray, border: int) -> float:
    """max / min of the interior: 1 means even, 2 means some outputs get twice the stamps of others."""
    inner = interior(signal, border)
    low = float(inner.min())
    return float(inner.max()) / low if low > 0 else float("inf")


def stack_border(layers) -> int:
    """Cells at each end of the stack's output that see fewer inputs than the interior: what a border of
    k−1 input cells becomes after the later layers (their strides multiply), summed over the layers."""
    border, scale = 0, 1
    for k, s in reversed(list(layers)):
        border += (int(k) - 1) * scale
        scale *= int(s)
    return border


def stack_shares(signal: np.ndarray, border: int) -> dict[int, float]:
    """{2: share, 4: share} of the interior's power on the period-2 and period-4 frequencies (periodic_power_share
    in 1-D), the interior cut to a whole number of 4-cell periods from its start."""
    inner = interior(signal, border)
    inner = inner[: inner.size - inner.size % 4]
    if inner.size < 4:
        return {2: 0.0, 4: 0.0}
    return {p: periodic_power_share(inner, p) for p in (2, 4)}


# --- the trained ×2 upsamplers (convviz/restoration/models/upsamplers.py), run in numpy ---------------

TRAINED = {"checker_transposed": "transposed_k3s2", "checker_resize": "resize_conv", "checker_icnr": "pixel_shuffle_icnr"}


def trained_upsample(arch: str, weights: dict, low) -> np.ndarray:
    """The trained upsampler `arch` on low (H, W): ReLU(conv3x3), ReLU(conv3x3), then its ×2 layer, with the
    weights of its state_dict as numpy arrays (conv1.weight, conv1.bias, conv2.*, up.*). Returns (2H, 2W)."""
    if arch not in TRAINED:
        raise ValueError(f"Unknown upsampler {arch!r}; choose one of {', '.join(TRAINED)}.")
    x = np.asarray(low, dtype=np.float64)[None]
    for name in ("conv1", "conv2"):
        x = np.maximum(cross_correlate2d(x, weights[f"{name}.weight"], weights[f"{name}.bias"], padding=1), 0.0)
    return upsampling_layer(TRAINED[arch], x, weights["up.weight"], weights["up.bias"])[0]


def untrained_upsampler_weights(arch: str, seed: int = 0) -> dict:
    """Weights for trained_upsample as the net starts, torch's default initialisation (ICNR for checker_icnr),
    drawn from default_rng(seed): conv1, conv2, then the upsampling layer."""
    if arch not in TRAINED:
        raise ValueError(f"Unknown upsampler {arch!r}; choose one of {', '.join(TRAINED)}.")
    rng = np.random.default_rng(seed)
    weights = {"conv1.weight": torch_default_uniform(rng, (WIDTH, 1, 3, 3), 9),
               "conv1.bias": torch_default_uniform(rng, (WIDTH,), 9),
               "conv2.weight": torch_default_uniform(rng, (WIDTH, WIDTH, 3, 3), WIDTH * 9),
               "conv2.bias": torch_default_uniform(rng, (WIDTH,), WIDTH * 9)}
    weights["up.weight"], weights["up.bias"] = _layer_weights(TRAINED[arch], rng, WIDTH, 1)
    return weights
