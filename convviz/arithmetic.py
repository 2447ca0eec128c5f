"""Output sizes of a convolution, and what the floor in the formula hides.

Symbols follow Dumoulin & Visin ("A guide to convolution arithmetic") and note 003:
n input size, k kernel size, s stride, p padding, d dilation.
Checked against torch in tests/compute/test_arithmetic.py.
"""

from __future__ import annotations


def effective_kernel_size(k: int, dilation: int = 1) -> int:
    """k_eff = d(k - 1) + 1: the span a dilated kernel covers on the input."""
    return dilation * (k - 1) + 1


def _check_settings(n: int, k: int, stride: int, padding: int, dilation: int) -> None:
    if n < 1:
        raise ValueError(f"The input size must be at least 1 (got {n}).")
    if k < 1:
        raise ValueError(f"The kernel size must be at least 1 (got {k}).")
    if stride < 1:
        raise ValueError(f"The stride must be at least 1 (got {stride}).")
    if padding < 0:
        raise ValueError(f"The padding cannot be negative (got {padding}).")
    if dilation < 1:
        raise ValueError(f"The dilation must be at least 1 (got {dilation}).")


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """o = floor((n + 2p - d(k-1) - 1) / s) + 1  (torch.nn.Conv2d, "Shape").

    >>> conv_output_size(5, 3, stride=2, padding=1)
    3
    >>> conv_output_size(6, 3, stride=2, padding=1)  # the floor hides n: 6 gives 3 as well
    3
    """
    _check_settings(n, k, stride, padding, dilation)
    span = effective_kernel_size(k, dilation)
    padded = n + 2 * padding
    if padded < span:
        raise ValueError(
            f"The kernel spans {span} cells (d(k-1)+1 = {dilation}·{k - 1}+1) but the padded input "
            f"has only {padded} (n + 2p = {n} + 2·{padding}): no window fits, so the output would be empty."
        )
    return (padded - span) // stride + 1


def output_size_terms(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> dict:
    """The pieces of the formula, for showing it with the user's numbers substituted.

    numerator = n + 2p - d(k-1) - 1; quotient = numerator / s; output = floor(quotient) + 1;
    remainder = numerator mod s, the number of trailing padded cells that no window reaches.
    """
    out = conv_output_size(n, k, stride, padding, dilation)
    numerator = n + 2 * padding - dilation * (k - 1) - 1
    return {
        "numerator": numerator,
        "quotient": numerator / stride,
        "is_whole": numerator % stride == 0,
        "remainder": numerator % stride,
        "output": out,
    }


def unreached_positions(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> list[int]:
    """Positions of the *padded* input (0 .. n+2p-1) that no window tap ever reads.

    With dilation the window has holes, so cells can be skipped inside the sweep too;
    with a stride that does not divide n + 2p - k_eff, the last remainder cells are never reached.
    """
    out = conv_output_size(n, k, stride, padding, dilation)
    read = {i * stride + t * dilation for i in range(out) for t in range(k)}
    return [q for q in range(n + 2 * padding) if q not in read]


def unreached_input_positions(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> list[int]:
    """Like `unreached_positions`, but only real input cells (0 .. n-1, padding left out)."""
    padded = unreached_positions(n, k, stride, padding, dilation)
    return [q - padding for q in padded if padding <= q < n + padding]


def input_sizes_with_same_output(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> list[int]:
    """All input sizes that give the same output size as n (the floor's ambiguity).

    They are the s consecutive sizes n' with floor((n' + 2p - k_eff)/s) equal, e.g. n = 5 and 6
    with k=3, s=2, p=1 both give o = 3 (conv_arithmetic's padding_strides and padding_strides_odd).
    """
    out = conv_output_size(n, k, stride, padding, dilation)
    span = effective_kernel_size(k, dilation)
    smallest = max(1, (out - 1) * stride + span - 2 * padding)
    largest = out * stride + span - 2 * padding - 1
    return list(range(smallest, largest + 1))


# --- Transposed convolution (issue 6) ---------------------------------------------------------
# Primes in Dumoulin & Visin are the transposed operation's sizes; a = output_padding.


def transposed_output_size(n: int, k: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
                           dilation: int = 1) -> int:
    """o' = (n - 1)s - 2p + d(k - 1) + output_padding + 1  (torch.nn.ConvTranspose2d, "Shape").

    With d = 1 and no output_padding this is note 003's H_out = s(H_in - 1) + k - 2p.

    >>> transposed_output_size(3, 3, stride=2, padding=1)                    # back to 5
    5
    >>> transposed_output_size(3, 3, stride=2, padding=1, output_padding=1)  # or to 6
    6
    """
    _check_settings(n, k, stride, padding, dilation)
    if output_padding < 0:
        raise ValueError(f"output_padding cannot be negative (got {output_padding}).")
    if output_padding >= stride and output_padding >= dilation:
        raise ValueError(
            f"output_padding must be smaller than the stride or the dilation (got output_padding {output_padding}, "
            f"stride {stride}, dilation {dilation}). It only says which of the input sizes that a stride-{stride} "
            f"convolution maps to the same output was meant; torch allows 0 … {max(stride, dilation) - 1} here.")
    out = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    if out < 1:
        raise ValueError(
            f"The output would have {out} cells: (n-1)s - 2p + d(k-1) + output_padding + 1 = "
            f"{n - 1}·{stride} - 2·{padding} + {dilation}·{k - 1} + {output_padding} + 1. "
            f"The padding {padding} crops more than the scattered kernels cover; lower it.")
    return out


def output_padding_to_invert(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Dumoulin's a = (n + 2p - d(k-1) - 1) mod s: the output_padding for which the transposed
    convolution maps conv_output_size(n, ...) back to n.

    >>> output_padding_to_invert(6, 3, stride=2, padding=1)   # padding_strides_odd
    1
    """
    conv_output_size(n, k, stride, padding, dilation)          # raises when no window fits
    return (n + 2 * padding - dilation * (k - 1) - 1) % stride
