"""Your own network: an `nn.Sequential` as a student writes it, read without running it, and its
arithmetic layer by layer (issue 35).

`analyse(text, input_shape)` parses `text` with `ast` (never eval, exec or compile to code) and
returns one row per layer of the flattened sequence, in torch's order:

- `name` ("3.1 Conv2d": torch's module path, then the class), `path`, `kind`, `source` (the text
  of the call), `in_shape` and `out_shape`: (C, H, W) for a map, (F,) after `Flatten`;
- `params` = sum(p.numel() for p in layer.parameters()) (BatchNorm's running statistics are buffers);
- `macs`: the multiply-adds a FLOP counter counts (torch.utils.flop_counter, half its FLOPs):
  Conv2d H_out·W_out·C_out·(C_in/groups)·k_h·k_w, ConvTranspose2d H_in·W_in·C_in·(C_out/groups)·k_h·k_w,
  Linear in·out; 0 for every other layer (BatchNorm's scale folds into the conv before it);
- `j`, `r`, `start` along the height (and `j_w`, `r_w`, `start_w` along the width): the receptive
  field lesson's recurrence (convviz.receptive, note 002) from j = 1, r = 1, start = 0.5 at the input.
  Layers that keep the grid (activations, BatchNorm, Dropout, Identity, Linear) keep them.

Receptive fields through upsampling (a convention, tested against autograd in
tests/compute/test_architecture.py): a layer that upsamples by s puts its outputs on an s times finer
grid, j_out = j_in / s. A ConvTranspose2d (k, s, p, d) is a stride-1 convolution over the input with
s − 1 zeros inserted between neighbours (Dumoulin & Visin, section 4), so the lesson's step on that
grid gives r_out = r_in + (k_eff − 1)·j_in/s and start_out = start_in + (p − (k_eff − 1)/2)·j_in/s.
Upsample(scale_factor=s) is the transposed convolution with the same taps: kernel s, padding 0 for
'nearest'; kernel 2s − s mod 2, padding ⌈(s − 1)/2⌉ (the tent) for 'bilinear'. There r is the width of
the interval centred on each unit's place in the finer grid that holds every input pixel the unit
depends on: exact for convolutions and pools, an upper bound after upsampling (the inserted zeros
count as neighbours), and fractions appear. Flatten (and an adaptive pool to 1) sees the whole map:
it is a pool whose kernel and stride are the map.

What is accepted: one expression (or `name = expression`) made of calls `nn.Layer(...)`,
`torch.nn.Layer(...)` or `Layer(...)` of the layers in SIGNATURES, with literal arguments (numbers,
True/False/None, strings, tuples and lists of them, and + − * // between whole numbers), positional
and keyword as torch names them, `nn.Sequential` nested up to MAX_DEPTH deep. Anything else (another
call, an attribute chain, a lambda, an import, a name, a huge number, a huge text) raises ValueError
saying what and where (line:column, both from 1). Not modelled (refused with a message): padding modes
other than 'zeros', Upsample by `size` or a fractional scale, 'bicubic' or align_corners=True, adaptive
pools whose output size does not divide the map (their windows differ in size), return_indices.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from fractions import Fraction

from convviz.arithmetic import conv_output_size, effective_kernel_size, transposed_output_size
from convviz.receptive import Layer, j_out, r_out

MAX_TEXT = 20_000          # characters of text
MAX_BRACKETS = 40          # ( [ { open at once, checked before ast.parse sees the text
MAX_DEPTH = 8              # nn.Sequential inside nn.Sequential ...
MAX_LAYERS = 256           # rows after flattening
MAX_NODES = 20_000         # ast nodes
MAX_LITERAL = 10 ** 9      # |whole number| and |float| in the text
MAX_CHANNELS = 8192
MAX_SIDE = 8192            # H and W of every map, the input's at most MAX_INPUT_SIDE
MAX_INPUT_SIDE = 2048
MAX_KERNEL, MAX_STRIDE, MAX_PADDING, MAX_DILATION, MAX_SCALE = 64, 64, 64, 64, 16
MAX_FEATURES = 2 ** 25     # Linear / BatchNorm1d / a flattened vector

REQUIRED = object()


class _Varargs:
    """Sequential's *layers."""


SIGNATURES: dict[str, tuple] = {
    "Sequential": _Varargs,
    "Conv2d": (("in_channels", REQUIRED), ("out_channels", REQUIRED), ("kernel_size", REQUIRED), ("stride", 1),
               ("padding", 0), ("dilation", 1), ("groups", 1), ("bias", True), ("padding_mode", "zeros")),
    "ConvTranspose2d": (("in_channels", REQUIRED), ("out_channels", REQUIRED), ("kernel_size", REQUIRED),
                        ("stride", 1), ("padding", 0), ("output_padding", 0), ("groups", 1), ("bias", True),
                        ("dilation", 1), ("padding_mode", "zeros")),
    "MaxPool2d": (("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("dilation", 1),
                  ("return_indices", False), ("ceil_mode", False)),
    "AvgPool2d": (("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("ceil_mode", False),
                  ("count_include_pad", True), ("divisor_override", None)),
    "AdaptiveAvgPool2d": (("output_size", REQUIRED),),
    "AdaptiveMaxPool2d": (("output_size", REQUIRED), ("return_indices", False)),
    "BatchNorm2d": (("num_features", REQUIRED), ("eps", 1e-5), ("momentum", 0.1), ("affine", True),
                    ("track_running_stats", True)),
    "BatchNorm1d": (("num_features", REQUIRED), ("eps", 1e-5), ("momentum", 0.1), ("affine", True),
                    ("track_running_stats", True)),
    "ReLU": (("inplace", False),),
    "ReLU6": (("inplace", False),),
    "LeakyReLU": (("negative_slope", 0.01), ("inplace", False)),
    "ELU": (("alpha", 1.0), ("inplace", False)),
    "GELU": (("approximate", "none"),),
    "SiLU": (("inplace", False),),
    "Sigmoid": (),
    "Tanh": (),
    "Dropout": (("p", 0.5), ("inplace", False)),
    "Dropout2d": (("p", 0.5), ("inplace", False)),
    "Identity": (),
    "Upsample": (("size", None), ("scale_factor", None), ("mode", "nearest"), ("align_corners", None),
                 ("recompute_scale_factor", None)),
    "Flatten": (("start_dim", 1), ("end_dim", -1)),
    "Linear": (("in_features", REQUIRED), ("out_features", REQUIRED), ("bias", True)),
}
KNOWN = ", ".join(k for k in SIGNATURES)


# --- Parsing: text -> a tree of Node, nothing run ---------------------------------------------------

@dataclass(frozen=True)
class Node:
    """One call `nn.kind(...)`: its arguments as written (literals), and where it is in the text."""

    kind: str
    args: tuple = ()
    kwargs: tuple = ()              # ((name, value), ...)
    children: tuple = ()            # Sequential only
    line: int = 1
    col: int = 1                    # from 1
    source: str = ""

    @property
    def where(self) -> str:
        return f"line {self.line}:{self.col}"

    def bound(self) -> dict:
        """The arguments by torch's parameter names, defaults filled in (ValueError naming a bad one)."""
        signature = SIGNATURES[self.kind]
        names = [name for name, _ in signature]
        if len(self.args) > len(names):
            raise ValueError(f"nn.{self.kind} at {self.where} takes at most {len(names)} positional arguments "
                             f"({', '.join(names) or 'none'}) but gets {len(self.args)}.")
        values = dict(zip(names, self.args))
        for key, value in self.kwargs:
            if key not in names:
                raise ValueError(f"nn.{self.kind} at {self.where} has no argument {key!r} "
                                 f"(it takes {', '.join(names) or 'none'}).")
            if key in values:
                raise ValueError(f"nn.{self.kind} at {self.where} gets {key} twice.")
            values[key] = value
        for name, default in signature:
            if name not in values:
                if default is REQUIRED:
                    raise ValueError(f"nn.{self.kind} at {self.where} needs {name}.")
                values[name] = default
        return values


def _at(node: ast.AST) -> str:
    return f"line {getattr(node, 'lineno', 1)}:{getattr(node, 'col_offset', 0) + 1}"


def _shown(node: ast.AST, text: str, limit: int = 40) -> str:
    seg = ast.get_source_segment(text, node) or type(node).__name__
    seg = " ".join(seg.split())
    return seg if len(seg) <= limit else seg[:limit - 3] + "..."


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise ValueError(f"The network must be text (got {type(text).__name__}).")
    if len(text) > MAX_TEXT:
        raise ValueError(f"The text has {len(text):,} characters; at most {MAX_TEXT:,} are read here.")
    depth, line, col = 0, 1, 0
    for ch in text:                                    # before ast.parse: a deep text can exhaust its stack
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif ch in "([{":
            depth += 1
            if depth > MAX_BRACKETS:
                raise ValueError(f"The brackets nest more than {MAX_BRACKETS} deep at line {line}:{col}.")
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch < " " and ch not in "\t\r" or ch == "\x7f":
            raise ValueError(f"The text has a control character ({ch!r}) at line {line}:{col}.")
    return text


def parse(text: str) -> Node:
    """The network in `text` as a tree of Node (a lone layer is wrapped in a Sequential). Runs nothing."""
    _check_text(text)
    if not text.strip():
        raise ValueError("The text is empty: write nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), ...).")
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        raise ValueError(f"Not Python that can be read, at line {error.lineno or 1}:{error.offset or 1}: "
                         f"{error.msg}.") from None
    except (ValueError, RecursionError, MemoryError) as error:      # e.g. a 5000-digit number
        raise ValueError(f"The text cannot be read: {error}.") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ValueError(f"The text has {count:,} pieces; at most {MAX_NODES:,} are read here.")
    if len(tree.body) != 1:
        where = _at(tree.body[1]) if len(tree.body) > 1 else "line 1:1"
        raise ValueError(f"Write one network, a single expression such as nn.Sequential(...); "
                         f"found {len(tree.body)} statements (the second at {where}).")
    stmt = tree.body[0]
    if isinstance(stmt, ast.Expr):
        expr = stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _is_target(stmt.targets[0]):
        expr = stmt.value                              # net = nn.Sequential(...); the target is never looked up
    else:
        raise ValueError(f"Only an expression nn.Sequential(...) (or net = nn.Sequential(...)) is read; "
                         f"{type(stmt).__name__.lower()} at {_at(stmt)} is not.")
    node = _call(expr, text, depth=0)
    if node.kind != "Sequential":
        node = Node("Sequential", children=(node,), line=node.line, col=node.col, source=node.source)
    return node


def _is_target(target: ast.AST) -> bool:
    """`net` or `self.features`: a plain name or one attribute of one."""
    return isinstance(target, ast.Name) or (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name))


def _layer_name(func: ast.AST, text: str) -> str:
    """`nn.X`, `torch.nn.X` or `X` -> X, when X is a known layer; anything else is refused."""
    if isinstance(func, ast.Name):
        name = func.id
    elif isinstance(func, ast.Attribute) and (
            (isinstance(func.value, ast.Name) and func.value.id == "nn") or
            (isinstance(func.value, ast.Attribute) and func.value.attr == "nn"
             and isinstance(func.value.value, ast.Name) and func.value.value.id == "torch")):
        name = func.attr
    else:
        raise ValueError(f"{_shown(func, text)!r} at {_at(func)} is not a layer: write nn.<layer>(...) "
                         f"with one of {KNOWN}.")
    if name not in SIGNATURES:
        raise ValueError(f"{_shown(func, text)!r} at {_at(func)} is not a layer this page knows; "
                         f"it knows {KNOWN}.")
    return name


def _call(expr: ast.AST, text: str, depth: int) -> Node:
    if not isinstance(expr, ast.Call):
        raise ValueError(f"{_shown(expr, text)!r} at {_at(expr)} is not a layer: write nn.<layer>(...).")
    kind = _layer_name(expr.func, text)
    common = dict(line=expr.lineno, col=expr.col_offset + 1, source=_shown(expr, text, 200))
    if kind == "Sequential":
        if depth >= MAX_DEPTH:
            raise ValueError(f"nn.Sequential at {_at(expr)} is nested more than {MAX_DEPTH} deep.")
        if expr.keywords:
            raise ValueError(f"nn.Sequential at {_at(expr)} takes layers only, not {expr.keywords[0].arg}=.")
        for arg in expr.args:
            if isinstance(arg, ast.Starred):
                raise ValueError(f"*{_shown(arg.value, text)} at {_at(arg)} cannot be read: list the layers.")
        return Node(kind, children=tuple(_call(arg, text, depth + 1) for arg in expr.args), **common)
    args = tuple(_literal(arg, text) for arg in expr.args)
    kwargs = []
    for keyword in expr.keywords:
        if keyword.arg is None:
            raise ValueError(f"**{_shown(keyword.value, text)} at {_at(keyword.value)} cannot be read: "
                             f"write the arguments out.")
        kwargs.append((keyword.arg, _literal(keyword.value, text)))
    node = Node(kind, args, tuple(kwargs), **common)
    node.bound()                                       # unknown, missing or doubled arguments, said here
    return node


_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
        ast.FloorDiv: lambda a, b: a // b}


def _literal(node: ast.AST, text: str, nested: bool = False):
    """A number, True/False/None, a string, a tuple or list of those, or + − * // of whole numbers."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, str))):
        if isinstance(node.value, str) and len(node.value) > 40:
            raise ValueError(f"The string at {_at(node)} is too long to be an argument.")
        return node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return _bounded(node.value, node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, text, nested)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{_shown(node, text)!r} at {_at(node)} is not a number.")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _literal(node.left, text, nested), _literal(node.right, text, nested)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (a, b)):
            raise ValueError(f"{_shown(node, text)!r} at {_at(node)}: only whole numbers are added or multiplied here.")
        if isinstance(node.op, ast.FloorDiv) and b == 0:
            raise ValueError(f"{_shown(node, text)!r} at {_at(node)} divides by zero.")
        return _bounded(_OPS[type(node.op)](a, b), node)
    if isinstance(node, (ast.Tuple, ast.List)) and not nested:
        if len(node.elts) > 4:
            raise ValueError(f"The {'tuple' if isinstance(node, ast.Tuple) else 'list'} at {_at(node)} has "
                             f"{len(node.elts)} entries; a layer argument has at most 2.")
        return tuple(_literal(e, text, nested=True) for e in node.elts)
    raise ValueError(f"{_shown(node, text)!r} at {_at(node)} is not a literal argument: write a number, "
                     f"True/False/None, a string or a tuple of numbers.")


def _bounded(value, node):
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"The number at {_at(node)} is not finite.")
    if abs(value) > MAX_LITERAL:
        raise ValueError(f"The number at {_at(node)} is larger than {MAX_LITERAL:,} in size.")
    return value


def flatten(node: Node, prefix: str = "") -> list[tuple[str, Node]]:
    """(torch's module path, leaf) for every layer in the order the input meets them."""
    out = []
    for index, child in enumerate(node.children):
        path = f"{prefix}{index}"
        out += flatten(child, path + ".") if child.kind == "Sequential" else [(path, child)]
    return out


# --- Checking one argument --------------------------------------------------------------------------

def _whole(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number (got {value!r}).")
    if not low <= value <= high:
        raise ValueError(f"{what} must be from {low} to {high} here (got {value}).")
    return value


def _pair(value, what: str, low: int, high: int) -> tuple[int, int]:
    """An int or a 2-tuple (height, width), as torch's _pair."""
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"{what} must be one number or two (height, width), got {len(value)}.")
        return _whole(value[0], f"{what} (height)", low, high), _whole(value[1], f"{what} (width)", low, high)
    v = _whole(value, what, low, high)
    return v, v


def _flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be True or False (got {value!r}).")
    return value


def _real(value, what: str, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{what} must be a number from {low:g} to {high:g} (got {value!r}).")
    return float(value)


# --- The arithmetic ------------------------------------------------------------------------------------

def _value(x):
    """An int when whole, else a float (j, r and start after upsampling can be fractions)."""
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else float(x)
    return x


@dataclass
class _Axis:
    """n, j, r, start along one axis (j and r as Fraction, exact)."""
    n: int
    j: Fraction = Fraction(1)
    r: Fraction = Fraction(1)
    start: Fraction = Fraction(1, 2)

    def window(self, k: int, s: int, p: int, d: int) -> None:
        """The lesson's step for a conv or pool: j·s and r + (k_eff−1)·j by convviz.receptive's own functions,
        start + ((k_eff−1)/2 − p)·j as its _start_out, in fractions (exact when j is one)."""
        layer = Layer("conv", k, s, p, d)
        self.j, self.r, self.start = (j_out(self.j, layer), r_out(self.r, self.j, layer),
                                      self.start + (Fraction(layer.span - 1, 2) - p) * self.j)

    def upsample(self, k: int, s: int, p: int, d: int = 1) -> None:
        """Zero insertion (s − 1 zeros between neighbours) then the lesson's step with stride 1 on that grid:
        j/s, r + (k_eff−1)·j/s, start + (p − (k_eff−1)/2)·j/s."""
        span = effective_kernel_size(k, d)
        fine = self.j / s
        self.j, self.r, self.start = fine, self.r + (span - 1) * fine, self.start + (p - Fraction(span - 1, 2)) * fine


@dataclass
class _State:
    shape: tuple
    h: _Axis
    w: _Axis
    rows: list = field(default_factory=list)


def _conv_size(n: int, k: int, s: int, p: int, d: int, axis: str) -> int:
    try:
        return conv_output_size(n, k, s, p, d)
    except ValueError as error:
        raise ValueError(f"Along the {axis}: {error}") from None


def _pool_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool, axis: str) -> int:
    """torch's pooling_output_shape: ⌊(n + 2p − k_eff)/s⌋ + 1, or with ceil_mode ⌊(n + 2p − k_eff + s − 1)/s⌋ + 1
    less one when that last window would start past the input and its left padding ((o−1)·s ≥ n + p)."""
    if p > k // 2:
        raise ValueError(f"Along the {axis}: a pool's padding can be at most half its kernel (torch's rule): "
                         f"kernel {k} allows padding ≤ {k // 2}, got {p}.")
    if not ceil_mode:
        return _conv_size(n, k, s, p, d, axis)
    span = effective_kernel_size(k, d)
    out = (n + 2 * p - span + s - 1) // s + 1
    if (out - 1) * s >= n + p:
        out -= 1
    if out < 1:
        raise ValueError(f"Along the {axis}: with ceil_mode the output has ⌊(n + 2p − k_eff + s − 1)/s⌋ + 1 = "
                         f"⌊({n} + 2·{p} − {span} + {s} − 1)/{s}⌋ + 1 = {out} cells: the window does not fit.")
    return out


def _channels_in(state: _State, expected: int, what: str) -> None:
    if len(state.shape) != 3:
        raise ValueError(f"{what} needs a (C, H, W) map but gets a flat vector of {state.shape[0]} "
                         f"(after Flatten); move it before nn.Flatten().")
    if state.shape[0] != expected:
        raise ValueError(f"{what} expects {expected} input channels but the layer before gives "
                         f"{state.shape[0]} (shape {state.shape[0]}×{state.shape[1]}×{state.shape[2]}).")


def _side(value: int, axis: str) -> int:
    if value > MAX_SIDE:
        raise ValueError(f"The map would be {value} along the {axis}; at most {MAX_SIDE} is followed here.")
    return value


def _step(state: _State, kind: str, a: dict, what: str) -> tuple[tuple, int, int]:
    """Apply one layer: moves state.h / state.w, returns (out_shape, params, macs)."""
    shape = state.shape
    if kind in ("Conv2d", "ConvTranspose2d"):
        c_in = _whole(a["in_channels"], "in_channels", 1, MAX_CHANNELS)
        c_out = _whole(a["out_channels"], "out_channels", 1, MAX_CHANNELS)
        kh, kw = _pair(a["kernel_size"], "kernel_size", 1, MAX_KERNEL)
        sh, sw = _pair(a["stride"], "stride", 1, MAX_STRIDE)
        dh, dw = _pair(a["dilation"], "dilation", 1, MAX_DILATION)
        g = _whole(a["groups"], "groups", 1, MAX_CHANNELS)
        bias = _flag(a["bias"], "bias")
        if a["padding_mode"] != "zeros":
            raise ValueError(f"padding_mode={a['padding_mode']!r} is not followed here; only 'zeros'.")
        if c_in % g or c_out % g:
            raise ValueError(f"in_channels ({c_in}) and out_channels ({c_out}) must both be divisible by "
                             f"groups ({g}).")
        _channels_in(state, c_in, what)
        _, h, w = shape
        params = c_out * (c_in // g) * kh * kw + (c_out if bias else 0)
        if kind == "Conv2d":
            if isinstance(a["padding"], str):
                if a["padding"] == "valid":
                    (ph, pw), left = (0, 0), (0, 0)
                elif a["padding"] == "same":
                    if (sh, sw) != (1, 1):
                        raise ValueError("padding='same' needs stride 1 (torch's rule).")
                    total = (dh * (kh - 1), dw * (kw - 1))         # torch pads total//2 before, the rest after
                    left = (total[0] // 2, total[1] // 2)
                    ph, pw = None, None
                else:
                    raise ValueError(f"padding must be a number, 'same' or 'valid' (got {a['padding']!r}).")
            else:
                ph, pw = _pair(a["padding"], "padding", 0, MAX_PADDING)
                left = (ph, pw)
            if ph is None:                                          # 'same': the size is kept
                ho, wo = h, w
            else:
                ho, wo = _conv_size(h, kh, sh, ph, dh, "height"), _conv_size(w, kw, sw, pw, dw, "width")
            state.h.window(kh, sh, left[0], dh)
            state.w.window(kw, sw, left[1], dw)
            return (c_out, ho, wo), params, ho * wo * c_out * (c_in // g) * kh * kw
        ph, pw = _pair(a["padding"], "padding", 0, MAX_PADDING)
        oph, opw = _pair(a["output_padding"], "output_padding", 0, MAX_STRIDE)
        sizes = []
        for n, k, s, p, op, d, axis in ((h, kh, sh, ph, oph, dh, "height"), (w, kw, sw, pw, opw, dw, "width")):
            try:
                sizes.append(_side(transposed_output_size(n, k, s, p, op, d), axis))
            except ValueError as error:
                raise ValueError(f"Along the {axis}: {error}") from None
        state.h.upsample(kh, sh, ph, dh)
        state.w.upsample(kw, sw, pw, dw)
        return (c_out, *sizes), params, h * w * c_in * (c_out // g) * kh * kw
    if kind in ("MaxPool2d", "AvgPool2d"):
        kh, kw = _pair(a["kernel_size"], "kernel_size", 1, MAX_KERNEL)
        sh, sw = (kh, kw) if a["stride"] is None else _pair(a["stride"], "stride", 1, MAX_STRIDE)
        ph, pw = _pair(a["padding"], "padding", 0, MAX_PADDING)
        ceil_mode = _flag(a["ceil_mode"], "ceil_mode")
        if kind == "MaxPool2d":
            dh, dw = _pair(a["dilation"], "dilation", 1, MAX_DILATION)
            if _flag(a["return_indices"], "return_indices"):
                raise ValueError("return_indices=True gives a pair, which the next layer of a Sequential cannot take.")
        else:
            dh = dw = 1
            _flag(a["count_include_pad"], "count_include_pad")
            if a["divisor_override"] is not None:
                _whole(a["divisor_override"], "divisor_override", 1, MAX_LITERAL)
        if len(shape) != 3:
            _channels_in(state, 0, what)
        c, h, w = shape
        ho = _pool_size(h, kh, sh, ph, dh, ceil_mode, "height")
        wo = _pool_size(w, kw, sw, pw, dw, ceil_mode, "width")
        state.h.window(kh, sh, ph, dh)
        state.w.window(kw, sw, pw, dw)
        return (c, ho, wo), 0, 0
    if kind in ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
        if kind == "AdaptiveMaxPool2d" and _flag(a["return_indices"], "return_indices"):
            raise ValueError("return_indices=True gives a pair, which the next layer of a Sequential cannot take.")
        if len(shape) != 3:
            _channels_in(state, 0, what)
        c, h, w = shape
        size = a["output_size"]
        pair = size if isinstance(size, tuple) else (size, size)
        if len(pair) != 2:
            raise ValueError(f"output_size must be one number or two (got {size!r}).")
        out = []
        for n, o, axis, ax in ((h, pair[0], "height", state.h), (w, pair[1], "width", state.w)):
            o = n if o is None else _whole(o, f"output_size ({axis})", 1, MAX_SIDE)
            if n % o:
                raise ValueError(f"Along the {axis}: {n} is not a multiple of the output size {o}, so the adaptive "
                                 f"pool's windows differ in size (⌈(i+1)·{n}/{o}⌉ − ⌊i·{n}/{o}⌋) and no single j and r "
                                 f"describe them; choose an output size that divides {n}.")
            ax.window(n // o, n // o, 0, 1)                 # kernel = stride = n/o, as AvgPool2d
            out.append(o)
        return (c, *out), 0, 0
    if kind in ("BatchNorm2d", "BatchNorm1d"):
        nf = _whole(a["num_features"], "num_features", 1, MAX_FEATURES)
        _real(a["eps"], "eps", 1e-300, 1.0)
        if a["momentum"] is not None:
            _real(a["momentum"], "momentum", 0.0, 1.0)
        affine = _flag(a["affine"], "affine")
        _flag(a["track_running_stats"], "track_running_stats")
        if kind == "BatchNorm2d":
            _channels_in(state, nf, what)
        elif len(shape) != 1 or shape[0] != nf:
            raise ValueError(f"{what} expects a flat vector of {nf} features but gets "
                             f"{'×'.join(map(str, shape))}" + (" (put nn.Flatten() before it)." if len(shape) == 3 else "."))
        return shape, 2 * nf if affine else 0, 0
    if kind in ("ReLU", "ReLU6", "SiLU", "ELU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Identity",
                "Dropout", "Dropout2d"):
        if "inplace" in a:
            _flag(a["inplace"], "inplace")
        if kind == "LeakyReLU":
            _real(a["negative_slope"], "negative_slope", -1e6, 1e6)
        if kind == "ELU":
            _real(a["alpha"], "alpha", -1e6, 1e6)
        if kind == "GELU" and a["approximate"] not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh' (got {a['approximate']!r}).")
        if kind in ("Dropout", "Dropout2d"):
            _real(a["p"], "p", 0.0, 1.0)
        if kind == "Dropout2d" and len(shape) != 3:
            _channels_in(state, 0, what)
        return shape, 0, 0
    if kind == "Upsample":
        if a["size"] is not None:
            raise ValueError("Upsample(size=...) is not followed here; give scale_factor (a whole number) instead.")
        if a["scale_factor"] is None:
            raise ValueError("Upsample needs scale_factor (a whole number, e.g. scale_factor=2).")
        if a["mode"] not in ("nearest", "bilinear"):
            raise ValueError(f"mode={a['mode']!r} is not followed here; 'nearest' or 'bilinear'.")
        if a["align_corners"] not in (None, False) or (a["mode"] == "nearest" and a["align_corners"] is not None):
            raise ValueError("align_corners=True is not followed here (and 'nearest' takes no align_corners).")
        if a["recompute_scale_factor"] is not None:
            raise ValueError("recompute_scale_factor is not followed here; leave it out.")
        scales = a["scale_factor"] if isinstance(a["scale_factor"], tuple) else (a["scale_factor"],) * 2
        if len(scales) != 2:
            raise ValueError(f"scale_factor must be one number or two (got {a['scale_factor']!r}).")
        whole = []
        for s in scales:
            s = _real(s, "scale_factor", 1, MAX_SCALE)
            if not s.is_integer():
                raise ValueError(f"scale_factor {s:g} is not a whole number; only whole scales are followed here.")
            whole.append(int(s))
        if len(shape) != 3:
            _channels_in(state, 0, what)
        c, h, w = shape
        out = (c, _side(h * whole[0], "height"), _side(w * whole[1], "width"))
        for s, ax in zip(whole, (state.h, state.w)):
            if a["mode"] == "nearest":
                ax.upsample(s, s, 0)
            else:
                ax.upsample(2 * s - s % 2, s, -(-(s - 1) // 2))          # the tent: kernel 2s − s mod 2, ⌈(s−1)/2⌉
        return out, 0, 0
    if kind == "Flatten":
        if a["start_dim"] != 1 or a["end_dim"] != -1:
            raise ValueError("Only nn.Flatten() with its defaults (start_dim=1, end_dim=-1) is followed here.")
        if len(shape) == 1:
            return shape, 0, 0
        c, h, w = shape
        state.h.window(h, h, 0, 1)                          # every unit of the map: a pool as large as the map
        state.w.window(w, w, 0, 1)
        size = c * h * w
        if size > MAX_FEATURES:
            raise ValueError(f"Flatten gives {size:,} features; at most {MAX_FEATURES:,} are followed here.")
        return (size,), 0, 0
    if kind == "Linear":
        f_in = _whole(a["in_features"], "in_features", 1, MAX_FEATURES)
        f_out = _whole(a["out_features"], "out_features", 1, MAX_FEATURES)
        bias = _flag(a["bias"], "bias")
        if len(shape) != 1:
            raise ValueError(f"{what} needs a flat vector but gets a {'×'.join(map(str, shape))} map; "
                             f"put nn.Flatten() before it.")
        if shape[0] != f_in:
            raise ValueError(f"{what} expects in_features = {f_in} but the layer before gives {shape[0]} features.")
        return (f_out,), f_in * f_out + (f_out if bias else 0), f_in * f_out
    raise ValueError(f"{kind} is not followed here.")           # not reached: SIGNATURES lists the kinds above


def _input(input_shape) -> tuple[int, int, int]:
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"The input shape is (C, H, W), three whole numbers (got {input_shape!r}).")
    c, h, w = input_shape
    return (_whole(c, "The input's channels C", 1, MAX_CHANNELS), _whole(h, "The input's height H", 1, MAX_INPUT_SIDE),
            _whole(w, "The input's width W", 1, MAX_INPUT_SIDE))


def analyse_tree(tree: Node, input_shape) -> list[dict]:
    """The rows of analyse for an already parsed network."""
    c, h, w = _input(input_shape)
    layers = flatten(tree)
    if not layers:
        raise ValueError("The nn.Sequential is empty: put at least one layer in it.")
    if len(layers) > MAX_LAYERS:
        raise ValueError(f"The network has {len(layers)} layers; at most {MAX_LAYERS} are followed here.")
    state = _State((c, h, w), _Axis(h), _Axis(w))
    rows = []
    for index, (path, node) in enumerate(layers, start=1):
        name = f"{path} {node.kind}"
        what = f"Layer {index} ({name}, {node.where})"
        try:
            out, params, macs = _step(state, node.kind, node.bound(), what)
        except ValueError as error:
            message = str(error)
            raise ValueError(message if message.startswith(what) else
                             f"{what} gets {'×'.join(map(str, state.shape))}: {message}") from None
        rows.append(dict(index=index, name=name, path=path, kind=node.kind, source=node.source,
                         in_shape=state.shape, out_shape=out, params=params, macs=macs,
                         j=_value(state.h.j), r=_value(state.h.r), start=_value(state.h.start),
                         j_w=_value(state.w.j), r_w=_value(state.w.r), start_w=_value(state.w.start)))
        state.shape = out
    return rows


def analyse(text: str, input_shape=(3, 224, 224)) -> list[dict]:
    """One row per layer of the network in `text` on an input of `input_shape` = (C, H, W) (module docstring).

    >>> [(r["name"], r["out_shape"], r["params"], r["j"], r["r"]) for r in analyse(
    ...     "nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2))", (3, 32, 32))]
    [('0 Conv2d', (8, 16, 16), 224, 2, 3), ('1 ReLU', (8, 16, 16), 0, 2, 3), ('2 MaxPool2d', (8, 8, 8), 0, 4, 5)]
    """
    return analyse_tree(parse(text), input_shape)


def totals(rows: list[dict]) -> dict:
    """Parameters and multiply-adds summed over the rows, and the last row's shape and field."""
    last = rows[-1]
    return dict(params=sum(r["params"] for r in rows), macs=sum(r["macs"] for r in rows), out_shape=last["out_shape"],
                j=last["j"], r=last["r"], start=last["start"])


# --- Presets: torchvision's layers as a student would copy them (editable on the page) --------------

def _vgg16() -> str:
    lines, c = [], 3
    for convs, width in zip((2, 2, 3, 3, 3), (64, 128, 256, 512, 512)):
        for _ in range(convs):
            lines += [f"nn.Conv2d({c}, {width}, kernel_size=3, padding=1),", "nn.ReLU(inplace=True),"]
            c = width
        lines.append("nn.MaxPool2d(kernel_size=2, stride=2),")
    return "nn.Sequential(  # VGG-16 features (torchvision.models.vgg16().features)\n    " + "\n    ".join(lines) + "\n)"


PRESETS: dict[str, str] = {
    "tiny_vgg": """nn.Sequential(  # CNN Explainer's Tiny VGG (Wang et al. 2020), made for 3 x 64 x 64
    nn.Conv2d(3, 10, kernel_size=3), nn.ReLU(),
    nn.Conv2d(10, 10, kernel_size=3), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(10, 10, kernel_size=3), nn.ReLU(),
    nn.Conv2d(10, 10, kernel_size=3), nn.ReLU(),
    nn.MaxPool2d(2),
)""",
    "alexnet": """nn.Sequential(  # AlexNet features (torchvision.models.alexnet().features)
    nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(64, 192, kernel_size=5, padding=2),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(192, 384, kernel_size=3, padding=1),
    nn.ReLU(inplace=True),
    nn.Conv2d(384, 256, kernel_size=3, padding=1),
    nn.ReLU(inplace=True),
    nn.Conv2d(256, 256, kernel_size=3, padding=1),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2),
)""",
    "vgg16": _vgg16(),
    "resnet18": """nn.Sequential(  # ResNet-18's main path: the stem, then the first conv of each stage
    nn.Sequential(  # stem
        nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
        nn.BatchNorm2d(64), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    ),
    nn.Sequential(nn.Conv2d(64, 64, 3, stride=1, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU()),     # layer1
    nn.Sequential(nn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(128), nn.ReLU()),   # layer2
    nn.Sequential(nn.Conv2d(128, 256, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(256), nn.ReLU()),  # layer3
    nn.Sequential(nn.Conv2d(256, 512, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(512), nn.ReLU()),  # layer4
)""",
    "encoder_decoder": """nn.Sequential(  # down twice, then up twice: upsampling divides the jump j
    nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
    nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
    nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(32, 3, kernel_size=3, padding=1), nn.Sigmoid(),
)""",
}
