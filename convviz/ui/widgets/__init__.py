"""Widgets and helpers every page shares: URL-bound controls (params), stepping, presenting, layout, share links,
downloads, number grids, the figure-first fragment, the zoom box, the server runtime."""
