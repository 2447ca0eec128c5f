"""Lessons: one module per page (settings, presets, worked examples, explanations, builders); each lesson's
PyTorch snippet in snippets/, its stage scenes and export frames in scenes/, what several lessons use in shared/."""
