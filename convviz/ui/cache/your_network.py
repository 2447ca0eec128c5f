"""Cached work for the "Your network" page, keyed on its settings (a NetworkSettings: the text and the input
shape), from convviz.lessons.your_network. Shared resources: the page never mutates them."""

from __future__ import annotations

from convviz.lessons import your_network as lesson
from convviz.lessons.your_network import NetworkSettings
from convviz.ui.cache.caching import cached

rows = cached(NetworkSettings.rows, 64)
torch_check = cached(NetworkSettings.torch_check, 32, spinner="Building the network in PyTorch…")
field_figure = cached(lesson.field_figure, 32)
