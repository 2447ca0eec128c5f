"""Cached builders for the convolution zoo page: the section builders of convviz.lessons.convolution_zoo,
keyed on its frozen per-section settings objects (never on arrays), behind convviz.ui.cache.caching.cached.

Resources, not data: the results hold plotly figures, shared rather than copied on every run; the page
only reads them.
"""

from __future__ import annotations

from convviz.lessons import convolution_zoo as lesson
from convviz.ui.cache.caching import cached

pointwise = cached(lesson.pointwise_lesson)
dilation = cached(lesson.dilation_lesson)
grouped = cached(lesson.grouped_lesson)
depthwise = cached(lesson.depthwise_lesson)
separable = cached(lesson.separable_lesson)
pooling = cached(lesson.pooling_lesson)
locally_connected = cached(lesson.locally_connected_lesson)
