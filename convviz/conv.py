"""2-D cross-correlation and true convolution in numpy, float64.

Deep-learning "convolution" layers (torch.nn.Conv2d, F.conv2d) compute cross-correlation:

    y[o, i, j] = b[o] + sum_c sum_a sum_b  w[o, c, a, b] · x_pad[c, i·s_h + a·d_h, j·s_w + b·d_w]

True convolution flips the kernel in both spatial axes first: s(i, j) = Σ_mn I(i − m, j − n) K(m, n)
(note 002, "Multi-dimension convolution"), i.e. cross-correlation with the kernel rotated by 180°
(note 003). Note 004's eq. 2 and Ex. 7.1 write * but compute a cross-correlation (no flip).
Shapes use torch's letters: x (C, H, W), w (C_out, C, kh, kw). Equal to F.conv2d in float64
to 1e-10 (tests/compute/test_conv.py).
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_size


def as_pair(value, name: str = "value") -> tuple[int, int]:
    """An int or an (h, w) pair as an (h, w) tuple of ints, torch's `_pair`."""
    if np.ndim(value) == 0:
        return int(value), int(value)
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be one number or a pair (h, w), got {value!r}.")
    return pair


def as_chw(x, channels: str = "C") -> np.ndarray:
    """x (H, W) or (C, H, W) as (C, H, W) float64."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x[None]                                              # (1, H, W)
    elif x.ndim != 3:
        raise ValueError(f"x must be (H, W) or ({channels}, H, W), got shape {x.shape}.")
    return x


def as_kernel(w, channels: int, transposed: bool = False) -> tuple[np.ndarray, bool]:
    """w as 4-D float64, and whether the caller gave a single output map (squeeze).

    Conv layout (transposed=False): (kh, kw), (C, kh, kw) or (C_out, C, kh, kw) -> (C_out, C, kh, kw).
    Transposed layout, torch's (transposed=True): (kh, kw) or (C_in, C_out, kh, kw), kept as (C_in, C_out, kh, kw).
    `channels` is the input's C, checked against the kernel's input-channel axis.
    """
    w = np.asarray(w, dtype=np.float64)
    layouts = ("(kh, kw) or torch's transposed layout (C_in, C_out, kh, kw)" if transposed
               else "(kh, kw), (C, kh, kw) or (C_out, C, kh, kw)")
    squeeze = w.ndim == 2 or (w.ndim == 3 and not transposed)
    if w.ndim == 2:
        if channels != 1:
            raise ValueError("A (kh, kw) kernel needs a 2-D input (H, W); give "
                             f"{'(C_in, C_out, kh, kw)' if transposed else '(C, kh, kw)'} for channels.")
        w = w[None, None]                                        # (1, 1, kh, kw)
    elif w.ndim == 3 and not transposed:
        w = w[None]                                              # (1, C, kh, kw)
    elif w.ndim != 4:
        raise ValueError(f"w must be {layouts}, got shape {w.shape}.")
    c_in = w.shape[0] if transposed else w.shape[1]
    if c_in != channels:
        where = " (its first axis)" if transposed else ""
        raise ValueError(f"The kernel has {c_in} input channels{where} but x has {channels}.")
    return w, squeeze


def standardize(x, w, bias=None, transposed: bool = False):
    """Bring x, w, bias to x (C, H, W), w 4-D (as_kernel's layouts), bias (C_out,) float64.

    Returns (x, w, bias, squeeze_channel): squeeze_channel is True when the caller gave a
    single output map (w of shape (kh, kw), or (C, kh, kw) for a conv) and expects (H', W') back.
    transposed=True reads w in torch's transposed layout (C_in, C_out, kh, kw).
    """
    x = as_chw(x, "C_in" if transposed else "C")
    w, squeeze = as_kernel(w, x.shape[0], transposed)
    c_out = w.shape[1] if transposed else w.shape[0]
    if bias is None:
        b = np.zeros(c_out)
    else:
        b = np.asarray(bias, dtype=np.float64)
        b = np.full(c_out, float(b)) if b.ndim == 0 else b.reshape(-1)
        if b.shape != (c_out,):
            raise ValueError(f"bias must be a number or have {c_out} entries, got shape {np.shape(bias)}.")
    return x, w, b, squeeze


def output_shape(input_hw, kernel_hw, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """(H', W') by conv_output_size on each axis."""
    (h, wd), (kh, kw) = input_hw, kernel_hw
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    return conv_output_size(h, kh, sh, ph, dh), conv_output_size(wd, kw, sw, pw, dw)


def cross_correlate2d(x, w, bias=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Cross-correlation, what F.conv2d computes (zero padding).

    x: (H, W) or (C, H, W). w: (kh, kw) (x 2-D), (C, kh, kw) -> (H', W'), or
    (C_out, C, kh, kw) -> (C_out, H', W'). bias: a number or (C_out,).
    """
    x, w, b, squeeze = standardize(x, w, bias)
    (sh, sw), (ph, pw), (dh, dw) = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    c_out, c_in, kh, kw = w.shape
    ho, wo = output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))                 # (C, H+2ph, W+2pw)
    y = np.zeros((c_out, ho, wo))
    for a in range(kh):
        for bb in range(kw):
            r0, c0 = a * dh, bb * dw
            patch = xp[:, r0 : r0 + (ho - 1) * sh + 1 : sh, c0 : c0 + (wo - 1) * sw + 1 : sw]  # (C, H', W')
            y += np.einsum("oc,chw->ohw", w[:, :, a, bb], patch)  # (C_out, H', W')
    y += b[:, None, None]
    return y[0] if squeeze else y


def flip_kernel(w) -> np.ndarray:
    """The kernel rotated by 180°: both spatial (last two) axes reversed."""
    return np.asarray(w, dtype=np.float64)[..., ::-1, ::-1].copy()


def convolve2d(x, w, bias=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    """True convolution: cross-correlation with the kernel flipped in both spatial axes.

    (x * w)[i, j] = sum_a sum_b x[i - a, j - b] w[a, b], which over the valid window equals
    sum_a sum_b x[i + a, j + b] w[kh-1-a, kw-1-b]. Same arguments and shapes as cross_correlate2d.
    """
    return cross_correlate2d(x, flip_kernel(w), bias, stride, padding, dilation)
