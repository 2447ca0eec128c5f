"""Cached work for the receptive-field page: thin st.cache_resource wrappers around
convviz.lessons.receptive_fields, keyed on its settings objects (small, frozen, hashable), never on arrays.

Results are shared resources: the page never mutates them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.lessons import receptive_fields as lesson
from convviz.lessons.receptive_fields import DilationSettings, FieldSettings, UNetSettings

erf_trials = lesson.erf_trials


@st.cache_resource(max_entries=64, show_spinner=False)
def autograd_check(settings: FieldSettings) -> tuple[int, bool, list[int]]:
    return lesson.autograd_check(settings)


@st.cache_resource(max_entries=32, show_spinner="Averaging the gradient over random networks…")
def effective_field(settings: FieldSettings) -> np.ndarray:
    return lesson.effective_field(settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def effective_window(settings: FieldSettings, mass: float = 0.95) -> tuple[int, int]:
    return lesson.effective_window(settings, effective_field(settings), mass)


@st.cache_resource(max_entries=8, show_spinner=False)
def _photo(size: int) -> np.ndarray:
    return lesson.photo(size)


@st.cache_resource(max_entries=64, show_spinner=False)
def field_figure(settings: FieldSettings, unit: tuple[int, int], photo: bool, erf: bool):
    return lesson.field_figure(settings, unit, image=_photo(lesson.photo_size(settings.n)) if photo else None,
                               erf=effective_field(settings) if erf else None)


@st.cache_resource(max_entries=32, show_spinner=False)
def profile_figure(settings: FieldSettings):
    return lesson.profile(settings, effective_field(settings), effective_window(settings))


@st.cache_resource(max_entries=32, show_spinner=False)
def dilation_comparison(settings: DilationSettings):
    return lesson.dilation_comparison(settings)


@st.cache_resource(max_entries=64, show_spinner=False)
def torch_agreement(settings: UNetSettings) -> tuple[bool, int]:
    return lesson.torch_agreement(settings)
