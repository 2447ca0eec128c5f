"""Torch twins of convviz.ista (float64), for the tests and the page's agreement check: the ISTA step
with F.conv1d / F.conv_transpose1d, as one conv layer, by autograd, and ‖Φ‖₂² by torch.linalg."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convviz.ista import as_atoms, gram_kernel


def _t(a):
    return torch.as_tensor(np.ascontiguousarray(np.asarray(a, dtype=np.float64)))


def ista_step_torch(codes, y, phi, lam: float, eta: float) -> np.ndarray:
    """The step written directly with torch: Φc = F.conv1d(c, φ, padding=m−1), Φᵀr = F.conv_transpose1d(r, φ, ...)."""
    phi = as_atoms(phi)
    k, m = phi.shape
    w = _t(phi)[None]                                                  # (1, K, m): C_out = 1, C_in = K
    c = _t(codes).view(1, k, -1)                                       # (1, K, N)
    r = _t(y).view(1, 1, -1) - F.conv1d(c, w, padding=m - 1)           # (1, 1, n)
    return F.relu(c + eta * F.conv_transpose1d(r, w, padding=m - 1) - eta * lam).flatten().numpy()


def layer_step_torch(codes, y, phi, lam: float, eta: float) -> np.ndarray:
    """The step as one conv layer: ReLU(conv_transpose1d(y, ηφ) + c − conv1d(c, ηG, padding=m−1) − ηλ)."""
    phi = as_atoms(phi)
    k, m = phi.shape
    c = _t(codes).view(1, k, -1)                                       # (1, K, N)
    w_e_y = F.conv_transpose1d(_t(y).view(1, 1, -1), eta * _t(phi)[None], padding=m - 1)   # (1, K, N)
    s_c = c - F.conv1d(c, eta * _t(gram_kernel(phi)), padding=m - 1)                    # (1, K, N)
    bias = _t(np.full(k, -eta * lam)).view(1, k, 1)
    return F.relu(w_e_y + s_c + bias).flatten().numpy()


def ista_step_autograd(codes, y, phi_matrix, lam: float, eta: float) -> np.ndarray:
    """The step as proximal gradient with the gradient of ½‖y − Φc‖² from torch autograd: ReLU(c − η∇f − ηλ)."""
    a = _t(phi_matrix)
    c = _t(codes).clone().requires_grad_(True)
    f = 0.5 * ((_t(y).flatten() - a @ c) ** 2).sum()
    (grad,) = torch.autograd.grad(f, c)
    return torch.relu(c.detach() - eta * grad - eta * lam).numpy()


def lipschitz_torch(phi_matrix) -> float:
    """‖Φ‖₂² by torch.linalg.matrix_norm(ord=2)."""
    return float(torch.linalg.matrix_norm(_t(phi_matrix), ord=2) ** 2)
