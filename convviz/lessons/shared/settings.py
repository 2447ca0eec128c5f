"""What the lessons' settings objects share: range checks that raise ValueError with the page's message, and
`settle`, which stores checked values on a frozen dataclass from its __post_init__."""

from __future__ import annotations

import numpy as np


def whole(value, name: str, low: int, high: int) -> int:
    """value as an int when it is a whole number in [low, high], else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high} (got {value!r}).")
    return int(value)


def number(value, name: str, low: float, high: float) -> float:
    """value as a float when it is a number in [low, high], else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g} (got {value!r}).")
    return float(value)


def settle(settings, **values) -> None:
    """Store `values` (checked, normalised) on the frozen dataclass `settings`, field by field."""
    for field, value in values.items():
        object.__setattr__(settings, field, value)
