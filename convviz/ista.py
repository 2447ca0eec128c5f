"""ISTA for 1-D convolutional sparse coding, and why one ISTA step is one CNN layer (note 001).

Note 001, "Single iteration ISTA for CSC": a signal y (n,) is a sum of K atoms φ_k (length m)
placed by non-negative sparse codes c_k (N,): y ≈ Φ c = Σ_k φ_k * c_k. Here Φ is the matrix of
a 1-D convolution with C_in = K, C_out = 1 and full padding p = m − 1 (every code position
places a whole atom, so n = N + m − 1), built by convviz.matrix.conv_matrix; Φᵀ is the
transposed convolution. ISTA for

    min_{c ≥ 0}  ½‖y − Φ c‖² + λ‖c‖₁

repeats the proximal-gradient step (prox of λ‖·‖₁ on c ≥ 0 is ReLU(· − ηλ)):

    c ← ReLU(c + η Φᵀ(y − Φ c) − ηλ) = ReLU(W_e y + S c − ηλ),  W_e = ηΦᵀ,  S = I − ηΦᵀΦ,

with η ≤ 1/L, L = ‖Φ‖₂² (largest singular value squared). W_e is a transposed convolution,
S = I − η·(a K→K convolution whose kernel is the atoms' cross-correlations, length 2m − 1) and
−ηλ is a bias: one convolutional layer with a ReLU. From c = 0 the first step is the note's
c̃ = S⁺_{ηλ}(η Φᵀ y) = [ηΦᵀy − ηλ]_+. Checked against torch float64 in tests/compute/test_ista.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.matrix import conv_matrix


def as_atoms(phi) -> np.ndarray:
    """The dictionary φ as (K atoms, m taps) float64."""
    phi = np.asarray(phi, dtype=np.float64)
    if phi.ndim != 2 or phi.shape[0] < 1 or phi.shape[1] < 1:
        raise ValueError(f"The dictionary must be (K atoms, m taps), got shape {phi.shape}.")
    return phi


def dictionary_matrix(phi, n_codes: int) -> np.ndarray:
    """Φ (n, K·N), n = N + m − 1: Φ c = Σ_k conv1d(c_k, φ_k, padding=m − 1) (torch's cross-correlation).

    It is conv_matrix of the input (K, 1, N) with the kernel φ as (C_out=1, C_in=K, 1, m), full
    padding; column k·N + t is atom k placed at code position t.

    >>> dictionary_matrix([[1.0, 2.0]], 2)
    array([[2., 0.],
           [1., 2.],
           [0., 1.]])
    """
    phi = as_atoms(phi)
    if int(n_codes) < 1:
        raise ValueError(f"The codes need at least one position, got N = {n_codes}.")
    k, m = phi.shape
    return conv_matrix((k, 1, int(n_codes)), phi[None, :, None, :], padding=(0, m - 1))   # (N + m − 1, K·N)


def lipschitz_constant(phi_matrix) -> float:
    """L = ‖Φ‖₂² (spectral norm squared = largest eigenvalue of ΦᵀΦ): the gradient of ½‖y − Φc‖² is L-Lipschitz."""
    return float(np.linalg.norm(np.asarray(phi_matrix, dtype=np.float64), 2) ** 2)


def ista_step(codes, y, phi_matrix, lam: float, eta: float) -> np.ndarray:
    """One ISTA step for non-negative codes: c ← ReLU(c + η Φᵀ(y − Φ c) − ηλ) (note 001). codes (K·N,)."""
    a = np.asarray(phi_matrix, dtype=np.float64)
    c = np.asarray(codes, dtype=np.float64).ravel()
    return np.maximum(c + eta * a.T @ (np.asarray(y, dtype=np.float64).ravel() - a @ c) - eta * lam, 0.0)


def layer_matrices(phi_matrix, eta: float) -> tuple[np.ndarray, np.ndarray]:
    """(W_e, S) = (ηΦᵀ, I − ηΦᵀΦ): the step is ReLU(W_e y + S c − ηλ), a layer with bias −ηλ."""
    a = np.asarray(phi_matrix, dtype=np.float64)
    return eta * a.T, np.eye(a.shape[1]) - eta * a.T @ a


def layer_step(codes, y, phi_matrix, lam: float, eta: float) -> np.ndarray:
    """The same step in layer form: ReLU(W_e y + S c − ηλ)."""
    w_e, s = layer_matrices(phi_matrix, eta)
    return np.maximum(w_e @ np.asarray(y, dtype=np.float64).ravel() + s @ np.asarray(codes, dtype=np.float64).ravel()
                      - eta * lam, 0.0)


def gram_kernel(phi) -> np.ndarray:
    """G (K, K, 2m − 1) with G[j, k, t] = Σ_s φ_j[s] φ_k[s + t − (m − 1)]: ΦᵀΦ c = conv1d(c, G, padding=m − 1).

    So S c = c − η·conv1d(c, G, padding=m − 1): the recurrent part of the layer is itself a convolution.
    """
    phi = as_atoms(phi)
    k, m = phi.shape
    g = np.zeros((k, k, 2 * m - 1))
    for j in range(k):
        for i in range(k):
            g[j, i] = np.correlate(phi[i], phi[j], "full")             # lag t − (m − 1) = −(m − 1) … m − 1
    return g


def objective(codes, y, phi_matrix, lam: float) -> float:
    """½‖y − Φc‖² + λ‖c‖₁."""
    a = np.asarray(phi_matrix, dtype=np.float64)
    c = np.asarray(codes, dtype=np.float64).ravel()
    r = np.asarray(y, dtype=np.float64).ravel() - a @ c
    return float(0.5 * r @ r + lam * np.abs(c).sum())


@dataclass(frozen=True)
class IstaRun:
    codes: np.ndarray        # (steps + 1, K·N): codes[0] = 0, codes[t] after t steps
    residual: np.ndarray     # (steps + 1,) ‖y − Φ codes[t]‖
    objective: np.ndarray    # (steps + 1,) ½‖y − Φc‖² + λ‖c‖₁
    eta: float
    lipschitz: float


def run_ista(y, phi_matrix, lam: float, steps: int, eta: float | None = None) -> IstaRun:
    """k ISTA steps from c = 0 with η = 1/‖Φ‖₂² unless given (η ≤ 1/L makes the objective non-increasing)."""
    a = np.asarray(phi_matrix, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if lam < 0:
        raise ValueError(f"λ must be ≥ 0, got {lam}.")
    lip = lipschitz_constant(a)
    if eta is None:
        eta = 1.0 / lip if lip > 0 else 1.0
    codes = [np.zeros(a.shape[1])]
    for _ in range(int(steps)):
        codes.append(ista_step(codes[-1], y, a, lam, eta))
    codes = np.stack(codes)                                            # (steps + 1, K·N)
    residual = np.linalg.norm(y[None] - codes @ a.T, axis=1)           # (steps + 1,)
    return IstaRun(codes, residual, np.array([objective(c, y, a, lam) for c in codes]), float(eta), lip)


def soft_threshold_plus(z, t: float) -> np.ndarray:
    """Note 001's S⁺_t(z) = [z − t]_+ (one-sided soft threshold)."""
    return np.maximum(np.asarray(z, dtype=np.float64) - t, 0.0)


def first_step_scaling_gap(y, phi_matrix, lam: float, eta: float) -> tuple[float, float]:
    """Note 001 writes S⁺_{ηλ}(ηΦ*y) = S⁺_λ(Φ*y); in fact S⁺_{ηλ}(ηz) = η·S⁺_λ(z).

    Returns (max |S⁺_{ηλ}(ηΦᵀy) − S⁺_λ(Φᵀy)|, max |S⁺_{ηλ}(ηΦᵀy) − η S⁺_λ(Φᵀy)|): the first is 0
    only when η = 1 (or nothing passes the threshold), the second always (up to rounding).
    """
    z = np.asarray(phi_matrix, dtype=np.float64).T @ np.asarray(y, dtype=np.float64).ravel()
    left = soft_threshold_plus(eta * z, eta * lam)
    right = soft_threshold_plus(z, lam)
    return float(np.abs(left - right).max()), float(np.abs(left - eta * right).max())


def example_problem(k: int, m: int, n_codes: int, seed: int, noise: float = 0.05):
    """A seeded CSC problem: unit-norm atoms φ (K, m), sparse non-negative codes (K, N) (about one in
    five positions active, values 1…2) and y = Φ c_true + noise·N(0, 1) of length N + m − 1."""
    rng = np.random.default_rng(seed + 3000)
    phi = rng.standard_normal((k, m))
    phi /= np.linalg.norm(phi, axis=1, keepdims=True)
    c_true = np.where(rng.random((k, n_codes)) < 0.2, rng.uniform(1.0, 2.0, (k, n_codes)), 0.0)
    if not c_true.any():
        c_true[0, n_codes // 2] = 1.5
    y = dictionary_matrix(phi, n_codes) @ c_true.ravel() + noise * rng.standard_normal(n_codes + m - 1)
    return phi, c_true, y
