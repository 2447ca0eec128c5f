"""Cached work for the receptive-field page: thin st.cache_resource wrappers around
convviz.lessons.receptive_fields, keyed on its settings objects (small, frozen, hashable), never on arrays.

Results are shared resources: the page never mutates them.
"""

from __future__ import annotations

import streamlit as st

from convviz.lessons import receptive_fields as lesson
from convviz.lessons.receptive_fields import FieldSettings
from convviz.ui.cache.caching import cached

erf_trials = lesson.erf_trials
autograd_check = cached(lesson.autograd_check, 64)
effective_field = cached(lesson.effective_field, spinner="Averaging the gradient over random networks…")
_photo = cached(lesson.photo, 8)
dilation_comparison = cached(lesson.dilation_comparison)
torch_agreement = cached(lesson.torch_agreement, 64)
field_stage_scene = cached(lesson.field_stage_scene, 32)      # (settings, depth, unit): the stage's scene
anchored_units = cached(lesson.anchored_units, 64)


@st.cache_resource(max_entries=32, show_spinner=False)
def effective_window(settings: FieldSettings, mass: float = 0.95) -> tuple[int, int]:
    return lesson.effective_window(settings, effective_field(settings), mass)


@st.cache_resource(max_entries=64, show_spinner=False)
def field_figure(settings: FieldSettings, unit: tuple[int, int], photo: bool, erf: bool):
    return lesson.field_figure(settings, unit, image=_photo(lesson.photo_size(settings.n)) if photo else None,
                               erf=effective_field(settings) if erf else None)


@st.cache_resource(max_entries=32, show_spinner=False)
def profile_figure(settings: FieldSettings):
    return lesson.profile(settings, effective_field(settings), effective_window(settings))
