"""The output-size formula written out with the user's numbers, and what its floor hides.

Text only (LaTeX and markdown strings); the numbers come from convviz.arithmetic.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import (
    input_sizes_with_same_output,
    output_padding_to_invert,
    output_size_terms,
    unreached_input_positions,
    unreached_positions,
)


def output_size_latex(axis: str, n: int, k: int, s: int, p: int, d: int) -> str:
    """H' = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1 with every symbol replaced by its value.

    `axis` is "H" or "W". Raises ValueError (from conv_output_size) when no window fits.
    """
    t = output_size_terms(n, k, s, p, d)
    quotient = f"{t['numerator']}" if s == 1 else rf"\frac{{{t['numerator']}}}{{{s}}}"
    lines = [
        rf"{axis}' &= \left\lfloor \frac{{{axis} + 2p - d(k-1) - 1}}{{s}} \right\rfloor + 1",
        rf"&= \left\lfloor \frac{{{n} + 2\cdot{p} - {d}\cdot({k}-1) - 1}}{{{s}}} \right\rfloor + 1"
        rf" = \left\lfloor {quotient} \right\rfloor + 1",
        (rf"&= \lfloor {t['quotient']:g} \rfloor + 1 = {t['output']}" if s != 1 else rf"&= {t['output']}"),
    ]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def floor_explanation(axis: str, n: int, k: int, s: int, p: int, d: int) -> str:
    """Markdown: is the division whole? Which input rows/columns does no window read? Which sizes tie?"""
    t = output_size_terms(n, k, s, p, d)
    line = "rows" if axis == "H" else "columns"
    parts = []
    if t["is_whole"]:
        parts.append(f"**{axis}:** {t['numerator']}/{s} is whole, so the last window ends exactly on the last "
                     f"padded {line[:-1]}.")
    else:
        parts.append(f"**{axis}:** {t['numerator']}/{s} = {t['quotient']:.3g} is not whole: the floor drops "
                     f"the remainder {t['remainder']}, so the last {t['remainder']} padded {line} are never under a window.")
    skipped_inputs = unreached_input_positions(n, k, s, p, d)
    skipped_padded = unreached_positions(n, k, s, p, d)
    if skipped_inputs:
        parts.append(f"Input {line} never read: {', '.join(map(str, skipped_inputs))} (counting from 0; shaded orange).")
    elif skipped_padded:
        parts.append(f"Only padding {line} are skipped; every real input {line[:-1]} is read.")
    ties = input_sizes_with_same_output(n, k, s, p, d)
    if len(ties) > 1:
        parts.append(f"Input sizes {', '.join(map(str, ties))} all give {axis}' = {t['output']}: "
                     f"from the output size alone you cannot tell which input it came from.")
    return " ".join(parts)


def output_padding_sentence(i: int, k: int, s: int, p: int, d: int, a: int) -> str:
    """Markdown: Dumoulin & Visin's a = (i + 2p − d(k−1) − 1) mod s filled in for a convolution with input size i.

    `a` is the output_padding set on the page; `i` is the transposed convolution's output size (with that a).
    """
    wanted = output_padding_to_invert(i, k, s, p, d)
    filled = f"a = ({i} + 2·{p} − {d}·({k}−1) − 1) mod {s} = **{wanted}**"
    if wanted == a:
        return f"Here i = {i}: {filled}, the `output_padding` set above."
    return (f"Here i = {i} gives {filled}, not the {a} set above: `output_padding` {a} ≥ stride {s} (allowed because "
            f"a < d = {d}) makes a size that no stride-{s} convolution maps back from.")


def adjoint_sum_sentence(A, y) -> str:
    """Note 000's adjoint identity yᵀ(Ax) = Σ_j (Aᵀy)_j x_j, evaluated with x = (1, 2, …, n)."""
    A, y = np.asarray(A, dtype=np.float64), np.asarray(y, dtype=np.float64)
    x = np.arange(1.0, A.shape[1] + 1)
    left, right = float(y @ (A @ x)), float(sum((A.T @ y)[j] * x[j] for j in range(A.shape[1])))
    return (f"With x = (1, …, {A.shape[1]}) and the y below: yᵀAx = {left:g} and "
            f"Σ_j (Aᵀy)_j x_j = {right:g}.")
