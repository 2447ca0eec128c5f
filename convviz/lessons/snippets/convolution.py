"""The convolution lesson's PyTorch code: F.conv2d on the page's input and kernel (tests/lessons/test_snippets_and_figures.py
runs it and compares what it prints with the page)."""

from __future__ import annotations

import numpy as np

from convviz.conv import as_pair
from convviz.lessons.snippets.common import literal


def conv2d_snippet(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> str:
    """Code calling F.conv2d for one output map: x (C, H, W), w (C, kh, kw), scalar bias.

    With flip=True (true convolution) the code flips the kernel first with torch.flip.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x[None] if x.ndim == 2 else x
    w = np.asarray(w, dtype=np.float64)
    w = w[None] if w.ndim == 2 else w
    s, p, d = as_pair(stride), as_pair(padding), as_pair(dilation)
    lines = [
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor({literal(x)}, dtype=torch.float64)  # (C, H, W) = {tuple(x.shape)}",
        f"w = torch.tensor({literal(w)}, dtype=torch.float64)  # (C, kh, kw) = {tuple(w.shape)}",
        f"b = torch.tensor([{float(bias)!r}], dtype=torch.float64)",
    ]
    if flip:
        lines.append("w = torch.flip(w, dims=(-2, -1))  # true convolution = cross-correlation with the flipped kernel")
    lines += [
        "",
        "# conv2d wants a batch axis and an output-channel axis: x[None] is (1, C, H, W), w[None] is (1, C, kh, kw)",
        f"y = F.conv2d(x[None], w[None], b, stride={s}, padding={p}, dilation={d})[0, 0]  # (H', W')",
        "print(y.tolist())",
    ]
    return "\n".join(lines)
