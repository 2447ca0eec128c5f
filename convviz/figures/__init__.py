"""Figures: plotly only, one module per lesson named like its page, plus shared drawing helpers (common)."""
