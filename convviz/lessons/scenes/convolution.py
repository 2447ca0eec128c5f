"""The convolution lesson's scene: the sliding window of one output map, for the stage and the exports
(window_scene; the exports draw it with convviz.lessons.scenes.common.export_frame)."""

from __future__ import annotations

from convviz.lessons.scenes.common import TERM_BUDGET, VERSION, finish, grid, unread
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
