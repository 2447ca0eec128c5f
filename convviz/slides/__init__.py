"""Slide exports: one step of a lesson's figure as PNG/SVG, all steps as an animated GIF (Pillow)."""
