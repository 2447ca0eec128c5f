"""convviz.restoration.self_ensemble: the dihedral transforms, the averaged net, and the shipped denoiser with it."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from convviz import restore

from convviz.restoration import imaging
from convviz.restoration.self_ensemble import ENSEMBLES, inverse_transform, self_ensemble, transform

torch.set_num_threads(1)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from(ENSEMBLES[8]))
def test_inverse_undoes_transform(H, W, t):
    x = torch.arange(H * W, dtype=torch.float64).reshape(1, 1, H, W)
    y = transform(x, *t)
    assert y.shape[-2:] == ((W, H) if t[0] % 2 else (H, W))
    torch.testing.assert_close(inverse_transform(y, *t), x, rtol=0, atol=0)


def test_the_eight_transforms_are_the_dihedral_group():
    x = torch.arange(9.0).reshape(3, 3)
    images = {tuple(transform(x, *t).flatten().tolist()) for t in ENSEMBLES[8]}
    assert len(images) == 8                                  # all different
    assert transform(x, 1, False).tolist() == torch.rot90(x).tolist()
    assert transform(x, 2, True).tolist() == torch.flipud(x).tolist()   # ENSEMBLES[2]'s second copy: upside down
    assert set(ENSEMBLES[4]) <= set(ENSEMBLES[8]) and set(ENSEMBLES[2]) <= set(ENSEMBLES[8])


@settings(max_examples=20, deadline=None)
@given(st.integers(5, 12), st.integers(5, 12), st.sampled_from([3, 5]), st.sampled_from(sorted(ENSEMBLES)),
       st.integers(0, 10_000))
def test_ensemble_of_a_convolution_is_the_convolution_with_the_averaged_kernel(H, W, k, copies, seed):
    """T^-1(conv(T x, w)) = conv(x, T^-1 w) for zero 'same' padding, so the mean over S is one
    convolution with the mean of the transformed kernels (S is closed under inverses)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 1, H, W, generator=g, dtype=torch.float64)
    w = torch.randn(1, 1, k, k, generator=g, dtype=torch.float64)
    ensembled = self_ensemble(lambda v: F.conv2d(v, w, padding=k // 2), x, copies)
    averaged_kernel = sum(inverse_transform(w, *t) for t in ENSEMBLES[copies]) / copies
    torch.testing.assert_close(ensembled, F.conv2d(x, averaged_kernel, padding=k // 2))


def test_one_copy_is_the_plain_call_and_bad_counts_are_refused():
    x = torch.randn(1, 1, 4, 6, dtype=torch.float64)
    torch.testing.assert_close(self_ensemble(lambda v: 2 * v + 1, x, 1), 2 * x + 1)
    with pytest.raises(ValueError, match="one of"):
        self_ensemble(lambda v: v, x, 3)


def test_ensemble_keeps_a_scaling_layout():
    """A super-resolution-like fn (nearest x2) is handled too: shapes scale, values agree."""
    x = torch.randn(1, 1, 3, 5, dtype=torch.float64)
    up = lambda v: F.interpolate(v, scale_factor=2, mode="nearest")   # noqa: E731  exactly equivariant
    torch.testing.assert_close(self_ensemble(up, x, 8), up(x))


shipped = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(), reason="shipped denoiser missing")


def noisy_camera(sigma: float):
    from skimage import data
    clean = data.camera()[100:228, 200:326] / 255.0                 # 128 x 126: not square
    noise = torch.randn(clean.shape, generator=torch.Generator().manual_seed(0)).double().numpy()
    return clean, clean + noise * sigma / 255


@shipped
def test_denoise_ensemble_is_the_mean_of_rotated_runs():
    """restore's denoiser before clipping (`_run_denoiser`): four rotated runs, rotated back and averaged."""
    _, noisy = noisy_camera(25)
    run = lambda planes, copies=1: restore._run_denoiser(np.ascontiguousarray(planes), 25.0, restore.TILE, copies)  # noqa: E731
    manual = np.mean([np.rot90(run(np.rot90(noisy, k)[None])[0], -k) for k in range(4)], axis=0)
    np.testing.assert_allclose(run(noisy[None], 4)[0], manual, atol=1e-6)
    np.testing.assert_allclose(restore.denoise(noisy, 25, ensemble=4), np.clip(manual, 0, 1), atol=1e-6)


@shipped
def test_denoise_ensemble_improves_psnr():
    """Four rotations: about +0.1 dB on Set12 (docs/benchmarks.md); here at least +0.02 dB."""
    clean, noisy = noisy_camera(25)
    one, four = (imaging.psnr(clean, restore.denoise(noisy, 25, ensemble=n)) for n in (1, 4))
    assert four >= one + 0.02
    tiled = restore.denoise(noisy, 25, ensemble=4, tile=32)
    torch.testing.assert_close(tiled, restore.denoise(noisy, 25, ensemble=4), atol=1e-4, rtol=0)
