"""Cached work for the exercise at the end of each lesson and for the quiz (convviz.ui.sections.exercises):
built once per question, not on every rerun of the lesson around the section (a stride change reruns it too)."""

from __future__ import annotations

from convviz import exercises
from convviz.lessons import exercises as drawn
from convviz.ui.cache.caching import cached

question = cached(exercises.generate, 64)
question_figure = cached(drawn.figure, 64)
reveal_scene = cached(lambda exercise: drawn.STAGE_REVEALS[exercise.topic](exercise), 64)
