"""The transposed-convolution lesson's PyTorch code: F.conv_transpose2d and F.interpolate on the page's numbers.

tests/compute/test_transposed.py and test_upsample.py run each snippet with exec and compare what it prints to convviz.
"""

from __future__ import annotations

import numpy as np

from convviz.conv import as_pair
from convviz.lessons.snippets.common import literal


def conv_transpose2d_snippet(x, w, stride=1, padding=0, output_padding=0, dilation=1) -> str:
    """Code calling F.conv_transpose2d for one input and one output map: x (H, W), w (kh, kw)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    s, p, a, d = (as_pair(v) for v in (stride, padding, output_padding, dilation))
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor({literal(x)}, dtype=torch.float64)  # (H, W) = {tuple(x.shape)}",
        f"w = torch.tensor({literal(w)}, dtype=torch.float64)  # (kh, kw) = {tuple(w.shape)}",
        "",
        "# x[None, None] is (N=1, C_in=1, H, W); the weight is (C_in, C_out, kh, kw): in/out swapped vs conv2d",
        f"y = F.conv_transpose2d(x[None, None], w[None, None], stride={s}, padding={p},",
        f"                       output_padding={a}, dilation={d})[0, 0]  # (H', W')",
        "print(y.tolist())",
    ])


def upsample_snippet(x, scale, mode="nearest", align_corners=False) -> str:
    """Code calling F.interpolate on one map x (H, W)."""
    x = np.asarray(x, dtype=np.float64)
    extra = f", align_corners={bool(align_corners)}" if mode == "bilinear" else ""
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor({literal(x)}, dtype=torch.float64)  # (H, W) = {tuple(x.shape)}",
        f"y = F.interpolate(x[None, None], scale_factor={scale!r}, mode={mode!r}{extra})[0, 0]  # (H·f, W·f)",
        "print(y.tolist())",
    ])
