"""The one error every lesson raises for settings that make no layer (or no figure): SettingsError.

A ValueError, so code that catches ValueError still catches it. `problems` maps where each message shows to the
message: "H" and "W" (an axis of the layer), "kernel", or "" (the settings as a whole). The lesson pages draw
their figure with convviz.ui.widgets.figure_first, which catches it and says what is wrong in the figure's place.
"""

from __future__ import annotations

WHERE = {"H": "Height: ", "W": "Width: "}      # how a message about one axis starts; other places add nothing


class SettingsError(ValueError):
    """Settings no layer can have. `problems` maps where each one shows ("H", "W", "kernel", "") to its message."""

    def __init__(self, problems: dict[str, str] | str):
        self.problems = {"": problems} if isinstance(problems, str) else dict(problems)
        super().__init__(" ".join(WHERE.get(where, "") + message for where, message in self.problems.items()))

    @classmethod
    def of(cls, error: ValueError) -> SettingsError:
        """`error` as a SettingsError: itself, or a plain ValueError's message about the settings as a whole."""
        return error if isinstance(error, cls) else cls(str(error))
