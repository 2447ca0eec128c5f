"""The three step-by-step views as exportable scenes (convviz.slides.exports), one scene per step.

- sliding window: padded input, kernel and output of a convolution, at output cell `pos`;
- transposed scatter: input, kernel, this cell's stamp and the running sum, at input cell `t`;
- receptive-field growth: the field of one unit on the input, after `depth` layers.

Each has a `*_scene` for one step and a `*_scenes` list for the animation (at most MAX_FRAMES).
"""

from __future__ import annotations

import numpy as np

from convviz.conv import cross_correlate2d, standardize
from convviz.slides.exports import Box, Panel, Scene
from convviz.figures.common import short_number
from convviz.figures.receptive_fields import draws_photo
from convviz.receptive import describe, field_bounds, receptive_field_table
from convviz.transposed import scatter_geometry, scatter_steps
from convviz.window import one_map_view, padded_input

MAX_FRAMES = 120      # a GIF of more steps would be megabytes; the first MAX_FRAMES are kept
KEPT = "#222222"
# padding, input, padding in the field, input in the field: the receptive-field page's colours
FIELD_COLOURS = np.array([[190, 190, 190], [236, 236, 236], [219, 183, 202], [244, 166, 207]], dtype=np.uint8)


def frame_steps(count: int) -> range:
    """The steps an animation shows: all of them, or the first MAX_FRAMES."""
    return range(min(count, MAX_FRAMES))


# --- Sliding window ----------------------------------------------------------------------------
def window_scene(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False, pos=0) -> Scene:
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


def window_scenes(x, w, bias=0.0, stride=1, padding=0, dilation=1, flip=False) -> list[Scene]:
    xs, ws, _, _ = standardize(x, w, bias)
    count = cross_correlate2d(xs, ws[0], stride=stride, padding=padding, dilation=dilation).size
    return [window_scene(x, w, bias, stride, padding, dilation, flip, t) for t in frame_steps(count)]


# --- Transposed scatter ------------------------------------------------------------------------
def scatter_scene(x, w, stride=1, padding=0, output_padding=0, dilation=1, t=0) -> Scene:
    """Input cell `t` times the kernel, added into the running sum (uncropped; dashed: the output kept)."""
    x, w, (sh, sw), (ph, pw), (dh, dw), (ho, wo) = scatter_geometry(x, w, stride, padding, output_padding, dilation)
    (h, wd), (kh, kw) = x.shape, w.shape
    stamps, running = scatter_steps(x, w, stride, padding, output_padding, dilation)   # (H·W, Hf, Wf)
    t = min(max(int(t), 0), h * wd - 1)
    i, j = divmod(t, wd)
    stamp = Box(i * sh, j * sw, i * sh + (kh - 1) * dh, j * sw + (kw - 1) * dw)
    kept = Box(ph, pw, ph + ho - 1, pw + wo - 1, colour=KEPT, dashed=True)
    return Scene((Panel("input x", x, (Box(i, j, i, j),)), Panel("kernel w", w),
                  Panel(f"x[{i}, {j}] · w", x[i, j] * w),
                  Panel("running sum", running[t], (kept, stamp), zmax=max(1.0, float(np.abs(running).max())))),
                 f"input cell ({i}, {j}) = {short_number(x[i, j])} scatters its kernel; step {t + 1} of {h * wd}",
                 (f"stride {sh}, padding {ph} (cropped outside the dashed box), output {ho}×{wo}",))


def scatter_scenes(x, w, stride=1, padding=0, output_padding=0, dilation=1) -> list[Scene]:
    count = int(np.asarray(x).size)
    return [scatter_scene(x, w, stride, padding, output_padding, dilation, t) for t in frame_steps(count)]


# --- Receptive-field growth --------------------------------------------------------------------
def _extent(n: int, bounds) -> tuple[int, int]:
    """Input rows to draw: the input and every field in `bounds`, padding included."""
    return min([0] + [int(np.floor(lo)) for lo, _ in bounds]), max([n] + [int(np.ceil(hi)) for _, hi in bounds])


def field_scene(n: int, layers, depth: int, unit: tuple[int, int], extent: tuple[int, int] | None = None) -> Scene:
    """The n×n input (pink: in the field, grey: padding) and the field of `unit` after `depth` layers."""
    row = receptive_field_table(n, layers[:depth])[-1]
    (lo_r, hi_r), (lo_c, hi_c) = field_bounds(row, unit[0]), field_bounds(row, unit[1])
    first, last = extent or _extent(n, [(lo_r, hi_r), (lo_c, hi_c)])
    centres = np.arange(first, last) + 0.5                                # note 002's pixel centres
    in_input = (centres > 0) & (centres < n)
    inside = in_input[:, None] & in_input[None, :]                       # (rows, cols)
    in_field = ((centres > lo_r) & (centres < hi_r))[:, None] & ((centres > lo_c) & (centres < hi_c))[None, :]
    kind = inside.astype(int) + 2 * in_field                              # 0 padding, 1 input, +2 in the field
    rgb = FIELD_COLOURS[kind]                                             # (rows, cols, 3)
    if draws_photo(n, row, unit):          # the page shows the photo here: so does the export (issue 33), padding grey
        from convviz.lessons.receptive_fields import photo, photo_size

        img = photo(photo_size(n))                                        # (m, m, 3) in [0, 1], stretched over n
        index = np.clip((np.floor(centres) * img.shape[0] / n).astype(int), 0, img.shape[0] - 1)
        rgb = np.where(inside[..., None], np.round(255 * img[np.ix_(index, index)]).astype(np.uint8),
                       FIELD_COLOURS[0])
    box = Box(int(np.floor(lo_r)) - first, int(np.floor(lo_c)) - first,
              int(np.ceil(hi_r)) - 1 - first, int(np.ceil(hi_c)) - 1 - first)
    name = "input" if depth == 0 else f"layer {depth}: {describe(layers[depth - 1])}"
    return Scene((Panel(f"{n}×{n} input, field of unit {unit} of {name}", kind.astype(float), (box,),
                        labels=np.full(kind.shape, ""), rgb=rgb),),
                 f"after {depth} layer{'s' if depth != 1 else ''}: r = {row['r']}, j = {row['j']}, "
                 f"centre start + i·j = {row['start'] + unit[0] * row['j']:g}")


def growth_scenes(n: int, layers) -> list[Scene]:
    """The centre unit's field after 1, 2, … layers, all drawn over the same stretch of input."""
    table = receptive_field_table(n, layers)
    units = [((row["n"] - 1) // 2,) * 2 for row in table]
    extent = _extent(n, [field_bounds(row, u[0]) for row, u in zip(table, units)])
    return [field_scene(n, layers, d, units[d], extent) for d in frame_steps(len(layers) + 1)[1:]] or \
        [field_scene(n, layers, 0, (0, 0), extent)]
