"""The transposed-convolution lesson's scene: the scatter, one input cell at a time, for the stage and the exports
(scatter_scene; the exports draw it with convviz.lessons.scenes.common.export_frame)."""

from __future__ import annotations

import numpy as np

from convviz.figures.common import short_number
from convviz.lessons.scenes.common import VERSION, finish, grid
from convviz.transposed import scatter_geometry, scatter_steps


def scatter_scene(layer) -> dict:
    """The scatter for the stage (convviz/ui/stage; README: kind "scatter"): step t is input cell divmod(t, W);
    layer is the lesson's TransposedLayer.

    Grids: the input (its cell t is the step's target), the kernel, the running sum and the stamps per
    cell over the uncropped output (cells outside `inner` are the ones the padding crops). Step t
    highlights its stamp (the kernel's dilated pattern moved to (i·s, j·s)) and `set`s those cells to
    the running sum and the count after it: convviz.transposed.scatter_steps, for x and w, and for ones
    (the overlap counts). Summed over every step the kept box is conv_transpose2d.
    """
    x, kernel = layer.arrays()
    x, w, (sh, sw), (ph, pw), (dh, dw), (ho, wo) = scatter_geometry(x, kernel, layer.s, layer.p,
                                                                     layer.output_padding, layer.d)
    _, running = scatter_steps(x, w, layer.s, layer.p, layer.output_padding, layer.d)       # (H·W, Hf, Wf)
    _, counts = scatter_steps(np.ones_like(x), np.ones_like(w), layer.s, layer.p, layer.output_padding, layer.d)
    (h, wd), (kh, kw), (hf, wf) = x.shape, w.shape, running.shape[1:]
    inner = {"row": ph, "col": pw, "rows": ho, "cols": wo}
    empty = np.full((hf, wf), np.nan)                                     # nothing stamped before step 0
    grids = [grid("input", "input x", x, role="source"), grid("kernel", "kernel w", w, role="weights"),
             grid("sum", "running sum (grey: cropped by the padding)" if ph or pw else "running sum", empty,
                  role="target", origin=(ph, pw), inner=inner),
             grid("count", "stamps per output cell", empty, role="target", origin=(ph, pw), inner=inner)]
    stamp = [[0, a * dh, b * dw] for a in range(kh) for b in range(kw)]
    steps = []
    for t, (i, j) in enumerate(np.ndindex(h, wd)):
        r0, c0 = i * sh, j * sw
        cells = [[0, r0 + r, c0 + q] for _, r, q in stamp]
        steps.append({
            "highlights": [{"grid": "input", "cells": [[0, i, j]]},
                           {"grid": "sum", "pattern": "stamp", "at": [r0, c0]},
                           {"grid": "count", "pattern": "stamp", "at": [r0, c0]}],
            "target": {"grid": "input", "cell": [0, i, j]},
            "set": [{"grid": "sum", "cells": cells, "text": [short_number(running[t, r, q]) for _, r, q in cells],
                     "values": [float(running[t, r, q]) for _, r, q in cells]},
                    {"grid": "count", "cells": cells, "text": [str(int(counts[t, r, q])) for _, r, q in cells],
                     "values": [float(counts[t, r, q]) for _, r, q in cells]}],
            "formula": f"x[{i}, {j}] · w = {short_number(x[i, j])} × kernel, added to output rows "
                       f"{r0 - ph}…{r0 + (kh - 1) * dh - ph}, columns {c0 - pw}…{c0 + (kw - 1) * dw - pw}"})
    return finish({
        "version": VERSION, "kind": "scatter", "title": "The scatter, one input cell at a time",
        "grids": grids, "patterns": {"stamp": stamp, "kernel": [[0, a, b] for a in range(kh) for b in range(kw)]},
        "steps": steps, "fixed": [{"grid": "kernel", "pattern": "kernel", "at": [0, 0]}],
        "links": [{"from": "sum", "to": "input"}, {"from": "count", "to": "input"}], "step_noun": "Input cell",
        "term_names": [], "bias": 0.0, "source": "input",
        "caption": f"stride {sh}, padding {ph} (cropped), output_padding {layer.output_padding}, dilation {dh}; "
                   f"output {ho}×{wo}",
    })
