"""convviz.ista against torch float64: the ISTA step (note 001) in matrix form, as one conv layer
ReLU(W_e y + S c − ηλ), written directly with F.conv1d / F.conv_transpose1d, and with autograd's gradient;
η = 1/‖Φ‖₂² from the spectral norm; the objective never rises."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.ista import (dictionary_matrix, example_problem, first_step_scaling_gap, gram_kernel, ista_step,
                          layer_matrices, layer_step, lipschitz_constant, objective, run_ista, soft_threshold_plus)
from convviz.torch_ref.ista import ista_step_autograd, ista_step_torch, layer_step_torch, lipschitz_torch

cases = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 12), st.integers(0, 10_000),
                  st.floats(0.0, 1.0))


def problem(case):
    """(φ, y, Φ) for a drawn case (k atoms of length m, N codes, seed, λ)."""
    k, m, n_codes, seed, _ = case
    phi, _, y = example_problem(k, m, n_codes, seed)
    return phi, y, dictionary_matrix(phi, n_codes)


def test_dictionary_matrix_is_torch_conv1d_and_its_transpose_is_conv_transpose1d():
    rng = np.random.default_rng(1)
    phi, c, r = rng.standard_normal((2, 3)), rng.standard_normal((2, 5)), rng.standard_normal(7)
    a = dictionary_matrix(phi, 5)
    assert a.shape == (7, 10)                                         # n = N + m − 1
    w = torch.from_numpy(phi)[None]
    np.testing.assert_allclose(a @ c.ravel(), F.conv1d(torch.from_numpy(c)[None], w, padding=2).flatten(), atol=1e-12)
    np.testing.assert_allclose(a.T @ r, F.conv_transpose1d(torch.from_numpy(r).view(1, 1, -1), w, padding=2).flatten(),
                               atol=1e-12)
    # Column k·N + t is atom k placed at position t: Φ c = Σ_k φ_k * c_k is np.convolve with the flipped atom.
    np.testing.assert_allclose(a @ c.ravel(), sum(np.convolve(c[k], phi[k, ::-1]) for k in range(2)), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(cases)
def test_step_matrix_layer_torch_and_autograd_agree(case):
    k, _, n_codes, seed, lam = case
    phi, y, a = problem(case)
    eta = 1.0 / lipschitz_constant(a)
    codes = np.maximum(np.random.default_rng(seed).standard_normal(k * n_codes), 0)
    step = ista_step(codes, y, a, lam, eta)
    for other in (layer_step(codes, y, a, lam, eta), layer_step_torch(codes, y, phi, lam, eta),
                  ista_step_torch(codes, y, phi, lam, eta), ista_step_autograd(codes, y, a, lam, eta)):
        np.testing.assert_allclose(other, step, rtol=0, atol=1e-12)
    assert (step >= 0).all()


def test_layer_matrices_and_the_gram_convolution():
    phi, _, _ = example_problem(2, 3, 6, 0)
    a = dictionary_matrix(phi, 6)
    eta = 0.25
    w_e, s = layer_matrices(a, eta)
    np.testing.assert_allclose(w_e, eta * a.T)
    # S = I − η ΦᵀΦ, and ΦᵀΦ is the conv1d with the atoms' cross-correlation kernel G, padding m − 1.
    basis = torch.eye(12, dtype=torch.float64).view(12, 2, 6)
    gram_conv = F.conv1d(basis, torch.from_numpy(gram_kernel(phi)), padding=2).flatten(1).T.numpy()   # (12, 12)
    np.testing.assert_allclose(gram_conv, a.T @ a, atol=1e-12)
    np.testing.assert_allclose(s, np.eye(12) - eta * gram_conv, atol=1e-12)
    assert gram_kernel(phi).shape == (2, 2, 5)
    np.testing.assert_allclose(gram_kernel(phi)[0, 0, 2], 1.0)        # unit-norm atoms: zero lag is ‖φ_0‖² = 1


@settings(max_examples=30, deadline=None)
@given(cases)
def test_lipschitz_is_the_spectral_norm_squared(case):
    _, _, a = problem(case)
    lip = lipschitz_constant(a)
    assert lip == pytest.approx(lipschitz_torch(a), rel=1e-12)
    assert lip == pytest.approx(np.linalg.eigvalsh(a.T @ a).max(), rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(cases, st.integers(1, 40))
def test_objective_never_rises_with_eta_one_over_l(case, steps):
    k, m, n_codes, seed, lam = case
    phi, _, y = example_problem(k, m, n_codes, seed)
    a = dictionary_matrix(phi, n_codes)
    run = run_ista(y, a, lam, steps)
    assert run.eta == pytest.approx(1.0 / lipschitz_torch(a))
    assert run.codes.shape == (steps + 1, k * n_codes) and (run.codes >= 0).all()
    assert (np.diff(run.objective) <= 1e-12 * (1 + run.objective[0])).all()
    np.testing.assert_allclose(run.residual, [np.linalg.norm(y - a @ c) for c in run.codes])
    np.testing.assert_allclose(run.objective, [objective(c, y, a, lam) for c in run.codes])
    assert run.objective[0] == pytest.approx(0.5 * y @ y)             # c = 0


@settings(max_examples=30, deadline=None)
@given(cases, st.integers(1, 30))
def test_without_lambda_the_residual_never_rises(case, steps):
    k, m, n_codes, seed, _ = case
    phi, _, y = example_problem(k, m, n_codes, seed)
    run = run_ista(y, dictionary_matrix(phi, n_codes), 0.0, steps)
    assert (np.diff(run.residual) <= 1e-12 * (1 + run.residual[0])).all()


def test_a_too_large_step_can_make_the_objective_rise():
    """The bound matters: with η = 2.5/L the iteration overshoots (the check above can fail)."""
    phi, _, y = example_problem(2, 3, 12, 0)
    a = dictionary_matrix(phi, 12)
    run = run_ista(y, a, 0.0, 20, eta=2.5 / lipschitz_constant(a))
    assert (np.diff(run.objective) > 0).any()


def test_first_step_is_the_notes_thresholded_correlation():
    """Note 001: from c = 0, c̃ = S⁺_{ηλ}(ηΦ*y) = [ηΦᵀy − ηλ]_+ (the note's next '=' drops η; see below)."""
    phi, _, y = example_problem(2, 3, 10, 4)
    a = dictionary_matrix(phi, 10)
    lam = 0.2
    run = run_ista(y, a, lam, 1)
    np.testing.assert_allclose(run.codes[1], soft_threshold_plus(run.eta * a.T @ y, run.eta * lam), atol=1e-12)
    wrong, right = first_step_scaling_gap(y, a, lam, run.eta)
    assert right < 1e-12 and wrong > 1e-3                              # S⁺_{ηλ}(ηz) = η S⁺_λ(z) ≠ S⁺_λ(z)
    assert first_step_scaling_gap(y, a, lam, 1.0)[0] == 0.0           # equal only when η = 1


def test_bad_input_says_why():
    with pytest.raises(ValueError, match="K atoms"):
        dictionary_matrix(np.ones(3), 4)
    with pytest.raises(ValueError, match="at least one position"):
        dictionary_matrix(np.ones((1, 3)), 0)
    with pytest.raises(ValueError, match="λ must be"):
        run_ista(np.ones(3), np.ones((3, 2)), -1.0, 2)
