"""Restoration: the denoising and super-resolution networks, inference, tiling, self-ensemble, noise level,
image I/O, metrics, classical baselines and degradations. `convviz.restore` is its public face."""
