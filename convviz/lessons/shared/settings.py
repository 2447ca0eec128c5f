"""What the lessons' settings objects share: range checks that raise the one settings error (SettingsError, a
ValueError) with the page's message, `settle`, which stores checked values on a frozen dataclass, and `Checked`,
a frozen dataclass's base that checks its fields against a table of limits before any rule across fields."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from convviz.lessons.settings_error import SettingsError


def _range(low, high) -> str:
    return f"from {low:g} to {high:g}" if high is not None else f"≥ {low:g}"


def whole(value, name: str, low: int, high: int | None = None) -> int:
    """value as an int when it is a whole number in [low, high] (high None: no upper limit), else SettingsError."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low
            or (high is not None and value > high)):
        raise SettingsError(f"{name} must be a whole number {_range(low, high)} (got {value!r}).")
    return int(value)


def number(value, name: str, low: float, high: float | None = None) -> float:
    """value as a float when it is a number in [low, high] (high None: no upper limit), else SettingsError."""
    if (isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= low
            or (high is not None and not value <= high)):
        raise SettingsError(f"{name} must be a number {_range(low, high)} (got {value!r}).")
    return float(value)


def settle(settings, **values) -> None:
    """Store `values` (checked, normalised) on the frozen dataclass `settings`, field by field."""
    for field, value in values.items():
        object.__setattr__(settings, field, value)


class Checked:
    """Base of a frozen settings dataclass: LIMITS = {field: (label, low, high)} checks each field (`whole` when
    low is an int, else `number`; high None for no upper limit) and stores it normalised; then `check()` applies
    the rules across fields. A subclass with only limits writes no __post_init__."""

    LIMITS: ClassVar[dict[str, tuple]] = {}

    def __post_init__(self):
        for field, (label, low, high) in self.LIMITS.items():
            read = whole if isinstance(low, int) else number
            settle(self, **{field: read(getattr(self, field), label, low, high)})
        self.check()

    def check(self) -> None:
        """Rules across fields (SettingsError); none by default."""
