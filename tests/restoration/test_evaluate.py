"""The benchmark protocol of convviz.evaluate on tiny synthetic sets written to tmp_path.

Nothing here reads ../shared, except the Set5 bicubic reproduction, skipped when absent.
"""
import numpy as np
import pytest
import torch
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio

from convviz import evaluate

from convviz.restoration import imaging

torch.set_num_threads(1)   # the CI box has 2 cores; more threads only spin against each other


def test_noise_is_seeded_by_sorted_index():
    """noise_i = torch.randn(shape, generator=torch.Generator().manual_seed(i)) * sigma / 255."""
    expected = torch.randn((5, 7), generator=torch.Generator().manual_seed(3)) * 25 / 255
    assert torch.equal(evaluate.seeded_noise((5, 7), 3, 25), expected)
    assert not torch.equal(evaluate.seeded_noise((5, 7), 4, 25), expected)


def write_gray_set(folder, sizes):
    folder.mkdir()
    rng = np.random.default_rng(0)
    for k, (H, W) in enumerate(sizes):   # names out of creation order: the protocol sorts them
        Image.fromarray(rng.integers(0, 256, (H, W), dtype=np.uint8)).save(folder / f"img{9 - k}.png")
    return evaluate.image_files(folder)


def test_noisy_pair_is_unclipped_and_uses_sorted_order(tmp_path):
    files = write_gray_set(tmp_path / "gray", [(9, 8), (6, 5)])
    assert [p.name for p in files] == ["img8.png", "img9.png"]
    clean, noisy = evaluate.noisy_pair(files[0], 0, 50)
    assert clean.shape == (6, 5)                       # img8 is the second one written
    np.testing.assert_allclose(noisy - clean, evaluate.seeded_noise((6, 5), 0, 50).double().numpy(), atol=1e-12)
    assert noisy.min() < 0 or noisy.max() > 1


def test_psnr_matches_skimage_and_shaves():
    rng = np.random.default_rng(1)
    a, b = rng.random((12, 10)), rng.random((12, 10))
    assert imaging.psnr(a, b) == pytest.approx(peak_signal_noise_ratio(a, b, data_range=1.0), abs=1e-10)
    b[:2], b[-2:], b[:, :2], b[:, -2:] = 0, 0, 0, 0   # differ only inside
    c = a.copy()
    c[:3] = 0                                         # differ in a 3-pixel band
    assert imaging.psnr(a, c, shave=3) == float("inf")
    assert imaging.psnr(a, c, shave=2) < 100


def test_y_is_matlab_rgb2ycbcr():
    """MATLAB's rgb2ycbcr documentation: Y = 16 + 65.481 R + 128.553 G + 24.966 B for R, G, B in [0, 1];
    pure red gives (81.481, 90.203, 240), white Y = 235, black Y = 16."""
    ycbcr = imaging.rgb_to_ycbcr(np.array([[[1.0, 0, 0], [1, 1, 1], [0, 0, 0]]])) * 255
    np.testing.assert_allclose(ycbcr[0, 0], [81.481, 90.203, 240.0], atol=1e-9)
    np.testing.assert_allclose(ycbcr[0, 1:, 0], [235, 16], atol=1e-9)
    np.testing.assert_allclose(imaging.gray_to_y(np.array([0.3])), imaging.rgb_to_y(np.full((1, 1, 3), 0.3))[0])


def test_sr_pair_crops_and_downscales_with_pil(tmp_path):
    rgb = np.random.default_rng(2).integers(0, 256, (23, 31, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "a.bmp")
    hr, lr = evaluate.sr_pair(tmp_path / "a.bmp", 3)
    assert hr.shape == (21, 30, 3) and lr.shape == (7, 10, 3) and lr.dtype == np.uint8
    np.testing.assert_array_equal(lr, np.asarray(Image.fromarray(rgb[:21, :30]).resize((10, 7), Image.BICUBIC)))
    up = np.asarray(Image.fromarray(lr).resize((30, 21), Image.BICUBIC)) / 255.0
    np.testing.assert_allclose(evaluate.bicubic_y(lr, 3), imaging.rgb_to_y(up))


def test_denoising_protocol_on_tiny_set(tmp_path, monkeypatch):
    """With the identity as 'denoiser' the protocol's PSNR is that of the clipped noisy image."""
    files = write_gray_set(tmp_path / "gray", [(20, 24), (18, 16)])
    calls = []
    monkeypatch.setattr(evaluate.restore, "denoise",
                        lambda image, sigma=None, ensemble=1: calls.append((sigma, ensemble)) or np.clip(image, 0, 1))
    result = evaluate.evaluate_denoising({"tiny": files}, use_anchor=False)
    expected = []
    for i, path in enumerate(files):
        clean = torch.from_numpy(np.asarray(Image.open(path), dtype=np.float64) / 255)
        noisy = clean + (torch.randn(clean.shape, generator=torch.Generator().manual_seed(i)) * 25 / 255).double()
        mse = torch.mean((noisy.clamp(0, 1) - clean) ** 2)
        expected.append(float(10 * torch.log10(1 / mse)))
    for row in ("blind", "blind_x4", "given"):
        assert result["tiny/25"][row]["psnr"] == pytest.approx(np.mean(expected), abs=1e-9)
    assert set(result) == {"tiny/15", "tiny/25", "tiny/50"}
    assert set(calls) == {(None, 1), (None, evaluate.ENSEMBLE), (15, 1), (25, 1), (50, 1)}


def test_write_benchmarks_keeps_the_rest(tmp_path):
    doc = tmp_path / "b.md"
    doc.write_text(f"# top\n{evaluate.BEGIN}\nold\n{evaluate.END}\n## other section\n")
    evaluate.write_benchmarks("new table", doc)
    assert doc.read_text() == f"# top\n{evaluate.BEGIN}\nnew table\n{evaluate.END}\n## other section\n"
    (tmp_path / "c.md").write_text("no markers")
    with pytest.raises(ValueError, match="markers"):
        evaluate.write_benchmarks("x", tmp_path / "c.md")


@pytest.mark.skipif(not (evaluate.SHARED / "data" / "Set5").exists(), reason="../shared/data/Set5 absent")
@pytest.mark.parametrize("scale", [2, 3, 4])
def test_pil_bicubic_reproduces_published_set5(scale):
    """Published Set5 bicubic Y PSNR 33.66 / 30.39 / 28.42 dB (Dong et al. TPAMI 2016, Table; Kim et al. 2016)."""
    scores = []
    for path in evaluate.image_files(evaluate.SHARED / "data" / "Set5"):
        hr, lr = evaluate.sr_pair(path, scale)
        scores.append(imaging.psnr(imaging.rgb_to_y(imaging.to_float(hr)), evaluate.bicubic_y(lr, scale), shave=scale))
    assert np.mean(scores) == pytest.approx(evaluate.SET5_BICUBIC[scale], abs=0.05)


def fake_report(blind: float, blind_x4: float) -> dict:
    entry = lambda psnr: {"psnr": psnr, "ssim": 0.8, "images": 68, "median_seconds": 0.1}   # noqa: E731
    return {"date": "d", "machine": "m", "torch": "t", "threads": 2, "commit": "c", "quick": False,
            "command": "python -m convviz.evaluate --threads 2", "models": {},
            "denoise": {f"BSD68/{s}": {"blind": entry(evaluate.DENOISE_TARGET[s] + blind),
                                       "blind_x4": entry(evaluate.DENOISE_TARGET[s] + blind_x4),
                                       "given": entry(30.0), "dncnn_s": entry(31.0)} for s in evaluate.SIGMAS},
            "sr": {}, "times": {"blind": 0.2, "blind_x4": 0.8, "given": 0.2, "dncnn_s": 1.8},
            "macs": {"ffdnet_gray": 93456.0, "dncnn_s": 554112.0}}


def test_markdown_reports_both_blind_rows_and_their_verdicts():
    text = evaluate.markdown(fake_report(blind=-0.05, blind_x4=+0.02))
    assert "ours, blind, x4 self-ensemble" in text
    assert "- BSD68 sigma 25, blind, one pass >= 28.9: 28.85 (**not met**)" in text
    assert "- BSD68 sigma 25, blind, x4 self-ensemble >= 28.9: 28.92 (met)" in text
    assert "- CPU time per BSD68 image, blind, x4 self-ensemble, <= DnCNN-S's: 0.800 s vs 1.800 s (met)" in text
    assert "with the x4 self-ensemble 373824 (0.675)" in text
