"""Lessons: one module per page (presets, worked examples, explanations, code snippets, scene builders)."""
