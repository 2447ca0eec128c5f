"""The convolution lesson's scenes: the sliding window of one output map, for the stage (window_scene)
and as the exports' frames (window_frame at one output cell, window_frames for the animation)."""

from __future__ import annotations

import numpy as np

from convviz.conv import cross_correlate2d, standardize
from convviz.figures.common import short_number
from convviz.lessons.scenes.common import TERM_BUDGET, VERSION, finish, frame_steps, grid, unread
from convviz.slides.exports import Box, Panel, Scene
from convviz.window import all_window_steps, one_map_view, padded_input


def window_scene(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> dict:
    """The sliding window of one output map: the padded input (every channel), the kernel as it
    multiplies (flipped for a true convolution) and the output; step t is output cell divmod(t, W')."""
    view = one_map_view(x, w, bias, stride, padding, dilation, flip)
    xs, kernel, y = view.x, view.kernel, view.y                          # (C, H, W), (C, kh, kw), (H', W')
    (ph, pw) = view.padding
    c, h, wd = xs.shape
    steps = all_window_steps(xs, kernel, bias=view.bias, stride=view.stride, padding=view.padding,
                             dilation=view.dilation)                    # kernel already flipped: no second flip
    first = steps[0].taps
    r0, c0 = first[0].row, first[0].col
    pattern = [[t.channel, t.row - r0, t.col - c0] for t in first]     # the window, relative to its first tap
    with_terms = len(steps) * len(first) <= TERM_BUDGET
    read_rows = {t.row for s in steps for t in s.taps if not t.is_padding}
    read_cols = {t.col for s in steps for t in s.taps if not t.is_padding}
    labels = [f"channel {k}" for k in range(c)] if c > 1 else [""]
    grids = [
        grid("input", "input x, padded" if (ph or pw) else "input x", padded_input(xs, (ph, pw)), role="source",
             origin=(ph, pw), inner={"row": ph, "col": pw, "rows": h, "cols": wd}, channel_labels=labels,
             unread_rows=unread(read_rows, ph, h), unread_cols=unread(read_cols, pw, wd)),
        grid("kernel", "kernel w, flipped" if flip else "kernel w", kernel, role="weights", channel_labels=labels),
        grid("output", "output y", y, role="target"),
    ]
    kernel_cells = [[t.channel, t.a, t.b] for t in first]
    out = []
    for s in steps:
        step = {"highlights": [{"grid": "input", "pattern": "window", "at": [s.taps[0].row - r0, s.taps[0].col - c0]}],
                "target": {"grid": "output", "cell": [0, s.i, s.j]}}
        if with_terms:
            step["terms"] = [[t.x, t.w, t.product] for t in s.taps]
        out.append(step)
    (sh, sw), (dh, dw) = view.stride, view.dilation
    return finish({
        "version": VERSION, "kind": "sliding_window", "title": "The sliding window",
        "grids": grids, "patterns": {"window": pattern, "kernel": kernel_cells}, "steps": out,
        "fixed": [{"grid": "kernel", "pattern": "kernel", "at": [0, 0]}], "step_noun": "Output cell",
        "links": [{"from": "input", "to": "output"}, {"from": "output", "to": "input"}],
        "term_names": ["x", "w", "x·w"] if with_terms else [], "bias": view.bias, "source": "input",
        "caption": f"stride {sh}×{sw}, padding {ph}×{pw}, dilation {dh}×{dw}"
                   + (", kernel flipped (true convolution)" if flip else ""),
    })


def window_frame(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False, pos=0) -> Scene:
    """Output cell `pos` (reading order): the window on each padded input channel, the kernel, the output."""
    view = one_map_view(x, w, bias, stride, padding, dilation, flip)
    xs, kernel, y, b0 = view.x, view.kernel, view.y, view.bias            # (C, H, W), (C, kh, kw), (H', W')
    (sh, sw), (ph, pw), (dh, dw) = view.stride, view.padding, view.dilation
    c, h, wd = xs.shape
    kh, kw = kernel.shape[1:]
    i, j = divmod(min(max(int(pos), 0), y.size - 1), y.shape[1])
    xp = padded_input(xs, (ph, pw))                                       # (C, Hp, Wp)
    inside = np.zeros(xp.shape[1:], bool)
    inside[ph:ph + h, pw:pw + wd] = True
    r0, c0 = i * sh, j * sw
    if dh == 1 and dw == 1:
        window = (Box(r0, c0, r0 + kh - 1, c0 + kw - 1),)
    else:                                                                 # dilated: one box per tap
        window = tuple(Box(r0 + a * dh, c0 + b * dw, r0 + a * dh, c0 + b * dw) for a in range(kh) for b in range(kw))
    zmax = max(1.0, float(np.abs(xp).max()))
    panels = []
    for k in range(c):
        name = f"input channel {k} (padded)" if c > 1 else "input (padded)"
        panels.append(Panel(name, np.where(inside, xp[k], np.nan), window,
                            labels=np.vectorize(short_number, otypes=[object])(xp[k]), zmax=zmax))
    for k in range(c):
        panels.append(Panel(f"kernel {k}" if c > 1 else ("kernel (flipped)" if flip else "kernel"), kernel[k]))
    panels.append(Panel("output y", y, (Box(i, j, i, j),)))
    taps = xp[:, r0:r0 + (kh - 1) * dh + 1:dh, c0:c0 + (kw - 1) * dw + 1:dw]   # (C, kh, kw)
    total = float((taps * kernel).sum() + b0)
    plus_bias = f" + bias {short_number(b0)}" if b0 else ""
    return Scene(tuple(panels), f"y[{i}, {j}] = Σ window × kernel{plus_bias} = {short_number(total)}",
                 (f"stride {sh}×{sw}, padding {ph}×{pw}, dilation {dh}×{dw}", ))


def window_frames(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> list[Scene]:
    xs, ws, _, _ = standardize(x, w, bias)
    count = cross_correlate2d(xs, ws[0], stride=stride, padding=padding, dilation=dilation).size
    return [window_frame(x, w, bias, stride, padding, dilation, flip, t) for t in frame_steps(count)]
