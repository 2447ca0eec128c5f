"""The stage's scenes and the exports' frames: one module per lesson (named like its page), `common` for the
format and what every builder shares (finish, grid, step_cells)."""
