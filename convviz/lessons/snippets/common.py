"""What the lessons' snippets share."""

from __future__ import annotations

import numpy as np


def literal(a: np.ndarray) -> str:
    """A nested Python list literal; whole numbers without '.0' so the code stays short."""
    a = np.asarray(a, dtype=np.float64)
    if np.all(a == np.round(a)):
        return repr(a.astype(int).tolist())
    return repr(a.tolist())
